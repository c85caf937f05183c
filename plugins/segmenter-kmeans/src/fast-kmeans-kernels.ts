/**
 * The per-chunk kernels of the fast k-means engine. The same functions run on the main thread (small
 * data, or the main thread's own share) and, serialised with `Function.prototype.toString`, inside the
 * worker threads, so every row is computed by the same code whatever the thread count.
 *
 * Rules for this file, because the functions are shipped as source text: each kernel uses only its
 * arguments, `Math` and the other functions listed in `KERNEL_SOURCES` — no imports, no module
 * constants, no syntax that needs a compiler helper. Every kernel handles rows
 * `[chunk * chunkRows, min(n, (chunk + 1) * chunkRows))` and writes its chunk's partial results into
 * its own slot `out[chunk * stride ..]`, so the main thread can reduce chunks in a fixed order.
 */

/** Shared state of one fit; in workers every array is a view on a `SharedArrayBuffer`. */
export interface KernelState {
  /** Row-major `n × d` data. */
  x: Float64Array;
  n: number;
  d: number;
  k: number;
  /** k-means++ local trials per centre. */
  trials: number;
  chunkRows: number;
  /** Per row: index of the nearest centre (k-means++: among the centres chosen so far). */
  labels: Int32Array;
  /** Per row: k-means++ squared distance to the nearest centre; Lloyd: Hamerly's upper bound (a distance). */
  upper: Float64Array;
  /** Per row: Hamerly's lower bound on the distance to the second-nearest centre. */
  lower: Float64Array;
  /** Row-major `k × d` centres. */
  centres: Float64Array;
  /** Row-major `trials × d` k-means++ candidates. */
  candidates: Float64Array;
  /** Distances (not squared): `k × k` centre–centre, then `k × trials` centre–candidate. */
  pairs: Float64Array;
  /** Per centre: half the distance to its nearest other centre (Hamerly's s(c)). */
  halfGaps: Float64Array;
  /** Per centre: distance it moved in the last update (Hamerly's p(c)). */
  moves: Float64Array;
  /**
   * Per chunk `stride` values: sums (k × d) and counts (k) of the chunk's rows per centre (kept between
   * Lloyd passes), rows that changed centre, objective, one pot per trial.
   */
  out: Float64Array;
  stride: number;
}

/**
 * Relative safety margin of every triangle-inequality test: a test that holds only by less than this
 * is treated as failed and the distance is computed, so rounding in the bounds can never change which
 * centre a row gets (ties still go to the lower index, as in a brute-force scan).
 */
function pruneMargin(): number {
  return 1e-10;
}

/** Squared euclidean distance between row `i` of `a` and row `j` of `b`, summed in column order. */
export function rowDistance2(a: Float64Array, i: number, b: Float64Array, j: number, d: number): number {
  let sum = 0;
  const ai = i * d;
  const bj = j * d;
  for (let t = 0; t < d; t++) {
    const diff = a[ai + t] - b[bj + t];
    sum += diff * diff;
  }
  return sum;
}

function clearChunkOut(s: KernelState, chunk: number): number {
  const base = chunk * s.stride;
  for (let v = 0; v < s.stride; v++) s.out[base + v] = 0;
  return base;
}

/** k-means++ start: squared distance of every row to the first centre; the chunk's potential. */
export function seedChunk(s: KernelState, chunk: number): void {
  const { x, d, upper, labels, centres } = s;
  const base = clearChunkOut(s, chunk);
  const start = chunk * s.chunkRows;
  const end = Math.min(s.n, start + s.chunkRows);
  let potential = 0;
  for (let i = start; i < end; i++) {
    const dist2 = rowDistance2(x, i, centres, 0, d);
    upper[i] = dist2;
    labels[i] = 0;
    potential += dist2;
  }
  s.out[base + s.k * d + s.k + 1] = potential;
}

/**
 * Folds centre `newest` into each row's nearest centre and squared distance, skipping the distance when
 * the triangle inequality rules it out: ‖x − c_new‖ ≥ ‖c_a − c_new‖ − ‖x − c_a‖ ≥ ‖x − c_a‖ whenever
 * ‖c_a − c_new‖ ≥ 2‖x − c_a‖ (Elkan 2003, Lemma 1). Returns the row's squared distance after the fold.
 */
