import { seededRandom, throwIfAborted } from '@workbench/plugin-sdk';
import { rowDistance2, type KernelName, type KernelState } from './fast-kmeans-kernels';
import type { KMeansFit } from './kmeans-fit';
import { CHUNK_ROWS, KMeansThreads } from './kmeans-threads';
import type { RowMatrix } from './row-matrix';

export interface FastKMeansOptions {
  /** Seed of the k-means++ start (the SDK's mulberry32). */
  seed: number;
  /** Lloyd iterations (centre updates) at most. */
  maxIterations: number;
  /** First phase ends when no centre moved by more than this squared distance (ml-kmeans' criterion). */
  tolerance: number;
  /** Row-major `k × d` starting centres; absent = greedy k-means++ seeded by `seed`. */
  initialCentroids?: Float64Array;
  /** Checked between passes over the data. */
  signal?: AbortSignal;
}

/** Local trials per centre of greedy k-means++: 2 + ⌊ln k⌋, as scikit-learn's `_kmeans_plusplus`. */
export function localTrials(k: number): number {
  return 2 + Math.floor(Math.log(k));
}

const isShared = (buffer: ArrayBufferLike): boolean =>
  Object.prototype.toString.call(buffer) === '[object SharedArrayBuffer]';

/** The fit's working memory: ~20 bytes per row (labels, two bounds) plus O(k·d) per chunk. */
function allocateState(x: RowMatrix, k: number, shared: boolean): KernelState {
  const make = (bytes: number): ArrayBuffer | SharedArrayBuffer =>
    shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  const f64 = (length: number): Float64Array => new Float64Array(make(length * 8));
  const { n, d } = x;
  let values = x.values;
  if (shared && !isShared(values.buffer)) {
    // Workers need the data in shared memory; callers with big data allocate it there to save this copy.
    values = f64(values.length);
    values.set(x.values);
  }
  const trials = localTrials(k);
  const stride = k * d + k + 2 + trials;
  return {
    x: values,
    n,
    d,
    k,
    trials,
    chunkRows: CHUNK_ROWS,
    labels: new Int32Array(make(n * 4)),
    upper: f64(n),
    lower: f64(n),
    centres: f64(k * d),
    candidates: f64(trials * d),
    pairs: f64(k * k + k * trials),
    halfGaps: f64(k),
    moves: f64(k),
    out: f64(Math.ceil(n / CHUNK_ROWS) * stride),
    stride,
  };
}

/**
 * k-means on flat `Float64Array` data, fast: greedy k-means++ with triangle-inequality pruning, then
 * Lloyd iterations with Hamerly's bounds (Hamerly 2010, SIAM SDM), on `threads` (default: the main
 * thread only). Results do not depend on the thread count: chunks of `CHUNK_ROWS` rows are reduced in
 * chunk order on the main thread.
 *
 * Stopping rule and iteration count are those of the 'ml-kmeans' engine (`fitKMeans`), so the two can be
 * compared step for step: Lloyd steps until no centre moves by more than `tolerance` (squared), then
 * further steps until the assignment is a fixed point (at least one, which verifies it), all within
 * `maxIterations`. The centroids returned are the means of the returned labels' members when `converged`.
 */
export async function fitFastKMeans(
  x: RowMatrix,
  k: number,
  options: FastKMeansOptions,
  threads?: KMeansThreads,
): Promise<KMeansFit> {
  const { n } = x;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`k must be an integer in 1..${n}, not ${k}`);
  const runner = threads ?? KMeansThreads.open(1);
  try {
    const s = allocateState(x, k, runner.isShared);
    await runner.bind(s);
    return await lloyd(s, runner, options, await start(s, runner, options));
  } finally {
    if (!threads) await runner.close();
  }
}

/** Chunk count and the reduction helpers over `s.out`, always in chunk order. */
function chunksOf(s: KernelState): number {
  return Math.ceil(s.n / s.chunkRows);
}

function reduceSlot(s: KernelState, slot: number): number {
  let total = 0;
  for (let chunk = 0, chunks = chunksOf(s); chunk < chunks; chunk++) total += s.out[chunk * s.stride + slot];
  return total;
}

async function pass(
  s: KernelState,
  runner: KMeansThreads,
  name: KernelName,
  args: number[],
  signal: AbortSignal | undefined,
): Promise<void> {
  if (signal) throwIfAborted(signal);
  await runner.run(name, chunksOf(s), args);
}

