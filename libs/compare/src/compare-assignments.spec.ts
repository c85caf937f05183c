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

  it("gives scikit-learn's documented ARI for [0, 0, 1, 2] vs [0, 0, 1, 1]: 4/7, computed by hand", () => {
    // Pairs together in both: 1 (customers 0, 1). Σ C(a_i, 2) = 1, Σ C(b_j, 2) = 2, C(4, 2) = 6: expected 1·2/6 = 1/3,
    // maximum (1 + 2)/2 = 3/2, ARI = (1 − 1/3) / (3/2 − 1/3) = 4/7 (the docs print 0.57…).
    const input = {
      idsA: ids(4),
      segmentA: Int32Array.of(0, 0, 1, 2),
      kA: 3,
      idsB: ids(4),
      segmentB: Int32Array.of(0, 0, 1, 1),
      kB: 2,
    };
    expect(compareAssignments(input).ari).toBeCloseTo(4 / 7, 15);
    expect(compareAssignments({ ...input, uniqueIds: true }).ari).toBeCloseTo(4 / 7, 15);
  });

  it('gives the same comparison through the identity join (same ids in the same order) as through the hash join', () => {
    const n = 20_000;
    const random = (seed: number) => () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const next = random(7);
    const idsA = ids(n, 'cust-');
    const segmentA = Int32Array.from({ length: n }, () => Math.floor(next() * 6));
    // B mostly keeps A's segment, as a second run with another seed does.
    const segmentB = Int32Array.from(segmentA, (s) => (next() < 0.8 ? s : Math.floor(next() * 6)));
    const identity = compareAssignments({ idsA, segmentA, kA: 6, idsB: idsA, segmentB, kB: 6, uniqueIds: true });
    // The same customers in another order: matched by hashing their ids.
    const order = Int32Array.from({ length: n }, (_, i) => (i * 7919) % n);
    const shuffledIds = Array.from(order, (i) => idsA[i]);
    const shuffledB = Int32Array.from(order, (i) => segmentB[i]);
    const joined = compareAssignments({ idsA, segmentA, kA: 6, idsB: shuffledIds, segmentB: shuffledB, kB: 6 });
    expect(identity).toEqual(joined);
    expect(identity.matched).toBe(n);
    expect(identity.ari).toBeGreaterThan(0.3);
    expect(identity.ari).toBeLessThan(1);
  });
});