export function foldCentre(s: KernelState, i: number, newest: number): number {
  let closest = s.upper[i];
  const a = s.labels[i];
  const gap = s.pairs[a * s.k + newest];
  if (gap * gap <= 4 * closest * (1 + pruneMargin())) {
    const dist2 = rowDistance2(s.x, i, s.centres, newest, s.d);
    if (dist2 < closest) {
      closest = dist2;
      s.labels[i] = newest;
      s.upper[i] = dist2;
    }
  }
  return closest;
}

/**
 * One greedy k-means++ round (Arthur & Vassilvitskii 2007, with scikit-learn's local trials): folds in
 * the centre chosen last round (`newest`, −1 for none), then adds to the chunk's pot of each candidate
 * j the row's min(D(x)², ‖x − cand_j‖²). The distance is skipped when the triangle-inequality lower bound
 * ‖c_a − cand_j‖ − D(x) through the row's nearest centre c_a already reaches D(x) (Elkan 2003, Lemma 1):
 * the min is then D(x)² whatever the distance, so pruning never changes a pot. Nothing is allocated per row.
 */
export function trialsChunk(s: KernelState, chunk: number, newest: number, trials: number): void {
  const { x, d, k, labels, pairs, candidates } = s;
  const base = clearChunkOut(s, chunk);
  const potBase = base + k * d + k + 2;
  const end = Math.min(s.n, (chunk + 1) * s.chunkRows);
  const centreBase = k * k;
  const widen = 1 + pruneMargin();
  const pots = new Float64Array(trials);
  // Per centre, half its distance to the nearest candidate: a row at most this far from its centre is
  // at least as far from every candidate, and adds D(x)² to every pot without any distance.
  const clearance = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let nearest = Infinity;
    for (let j = 0; j < trials; j++)
      if (pairs[centreBase + c * trials + j] < nearest) nearest = pairs[centreBase + c * trials + j];
    clearance[c] = nearest / 2;
  }
  let coveredPot = 0;
  for (let i = chunk * s.chunkRows; i < end; i++) {
    const closest = newest >= 0 ? foldCentre(s, i, newest) : s.upper[i];
    const a = labels[i];
    const reach = Math.sqrt(closest) * widen;
    if (reach <= clearance[a]) {
      coveredPot += closest;
      continue;
    }
    for (let j = 0; j < trials; j++) {
      const gap = pairs[centreBase + a * trials + j];
      let value = closest;
      if (gap - reach < reach) {
        const dist2 = rowDistance2(x, i, candidates, j, d);
        if (dist2 < closest) value = dist2;
      }
      pots[j] += value;
    }
  }
  for (let j = 0; j < trials; j++) s.out[potBase + j] = pots[j] + coveredPot;
}

/**
 * First Lloyd assignment after k-means++: folds in the last centre, which makes `labels` the nearest
 * centre of every row (lowest index on a tie), and sets Hamerly's bounds without computing the other
 * distances: u = ‖x − c_a‖ exactly and l = min over c ≠ a of ‖c_a − c‖ − u, a valid lower bound on
 * the second-nearest distance by the triangle inequality (= 2 s(a) − u with Hamerly's s). Accumulates the chunk's sums and counts.
 */
export function firstAssignChunk(s: KernelState, chunk: number, newest: number): void {
  const { x, d, k, labels, upper, lower, halfGaps, out } = s;
  const base = clearChunkOut(s, chunk);
  const start = chunk * s.chunkRows;
  const end = Math.min(s.n, start + s.chunkRows);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let i = start; i < end; i++) {
    const closest = newest >= 0 ? foldCentre(s, i, newest) : upper[i];
    const a = labels[i];
    const u = Math.sqrt(closest);
    upper[i] = u;
    // min over c ≠ a of ‖c_a − c‖ − u, i.e. 2 s(a) − u.
    lower[i] = 2 * halfGaps[a] - u;
    const sum = a * d;
    const row = i * d;
    for (let t = 0; t < d; t++) sums[sum + t] += x[row + t];
    counts[a] += 1;
  }
  for (let v = 0; v < k * d; v++) out[base + v] = sums[v];
  for (let c = 0; c < k; c++) out[base + k * d + c] = counts[c];
  out[base + k * d + k] = end - start;
}

