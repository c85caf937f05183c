import { RunAbortedError, seededRandom, validateParams } from '@workbench/plugin-sdk';
import { adjustedRandIndex, createTestRunContext } from '@workbench/plugin-sdk/testing';
import { benchBlobs } from '../test/gaussian-blobs';
import { mallCustomersFrame } from '../test/mall-customers';
import { fitFastKMeans, localTrials } from './fast-kmeans';
import { fitKMeans, inertia } from './kmeans-fit';
import { KMeansParams } from './kmeans-params';
import { effectiveThreads, KMeansThreads } from './kmeans-threads';
import { rowMatrix, type RowMatrix } from './row-matrix';
import { fitSeed, trainKMeans } from './train';
import { applyZScore, fitZScore } from './z-score';

const relative = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE);
const sixPoints = rowMatrix(Float64Array.from([0, 0, 0, 1, 1, 0, 10, 10, 10, 11, 11, 10]), 2);

/** Mall Customers income × spending, z-scored (200 rows). */
function mallMatrix(): RowMatrix {
  const frame = mallCustomersFrame();
  const columns = ['annual_income', 'spending_score'].map((f) => (frame.columns[f] as { values: Float64Array }).values);
  const raw = rowMatrix(
    Float64Array.from({ length: frame.rowCount * 2 }, (_, v) => columns[v % 2][Math.floor(v / 2)]),
    2,
  );
  return applyZScore(raw, fitZScore(raw));
}

/** k distinct rows drawn with a seed: a deliberately rough start, so Lloyd has many steps to agree on. */
function seededStart(x: RowMatrix, k: number, seed: number): Float64Array {
  const rand = seededRandom(seed);
  const chosen = new Set<number>();
  while (chosen.size < k) chosen.add(Math.floor(rand() * x.n));
  const start = new Float64Array(k * x.d);
  [...chosen].forEach((row, c) => start.set(x.values.subarray(row * x.d, row * x.d + x.d), c * x.d));
  return start;
}

async function withThreads<T>(count: number, run: (threads: KMeansThreads) => Promise<T>): Promise<T> {
  const threads = KMeansThreads.open(count);
  try {
    return await run(threads);
  } finally {
    await threads.close();
  }
}

const budget = { maxIterations: 300, tolerance: 1e-6 };

describe('fitFastKMeans', () => {
  it('finds two obvious clusters with their exact centroids and inertia', async () => {
    const fit = await fitFastKMeans(sixPoints, 2, { seed: 1, ...budget });
    expect(adjustedRandIndex(fit.labels, [0, 0, 0, 1, 1, 1])).toBe(1);
    const a = fit.labels[0];
    expect(fit.centroids[a * 2]).toBeCloseTo(1 / 3, 14);
    expect(fit.centroids[(1 - a) * 2 + 1]).toBeCloseTo(31 / 3, 14);
    expect(fit.inertia).toBeCloseTo(8 / 3, 14);
    expect(fit.converged).toBe(true);
  });

  it('returns the inertia of its own labels and centroids', async () => {
    const x = mallMatrix();
    const fit = await fitFastKMeans(x, 5, { seed: 3, ...budget });
    expect(relative(fit.inertia, inertia(x, fit.labels, fit.centroids))).toBeLessThan(1e-12);
  });

  it('reports no convergence when the iteration budget runs out', async () => {
    const fit = await fitFastKMeans(sixPoints, 2, { seed: 1, maxIterations: 1, tolerance: 0 });
    expect(fit.iterations).toBe(1);
    expect(fit.converged).toBe(false);
  });

  it('uses 2 + ⌊ln k⌋ local trials per k-means++ centre, as scikit-learn', () => {
    expect([2, 8, 20, 50].map(localTrials)).toEqual([2, 4, 4, 5]);
  });

  it('stops with a RunAbortedError when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort('cancelled');
    await expect(fitFastKMeans(mallMatrix(), 3, { seed: 1, ...budget, signal: controller.signal })).rejects.toThrow(
      RunAbortedError,
    );
  });
});

