import { adjustedRandIndex } from '@workbench/plugin-sdk/testing';
import { assignNearest, clusterMeans, fitKMeans, inertia } from './kmeans-fit';
import { rowMatrix } from './row-matrix';

// Two obvious clusters: A = (0,0), (0,1), (1,0) and B = A + (10,10).
const sixPoints = rowMatrix(Float64Array.from([0, 0, 0, 1, 1, 0, 10, 10, 10, 11, 11, 10]), 2);

describe('inertia', () => {
  it('matches the sum of squared distances computed by hand', () => {
    // Centroid of A is (1/3, 1/3): squared distances 2/9, 5/9, 5/9 → 4/3 per cluster, 8/3 in all.
    const centroids = Float64Array.from([1 / 3, 1 / 3, 31 / 3, 31 / 3]);
    expect(inertia(sixPoints, Int32Array.from([0, 0, 0, 1, 1, 1]), centroids)).toBeCloseTo(8 / 3, 14);
  });
});

describe('assignNearest', () => {
  it('gives a tie to the lower centroid index and returns the inertia', () => {
    const line = rowMatrix(Float64Array.from([0, 1, 2]), 1);
    const labels = new Int32Array(3);
    expect(assignNearest(line, Float64Array.from([0, 2]), 2, labels)).toBe(1);
    expect(Array.from(labels)).toEqual([0, 0, 1]);
  });
});

describe('clusterMeans', () => {
  it('keeps the previous centroid of an empty cluster', () => {
    const line = rowMatrix(Float64Array.from([1, 3]), 1);
    expect(Array.from(clusterMeans(line, Int32Array.from([0, 0]), 2, Float64Array.from([0, 7])))).toEqual([2, 7]);
  });
});

describe('fitKMeans', () => {
  it('finds two obvious clusters with their exact centroids and inertia', () => {
    const fit = fitKMeans(sixPoints, 2, { seed: 1, maxIterations: 100, tolerance: 1e-6 });

    expect(adjustedRandIndex(fit.labels, [0, 0, 0, 1, 1, 1])).toBe(1);
    const a = fit.labels[0];
    expect(fit.centroids[a * 2]).toBeCloseTo(1 / 3, 14);
    expect(fit.centroids[(1 - a) * 2 + 1]).toBeCloseTo(31 / 3, 14);
    expect(fit.inertia).toBeCloseTo(8 / 3, 14);
    expect(fit.converged).toBe(true);
  });

  it('repeats itself for the same seed', () => {
    const a = fitKMeans(sixPoints, 3, { seed: 5, maxIterations: 100, tolerance: 1e-6 });
    const b = fitKMeans(sixPoints, 3, { seed: 5, maxIterations: 100, tolerance: 1e-6 });
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(Array.from(b.centroids)).toEqual(Array.from(a.centroids));
  });

  it('reports no convergence when the iteration budget runs out', () => {
    const fit = fitKMeans(sixPoints, 2, { seed: 1, maxIterations: 1, tolerance: 0 });
    expect(fit.iterations).toBe(1);
    expect(fit.converged).toBe(false);
  });
});