/** Writes the `k × k` centre–centre distances into `s.pairs` (centres `0..count−1`). */
function centreDistances(s: KernelState, count: number): void {
  for (let a = 0; a < count; a++) {
    s.pairs[a * s.k + a] = 0;
    for (let b = a + 1; b < count; b++) {
      const distance = Math.sqrt(rowDistance2(s.centres, a, s.centres, b, s.d));
      s.pairs[a * s.k + b] = distance;
      s.pairs[b * s.k + a] = distance;
    }
  }
}

/**
 * Row drawn with probability proportional to its weight, for a uniform `target` in [0, Σ weights): the
 * first row whose running sum exceeds `target`, scanning chunk totals first and then the one chunk's
 * rows (`weightOf`), so nothing of size n is built. Rounding past the end falls back to the last row of
 * positive weight (scikit-learn clips its `searchsorted` the same way).
 */
function drawRow(s: KernelState, chunkWeights: Float64Array, target: number, weightOf: (i: number) => number): number {
  let before = 0;
  let lastPositive = -1;
  for (let chunk = 0; chunk < chunkWeights.length; chunk++) {
    if (chunkWeights[chunk] <= 0) continue;
    lastPositive = chunk;
    if (before + chunkWeights[chunk] > target) {
      const end = Math.min(s.n, (chunk + 1) * s.chunkRows);
      let running = before;
      let lastRow = -1;
      for (let i = chunk * s.chunkRows; i < end; i++) {
        const w = weightOf(i);
        if (w <= 0) continue;
        lastRow = i;
        running += w;
        if (running > target) return i;
      }
      if (lastRow >= 0) return lastRow;
    }
    before += chunkWeights[chunk];
  }
  if (lastPositive < 0) return s.n - 1;
  for (let i = Math.min(s.n, (lastPositive + 1) * s.chunkRows) - 1; i >= lastPositive * s.chunkRows; i--)
    if (weightOf(i) > 0) return i;
  return s.n - 1;
}

/**
 * Greedy k-means++ (Arthur & Vassilvitskii 2007, "k-means++: the advantages of careful seeding", SODA;
 * local trials as in scikit-learn's `_kmeans_plusplus`): the first centre is a uniform row; each next
 * one is the best, by resulting potential Σ D(x)², of `localTrials(k)` rows drawn with probability
 * D(x)² / Σ D(x)². Returns the index of the last centre, not yet folded into the rows' nearest centre.
 */
async function start(s: KernelState, runner: KMeansThreads, options: FastKMeansOptions): Promise<number> {
  const { k, d, trials } = s;
  const chunks = chunksOf(s);
  if (options.initialCentroids) {
    if (options.initialCentroids.length !== k * d)
      throw new RangeError(
        `initialCentroids must hold k × d = ${k * d} values, not ${options.initialCentroids.length}`,
      );
    s.centres.set(options.initialCentroids);
    return -1;
  }
  const rand = seededRandom(options.seed);
  const first = Math.min(s.n - 1, Math.floor(rand() * s.n));
  s.centres.set(s.x.subarray(first * d, first * d + d), 0);
  await pass(s, runner, 'seedChunk', [], options.signal);
  const potSlot = k * d + k + 1;
  const chunkPots = new Float64Array(chunks);
  for (let chunk = 0; chunk < chunks; chunk++) chunkPots[chunk] = s.out[chunk * s.stride + potSlot];

  for (let c = 1; c < k; c++) {
    // The previous round's winner (c − 1 ≥ 1) is folded in by this round's pass; until then the row
    // weights are min(stored D², distance to it), which is what `chunkPots` already sums.
    const pending = c >= 2 ? c - 1 : -1;
    const weightOf = (i: number): number => {
      const stored = s.upper[i];
      if (pending < 0) return stored;
      const fresh = rowDistance2(s.x, i, s.centres, pending, d);
      return fresh < stored ? fresh : stored;
    };
    let potential = 0;
    for (let chunk = 0; chunk < chunks; chunk++) potential += chunkPots[chunk];
    for (let j = 0; j < trials; j++) {
      const row = drawRow(s, chunkPots, rand() * potential, weightOf);
      s.candidates.set(s.x.subarray(row * d, row * d + d), j * d);
    }
    centreDistances(s, c);
    for (let a = 0; a < c; a++) {
      for (let j = 0; j < trials; j++)
        s.pairs[k * k + a * trials + j] = Math.sqrt(rowDistance2(s.centres, a, s.candidates, j, d));
    }
    await pass(s, runner, 'trialsChunk', [pending, trials], options.signal);
    let best = 0;
    let bestPot = Infinity;
    for (let j = 0; j < trials; j++) {
      const pot = reduceSlot(s, potSlot + 1 + j);
      if (pot < bestPot) {
        bestPot = pot;
        best = j;
      }
    }
    for (let chunk = 0; chunk < chunks; chunk++) chunkPots[chunk] = s.out[chunk * s.stride + potSlot + 1 + best];
    s.centres.set(s.candidates.subarray(best * d, best * d + d), c * d);
  }
  return k - 1;
}

