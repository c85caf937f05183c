import { contingencyTableFromRows } from './contingency-table';
import { matchSegments } from './match-segments';

describe('matchSegments', () => {
  it('maximises the total overlap where a greedy choice would not', () => {
    // Greedy takes (0,0) = 10 first and ends with 10 + 0 + 1; the optimum pairs 0↔1 and 1↔0 for 9 + 9 + 1.
    const matching = matchSegments(
      contingencyTableFromRows([
        [10, 9, 0],
        [9, 0, 0],
        [0, 0, 1],
      ]),
    );
    expect(matching.pairs.map((p) => [p.segmentA, p.segmentB])).toEqual([
      [0, 1],
      [1, 0],
      [2, 2],
    ]);
    expect(matching.totalOverlap).toBe(19);
  });

  it('reports overlap and Jaccard = overlap / (|A_i| + |B_j| − overlap)', () => {
    const matching = matchSegments(
      contingencyTableFromRows([
        [6, 2],
        [1, 3],
      ]),
    );
    expect(matching.pairs).toEqual([
      { segmentA: 0, segmentB: 0, overlap: 6, jaccard: 6 / (8 + 7 - 6) },
      { segmentA: 1, segmentB: 1, overlap: 3, jaccard: 3 / (4 + 5 - 3) },
    ]);
  });

  it('lists the segments left over when the runs have different numbers of segments', () => {
    const matching = matchSegments(
      contingencyTableFromRows([
        [5, 0, 1, 0],
        [0, 1, 7, 2],
      ]),
    );
    expect(matching.pairs.map((p) => [p.segmentA, p.segmentB])).toEqual([
      [0, 0],
      [1, 2],
    ]);
    expect(matching.unmatchedA).toEqual([]);
    expect(matching.unmatchedB).toEqual([1, 3]);
  });

  it('leaves unmatched a pair the assignment makes between segments sharing no customer', () => {
    const matching = matchSegments(
      contingencyTableFromRows([
        [4, 0],
        [0, 0],
      ]),
    );
    expect(matching.pairs).toHaveLength(1);
    expect(matching.unmatchedA).toEqual([1]);
    expect(matching.unmatchedB).toEqual([1]);
  });
});