describe('fast engine against the ml-kmeans engine from the same start', () => {
  it.each([3, 5, 8])(
    'takes the same iterations to the same partition and inertia on Mall Customers, k=%i',
    async (k) => {
      const x = mallMatrix();
      const initialCentroids = seededStart(x, k, 100 + k);
      const fast = await fitFastKMeans(x, k, { seed: 0, ...budget, initialCentroids });
      const reference = fitKMeans(x, k, { seed: 0, ...budget, initialCentroids });
      expect(fast.iterations).toBe(reference.iterations);
      expect(fast.converged).toBe(reference.converged);
      expect(relative(fast.inertia, reference.inertia)).toBeLessThan(1e-9);
      expect(Array.from(fast.labels)).toEqual(Array.from(reference.labels));
    },
  );

  it('agrees on 60,000 bench rows split over 2 threads (k=8, a start of random rows)', async () => {
    const x = benchBlobs(60_000);
    const initialCentroids = seededStart(x, 8, 7);
    const fast = await withThreads(2, (threads) =>
      fitFastKMeans(x, 8, { seed: 0, ...budget, initialCentroids }, threads),
    );
    const reference = fitKMeans(x, 8, { seed: 0, ...budget, initialCentroids });
    expect(fast.iterations).toBeGreaterThan(3); // a start rough enough that the cross-check means something
    expect(fast.iterations).toBe(reference.iterations);
    expect(relative(fast.inertia, reference.inertia)).toBeLessThan(1e-9);
    expect(adjustedRandIndex(fast.labels, reference.labels)).toBe(1);
  }, 60_000);

  it("reaches an inertia no higher than ml-kmeans with its own k-means++, on the bench's 100k rows (3 seeds)", async () => {
    const x = benchBlobs(100_000);
    const seeds = [0, 1, 2].map((restart) => fitSeed(42, 8, restart));
    let fastTotal = 0;
    let referenceTotal = 0;
    for (const seed of seeds) {
      fastTotal += (await fitFastKMeans(x, 8, { seed, ...budget })).inertia;
      referenceTotal += fitKMeans(x, 8, { seed, ...budget }).inertia;
    }
    expect(fastTotal).toBeLessThanOrEqual(referenceTotal * (1 + 1e-9));
  }, 120_000);
});

describe('fast engine threads', () => {
  it('honours a requested thread count down to 25,000 rows per thread, one thread below 50,000 rows', () => {
    expect([
      effectiveThreads(8, 49_999),
      effectiveThreads(8, 50_000),
      effectiveThreads(8, 80_000),
      effectiveThreads(2, 1_000_000),
    ]).toEqual([1, 2, 3, 2]);
  });

  it('chooses at most one thread per 250,000 rows when none is requested', () => {
    expect([effectiveThreads(undefined, 100_000), effectiveThreads(undefined, 499_999)]).toEqual([1, 1]);
    expect(effectiveThreads(undefined, 10_000_000)).toBeGreaterThanOrEqual(1);
  });

  it('gives bit-identical results on 1, 2 and 3 threads (80,000 rows, k=8, k-means++ start)', async () => {
    const x = benchBlobs(80_000);
    const fits = [];
    for (const count of [1, 2, 3])
      fits.push(await withThreads(count, (threads) => fitFastKMeans(x, 8, { seed: 11, ...budget }, threads)));
    for (const fit of fits.slice(1)) {
      expect(fit.iterations).toBe(fits[0].iterations);
      expect(fit.inertia).toBe(fits[0].inertia);
      expect(Array.from(fit.centroids)).toEqual(Array.from(fits[0].centroids));
      expect(
        Buffer.from(fit.labels.buffer, fit.labels.byteOffset, fit.labels.byteLength).equals(
          Buffer.from(fits[0].labels.buffer, fits[0].labels.byteOffset, fits[0].labels.byteLength),
        ),
      ).toBe(true);
    }
  }, 60_000);

  it('trains the same model with threads: 1 and threads: 2', async () => {
    const x = benchBlobs(60_000);
    const names = Array.from({ length: x.d }, (_, j) => `f${j}`);
    const columns = Object.fromEntries(
      names.map((name, j) => [
        name,
        { kind: 'numeric' as const, values: Float64Array.from({ length: x.n }, (_, i) => x.values[i * x.d + j]) },
      ]),
    );
    const frame = { ids: Array.from({ length: x.n }, (_, i) => `c${i}`), columns, rowCount: x.n };
    const train = (threads: number) =>
      trainKMeans(
        validateParams('segmenter-kmeans', KMeansParams, { k: 8, threads, silhouetteSampleSize: 500 }),
        frame,
        createTestRunContext({ seed: 5 }),
      );
    const one = await train(1);
    const two = await train(2);
    expect(Buffer.from(two.artifact.bytes).equals(Buffer.from(one.artifact.bytes))).toBe(true);
    expect(two.metrics).toEqual(one.metrics);
  }, 60_000);
});