/** Hamerly's s(c): half the distance from each centre to its nearest other centre. */
function halfGaps(s: KernelState): void {
  for (let a = 0; a < s.k; a++) {
    let nearest = Infinity;
    for (let b = 0; b < s.k; b++) if (b !== a && s.pairs[a * s.k + b] < nearest) nearest = s.pairs[a * s.k + b];
    s.halfGaps[a] = nearest / 2;
  }
}

/** Lloyd iterations with Hamerly's bounds and the stopping rule described at `fitFastKMeans`. */
async function lloyd(
  s: KernelState,
  runner: KMeansThreads,
  options: FastKMeansOptions,
  pendingCentre: number,
): Promise<KMeansFit> {
  const { k, d } = s;
  const sumsAt = 0;
  const countsAt = k * d;
  const changedAt = k * d + k;
  const next = new Float64Array(k * d);
  centreDistances(s, k);
  halfGaps(s);
  if (options.initialCentroids) {
    // No k-means++ state: bounds that prune nothing make the first pass a full scan.
    s.upper.fill(Infinity);
    s.lower.fill(0);
    s.halfGaps.fill(0);
    s.moves.fill(0);
    await pass(s, runner, 'assignChunk', [-1, 0, 0, 1], options.signal);
  } else {
    await pass(s, runner, 'firstAssignChunk', [pendingCentre], options.signal);
  }
  let iterations = 0;
  let isFirstPhase = true;
  let refinements = 0;
  let converged = false;
  // Once a pass changes no label, the centres computed from the same sums are the same, so every
  // further pass would change nothing either: those passes are counted but not run.
  let isStable = false;
  for (let isFirstPass = true; ; isFirstPass = false) {
    const changed = isStable ? 0 : reduceSlot(s, changedAt);
    if (!isFirstPass && changed === 0) isStable = true;
    if (!isFirstPass && !isFirstPhase && refinements >= 1 && changed === 0) {
      converged = true;
      break;
    }
    if (iterations >= options.maxIterations) break;
    // New centres: the means of the members (an empty cluster keeps its centre, as ml-kmeans does).
    let largestShift2 = 0;
    for (let c = 0; c < k; c++) {
      const count = reduceSlot(s, countsAt + c);
      for (let t = 0; t < d; t++)
        next[c * d + t] = count > 0 ? reduceSlot(s, sumsAt + c * d + t) / count : s.centres[c * d + t];
      const shift2 = rowDistance2(next, c, s.centres, c, d);
      if (shift2 > largestShift2) largestShift2 = shift2;
      s.moves[c] = Math.sqrt(shift2);
    }
    s.centres.set(next);
    iterations++;
    if (isFirstPhase) {
      if (largestShift2 <= options.tolerance) isFirstPhase = false;
    } else {
      refinements++;
    }
    if (isStable) continue;
    let farthest = 0;
    for (let c = 1; c < k; c++) if (s.moves[c] > s.moves[farthest]) farthest = c;
    let secondMove = 0;
    for (let c = 0; c < k; c++) if (c !== farthest && s.moves[c] > secondMove) secondMove = s.moves[c];
    centreDistances(s, k);
    halfGaps(s);
    await pass(s, runner, 'assignChunk', [farthest, s.moves[farthest], secondMove, 0], options.signal);
  }
  await pass(s, runner, 'inertiaChunk', [], options.signal);
  return {
    k,
    labels: s.labels,
    centroids: Float64Array.from(s.centres),
    inertia: reduceSlot(s, k * d + k + 1),
    iterations,
    converged,
  };
}
