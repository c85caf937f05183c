import { seededRandom } from '@workbench/plugin-sdk';
import { rowMatrix } from './row-matrix';
import { sampledSilhouette, silhouette, silhouetteSampleRows } from './silhouette';

// Two obvious clusters: A = (0,0), (0,1), (1,0) and B = A + (10,10).
const sixPoints = rowMatrix(Float64Array.from([0, 0, 0, 1, 1, 0, 10, 10, 10, 11, 11, 10]), 2);
const twoClusters = Int32Array.from([0, 0, 0, 1, 1, 1]);

describe('silhouette', () => {
  it('matches the coefficient computed by hand for two obvious clusters', () => {
    // s(i) = (b − a) / max(a, b); a = mean distance within the cluster, b = mean distance to the other one.
    const s = Math.sqrt;
    const corner = (1 + s(2)) / 2; // a of a point with neighbours at distances 1 and √2
    const byHand = [
      { a: 1, b: (s(200) + 2 * s(221)) / 3 }, // (0,0)
      { a: corner, b: (s(181) + s(200) + s(202)) / 3 }, // (0,1)
      { a: corner, b: (s(181) + s(202) + s(200)) / 3 }, // (1,0)
      { a: 1, b: (s(200) + 2 * s(181)) / 3 }, // (10,10)
      { a: corner, b: (s(221) + s(200) + s(202)) / 3 }, // (10,11)
      { a: corner, b: (s(221) + s(202) + s(200)) / 3 }, // (11,10)
    ];
    const expected = byHand.reduce((sum, { a, b }) => sum + (b - a) / Math.max(a, b), 0) / 6;

    expect(silhouette(sixPoints, twoClusters, 2)).toBeCloseTo(expected, 14);
  });

  it('scores a point alone in its cluster as 0, as sklearn does', () => {
    // Points 0, 1 and 10 on a line, 10 alone: s = (1 − 1/10, 1 − 1/9, 0), mean over all three.
    const line = rowMatrix(Float64Array.from([0, 1, 10]), 1);
    expect(silhouette(line, Int32Array.from([0, 0, 1]), 2)).toBeCloseTo((0.9 + 8 / 9 + 0) / 3, 15);
  });

  it('is undefined (NaN) with a single cluster', () => {
    expect(silhouette(sixPoints, new Int32Array(6), 1)).toBeNaN();
  });
});

describe('sampledSilhouette', () => {
  it('uses every row when the data fits in the sample', () => {
    expect(silhouetteSampleRows(6, 10, seededRandom(1))).toBeNull();
    expect(sampledSilhouette(sixPoints, twoClusters, 2, null)).toBe(silhouette(sixPoints, twoClusters, 2));
  });

  it('draws the same sorted sample for the same seed', () => {
    const a = silhouetteSampleRows(1000, 50, seededRandom(3));
    const b = silhouetteSampleRows(1000, 50, seededRandom(3));
    expect(a).toHaveLength(50);
    expect(Array.from(b!)).toEqual(Array.from(a!));
    expect(Array.from(a!)).toEqual(Array.from(a!).sort((x, y) => x - y));
  });
});
