import { compareAssignments } from './compare-assignments';
import { ComparisonInputError } from './errors';

const ids = (n: number, prefix = 'c') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('compareAssignments', () => {
  it('gives ARI = NMI = 1, a diagonal migration matrix and the identity matching for a run compared with itself', () => {
    const segment = Int32Array.from({ length: 300 }, (_, i) => (i * 7) % 4);
    const idsA = ids(300);
    const result = compareAssignments({ idsA, segmentA: segment, kA: 4, idsB: idsA, segmentB: segment, kB: 4 });
    expect(result.ari).toBe(1);
    expect(result.nmi).toBeCloseTo(1, 12);
    expect(result.migration).toEqual([
      [75, 0, 0, 0],
      [0, 75, 0, 0],
      [0, 0, 75, 0],
      [0, 0, 0, 75],
    ]);
    expect(result.rowPercent.map((row, i) => row[i])).toEqual([100, 100, 100, 100]);
    expect(result.matching.pairs.map((p) => [p.segmentA, p.segmentB, p.jaccard])).toEqual([
      [0, 0, 1],
      [1, 1, 1],
      [2, 2, 1],
      [3, 3, 1],
    ]);
  });

  it('compares only the customers in both runs, whatever their order, and counts the others', () => {
    const result = compareAssignments({
      idsA: ['a', 'b', 'c', 'd', 'x'],
      segmentA: Int32Array.of(0, 0, 1, 1, 1),
      kA: 2,
      idsB: ['d', 'c', 'b', 'a', 'y', 'z'],
      segmentB: Int32Array.of(0, 0, 1, 1, 0, 1),
      kB: 2,
    });
    expect(result).toMatchObject({ matched: 4, onlyInA: 1, onlyInB: 2, ari: 1 });
    // A's segment 0 (a, b) is B's segment 1: relabelled, not moved.
    expect(result.migration).toEqual([
      [0, 2],
      [2, 0],
    ]);
    expect(result.matching.pairs.map((p) => [p.segmentA, p.segmentB])).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });

  it('rejects ids and segments of different lengths', () => {
    expect(() =>
      compareAssignments({
        idsA: ['a'],
        segmentA: Int32Array.of(0, 1),
        kA: 2,
        idsB: [],
        segmentB: new Int32Array(0),
        kB: 1,
      }),
    ).toThrow(ComparisonInputError);
  });
});