/**
 * One Lloyd assignment with Hamerly's pruning (Hamerly 2010, "Making k-means even faster", SIAM SDM,
 * Algorithm 2): bounds are first moved by the centre shifts (u += p(a); l −= max p over c ≠ a, via the
 * two largest shifts), then a row keeps its centre without any distance when u < max(s(a), l); else u
 * is tightened to the exact distance and, if still needed, all k distances are computed.
 *
 * The chunk's sums and counts (kept in its `out` slot between passes) follow the rows that change centre,
 * as in Hamerly's algorithm, so a row that keeps its centre costs no read of its data; `fresh` = 1
 * recomputes them from every row instead (the first pass from given centres). Also counts the rows that
 * changed centre.
 */
export function assignChunk(
  s: KernelState,
  chunk: number,
  farthest: number,
  largestMove: number,
  secondMove: number,
  fresh: number,
): void {
  const { x, d, k, labels, upper, lower, centres, halfGaps, moves, out } = s;
  const base = chunk * s.stride;
  for (let v = fresh ? 0 : k * d + k; v < s.stride; v++) out[base + v] = 0;
  const start = chunk * s.chunkRows;
  const end = Math.min(s.n, start + s.chunkRows);
  const widen = 1 + pruneMargin();
  let changed = 0;
  for (let i = start; i < end; i++) {
    const previous = labels[i];
    let a = previous;
    let u = upper[i] + moves[a];
    let l = lower[i] - (a === farthest ? secondMove : largestMove);
    const bound = halfGaps[a] > l ? halfGaps[a] : l;
    if (u * widen >= bound) {
      u = Math.sqrt(rowDistance2(x, i, centres, a, d));
      if (u * widen >= bound) {
        let best = 0;
        let best2 = rowDistance2(x, i, centres, 0, d);
        let second2 = Infinity;
        for (let c = 1; c < k; c++) {
          const dist2 = rowDistance2(x, i, centres, c, d);
          if (dist2 < best2) {
            second2 = best2;
            best2 = dist2;
            best = c;
          } else if (dist2 < second2) {
            second2 = dist2;
          }
        }
        u = Math.sqrt(best2);
        l = Math.sqrt(second2);
        if (best !== a) {
          changed++;
          a = best;
          labels[i] = a;
        }
      }
    }
    upper[i] = u;
    lower[i] = l;
    const row = i * d;
    if (fresh) {
      for (let t = 0; t < d; t++) out[base + a * d + t] += x[row + t];
      out[base + k * d + a] += 1;
    } else if (a !== previous) {
      for (let t = 0; t < d; t++) {
        out[base + previous * d + t] -= x[row + t];
        out[base + a * d + t] += x[row + t];
      }
      out[base + k * d + previous] -= 1;
      out[base + k * d + a] += 1;
    }
  }
  out[base + k * d + k] = changed;
}

/** The chunk's inertia Σ‖xᵢ − c_{label(i)}‖² of the current labels and centres. */
export function inertiaChunk(s: KernelState, chunk: number): void {
  const { x, d, labels, centres } = s;
  const base = clearChunkOut(s, chunk);
  const start = chunk * s.chunkRows;
  const end = Math.min(s.n, start + s.chunkRows);
  let objective = 0;
  for (let i = start; i < end; i++) objective += rowDistance2(x, i, centres, labels[i], d);
  s.out[base + s.k * d + s.k + 1] = objective;
}

/** The kernels a worker can run, by name; `KERNEL_SOURCES` must list every function they call. */
export const KERNELS = { seedChunk, trialsChunk, firstAssignChunk, assignChunk, inertiaChunk };
export type KernelName = keyof typeof KERNELS;

/** Every function a worker needs, as source text, in an order where each is declared before use. */
export const KERNEL_SOURCES: readonly string[] = [
  pruneMargin,
  rowDistance2,
  clearChunkOut,
  foldCentre,
  ...Object.values(KERNELS),
].map((f) => f.toString());

/**
 * The worker program: declares the kernels, keeps the state bound by the last `bind` message and, per
 * `run` message, runs one kernel over a contiguous range of chunks, then replies.
 */
export function workerSource(): string {
  return [
    "'use strict';",
    "const { parentPort } = require('node:worker_threads');",
    ...KERNEL_SOURCES,
    `const kernels = { ${Object.keys(KERNELS).join(', ')} };`,
    'let state = null;',
    'parentPort.on("message", (m) => {',
    '  if (m.op === "bind") { state = m.state; parentPort.postMessage(0); return; }',
    '  const kernel = kernels[m.op];',
    '  for (let c = m.from; c < m.to; c++) kernel(state, c, ...m.args);',
    '  parentPort.postMessage(0);',
    '});',
  ].join('\n');
}
