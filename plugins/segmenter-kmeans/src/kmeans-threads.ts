import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { KERNELS, workerSource, type KernelName, type KernelState } from './fast-kmeans-kernels';

/**
 * Rows per chunk, the unit of work and of reduction. Fixed, and independent of the thread count: each
 * chunk's partial sums are computed by the same code whichever thread runs it, and the main thread adds
 * the chunks up in chunk order, so the result does not depend on how many threads there were.
 */
export const CHUNK_ROWS = 8192;

/**
 * Rows per thread below which an explicitly requested thread count is reduced: fewer rows do not pay
 * for a worker's start and messages. Below 2 × this many rows every fit is single-threaded.
 */
export const MIN_ROWS_PER_THREAD = 25_000;

/**
 * Rows per thread when the count is chosen automatically. Measured on a 2-core machine: a worker costs
 * ~30–50 ms to start and compile the kernels, so at 100k rows one thread is faster (~45 ms vs ~100 ms)
 * and at 1M rows two are (~280 ms vs ~450 ms).
 */
export const AUTO_ROWS_PER_THREAD = 250_000;

/**
 * Threads to use for `rows` rows: `requested`, capped to one per `MIN_ROWS_PER_THREAD` rows; or, when
 * absent, the machine's available parallelism capped to one per `AUTO_ROWS_PER_THREAD` rows.
 */
export function effectiveThreads(requested: number | undefined, rows: number): number {
  const cap =
    requested === undefined ? Math.floor(rows / AUTO_ROWS_PER_THREAD) : Math.floor(rows / MIN_ROWS_PER_THREAD);
  return Math.max(1, Math.min(requested ?? availableParallelism(), cap));
}

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Runs the k-means kernels over chunks on `threads` threads: the main thread plus `threads − 1` worker
 * threads that see the data through `SharedArrayBuffer`s. Chunks are split into contiguous blocks, one
 * per thread; the main thread takes the last block while the workers run theirs. With one thread no
 * worker is started and everything runs inline. Always `close()` it (workers keep the process alive).
 *
 * @example
 * const threads = KMeansThreads.open(effectiveThreads(params.threads, x.n));
 * try { fit = await fitFastKMeans(x, k, options, threads); } finally { await threads.close(); }
 */
export class KMeansThreads {
  private state: KernelState | undefined;
  private readonly pending = new Map<Worker, Pending>();
  private failure: Error | undefined;

  private constructor(private readonly workers: Worker[]) {
    for (const worker of workers) {
      worker.on('message', () => this.settle(worker));
      worker.on('error', (error) => this.fail(worker, error));
      worker.on('exit', (code) => this.fail(worker, new Error(`a k-means worker thread stopped (exit code ${code})`)));
    }
  }

  /** Starts `threads − 1` workers (none for 1). */
  static open(threads: number): KMeansThreads {
    if (!Number.isInteger(threads) || threads < 1)
      throw new RangeError(`threads must be a positive integer, not ${threads}`);
    const source = workerSource();
    return new KMeansThreads(
      Array.from(
        { length: threads - 1 },
        () => new Worker(source, { eval: true, name: 'segmenter-kmeans', execArgv: [] }),
      ),
    );
  }

  /** Threads that compute, the main thread included. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /** True when kernels run in workers, so every array of the state must live in shared memory. */
  get isShared(): boolean {
    return this.workers.length > 0;
  }

  /** Makes `state` the state of the following `run`s, on every thread. */
  async bind(state: KernelState): Promise<void> {
    this.state = state;
    await Promise.all(this.workers.map((worker) => this.send(worker, { op: 'bind', state })));
  }

  /** Runs kernel `name` with `args` over chunks `0..chunks−1` and resolves when every chunk is done. */
  async run(name: KernelName, chunks: number, args: number[] = []): Promise<void> {
    const state = this.state;
    if (!state) throw new Error('KMeansThreads.run before bind');
    const blocks = this.threads;
    const edge = (b: number): number => Math.floor((b * chunks) / blocks);
    const done = this.workers.map((worker, b) =>
      edge(b + 1) > edge(b) ? this.send(worker, { op: name, from: edge(b), to: edge(b + 1), args }) : Promise.resolve(),
    );
    const kernel = KERNELS[name] as (s: KernelState, chunk: number, ...rest: number[]) => void;
    let mainError: unknown;
    try {
      for (let chunk = edge(blocks - 1); chunk < chunks; chunk++) kernel(state, chunk, ...args);
    } catch (error) {
      mainError = error;
    }
    await Promise.all(done);
    if (mainError !== undefined) throw mainError;
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    for (const worker of workers) worker.removeAllListeners('exit');
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private send(worker: Worker, message: unknown): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.pending.set(worker, { resolve, reject });
      worker.postMessage(message);
    });
  }

  private settle(worker: Worker): void {
    const pending = this.pending.get(worker);
    this.pending.delete(worker);
    pending?.resolve();
  }

  private fail(worker: Worker, error: Error): void {
    this.failure ??= error;
    const pending = this.pending.get(worker);
    this.pending.delete(worker);
    pending?.reject(error);
  }
}
