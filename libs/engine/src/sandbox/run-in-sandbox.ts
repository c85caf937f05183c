import { isSharedArrayBuffer } from 'node:util/types';
import { Worker } from 'node:worker_threads';
import { threadEntry } from '@workbench/data';
import type { RunContext } from '@workbench/plugin-sdk';
import type { ScoreEvaluationOutcome, ScoreOutcome } from '../score-frame';
import type { PluginWorkResult } from '../train-and-evaluate';
import type { HostMessage, SandboxJob, ScoreSandboxJob, ServeSandboxJob, ThreadMessage } from './protocol';

/** How long and how much memory one run's plugins may take. */
export interface SandboxLimits {
  timeoutMs: number;
  memoryMb: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = { timeoutMs: 300_000, memoryMb: 2048 };

/**
 * The plugin broke a limit or its thread: too long, too much memory, exited, or never settled. Another
 * attempt would do the same, so the host fails the run at once with this message.
 */
export class PluginSandboxError extends Error {
  override readonly name = 'PluginSandboxError';
}

/** How often the host checks the process's memory while a sandbox runs (a thread busy in a loop cannot report it). */
const MEMORY_POLL_MS = 100;

function formatMb(mb: number): string {
  return mb % 1024 === 0 ? `${mb / 1024} GiB` : `${mb} MiB`;
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * Runs a run's plugins in a worker thread of their own, on copies of its data (see {@link copyForThread}), so
 * a plugin cannot change the host's cached input, block the host's event loop, crash it or exhaust its
 * memory. The thread is ended when it finishes, fails, exceeds `limits` or the host aborts `ctx.signal`.
 * Arrays whose buffer is in `moved` are not copied but moved: the caller gives that memory up (it is detached
 * here once the thread has it), so what the plugin writes into it is nowhere the host can read.
 *
 * Limits: time, the thread's JS heap (`resourceLimits`) and, for memory outside the heap (typed arrays,
 * buffers), the growth of the whole process's RSS since the start, polled from the host. With several
 * sandboxes at once that growth is shared, so a limit is best set with room for the others.
 */
export function runInSandbox(
  job: SandboxJob,
  ctx: RunContext,
  limits: SandboxLimits = DEFAULT_SANDBOX_LIMITS,
  moved: readonly ArrayBufferLike[] = [],
): Promise<PluginWorkResult> {
  return runThread<PluginWorkResult>(job, ctx, limits, moved);
}

/** Scores data with a trained model in a worker thread of its own, under the same limits as training (see {@link runInSandbox}). */
export function scoreInSandbox(
  job: ScoreSandboxJob,
  ctx: RunContext,
  limits: SandboxLimits = DEFAULT_SANDBOX_LIMITS,
): Promise<ScoreOutcome> {
  return runThread<ScoreOutcome>({ ...job, evaluate: undefined }, ctx, limits, []);
}

/**
 * Scores data and measures the scored customers' KPIs (see scoreAndEvaluate) in a worker thread, as
 * {@link scoreInSandbox}; arrays of `moved` buffers are moved, not copied, as in {@link runInSandbox}.
 */
export function scoreAndEvaluateInSandbox(
  job: ScoreSandboxJob & { evaluate: NonNullable<ScoreSandboxJob['evaluate']> },
  ctx: RunContext,
  limits: SandboxLimits = DEFAULT_SANDBOX_LIMITS,
  moved: readonly ArrayBufferLike[] = [],
): Promise<ScoreEvaluationOutcome> {
  return runThread<ScoreEvaluationOutcome>(job, ctx, limits, moved);
}

/**
 * A sandbox thread for `job` (its typed arrays copied and moved there, see {@link copyForThread}), its JS heap capped
 * at the limit (the thread's body is sandbox-thread). The thread is started first, with the job's modules alone, so it
 * loads the plugins while this thread copies the data, which follows as its first message.
 */
export function startSandboxThread(
  job: SandboxJob | ScoreSandboxJob | ServeSandboxJob,
  limits: SandboxLimits,
  moved: readonly ArrayBufferLike[] = [],
): Worker {
  const entry = threadEntry(__dirname, 'sandbox-thread');
  const worker = new Worker(entry.file, {
    workerData: { modules: job.modules },
    execArgv: entry.execArgv,
    resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb },
    stdout: false,
    stderr: false,
  });
  try {
    const transferList: ArrayBuffer[] = [];
    const copy = copyForThread(job, transferList, new Set(moved));
    worker.postMessage({ type: 'job', job: copy } satisfies HostMessage, transferList);
  } catch (e) {
    void worker.terminate();
    throw e;
  }
  return worker;
}

export const timeLimitError = (plugin: string, timeoutMs: number) =>
  new PluginSandboxError(`plugin '${plugin}' exceeded its time limit of ${formatMs(timeoutMs)}`);

const memoryLimitError = (plugin: string, memoryMb: number) =>
  new PluginSandboxError(`plugin '${plugin}' exceeded its memory limit of ${formatMb(memoryMb)}`);

/** Why a sandbox thread stopped, from its 'error' event: out of memory, or an error it did not catch. */
export function threadError(plugin: string, limits: SandboxLimits, e: Error & { code?: string }): Error {
  return e.code === 'ERR_WORKER_OUT_OF_MEMORY'
    ? memoryLimitError(plugin, limits.memoryMb)
    : Object.assign(new Error(e.message), { name: e.name });
}

/** Why a sandbox thread stopped, from its 'exit' event before it answered. */
export function threadExit(plugin: string, code: number): PluginSandboxError {
  return new PluginSandboxError(
    code === 0
      ? `plugin '${plugin}' never settled: its promise was left pending with nothing left to run`
      : `plugin '${plugin}' exited with code ${code}`,
  );
}

interface MemoryWatch {
  rssAtStart: number;
  limitMb: number;
  exceeded: () => void;
}

// One RSS sampler serves every watch. Reading RSS walks /proc/self/stat, whose cost grows with the process's
// threads: ~0.4 ms in an API process with warm scoring threads (CPU profile of bench:score), too much for each
// online scoring request. A watch's start is the newest sample, at most MEMORY_POLL_MS old.
const watches = new Set<MemoryWatch>();
let sampler: NodeJS.Timeout | null = null;
let sampledRss = 0;
let sampledAt = -Infinity;

function sampleRss(): number {
  sampledRss = process.memoryUsage.rss();
  sampledAt = performance.now();
  return sampledRss;
}

function checkWatches(): void {
  const rss = sampleRss();
  for (const watch of watches) {
    if ((rss - watch.rssAtStart) / 1048576 > watch.limitMb) watch.exceeded();
  }
}

/**
 * Calls `exceeded` once the process's RSS has grown past the memory limit since now (memory outside the
 * thread's heap: typed arrays, buffers); a thread busy in a loop cannot report it, so the host polls.
 * Returns the function that stops watching.
 */
export function watchMemory(plugin: string, limits: SandboxLimits, exceeded: (e: PluginSandboxError) => void) {
  const rssAtStart = performance.now() - sampledAt < MEMORY_POLL_MS ? sampledRss : sampleRss();
  let fired = false;
  const watch: MemoryWatch = {
    rssAtStart,
    limitMb: limits.memoryMb,
    exceeded: () => {
      if (fired) return;
      fired = true;
      exceeded(memoryLimitError(plugin, limits.memoryMb));
    },
  };
  watches.add(watch);
  sampler ??= setInterval(checkWatches, MEMORY_POLL_MS);
  return () => {
    watches.delete(watch);
    if (watches.size === 0 && sampler) {
      clearInterval(sampler);
      sampler = null;
    }
  };
}

/**
 * Serves what a sandbox thread asks of its run context (progress, logs, artifacts); true when `message`
 * was such a request. Replies are sent only while `live()`.
 */
export function serveContext(worker: Worker, ctx: RunContext, message: ThreadMessage, live: () => boolean): boolean {
  const reply = (answer: HostMessage) => {
    if (live()) worker.postMessage(answer);
  };
  const failed = (requestId: number) => (e: Error) =>
    reply({ type: 'reply', requestId, error: { name: e.name, message: e.message } });
  switch (message.type) {
    case 'progress':
      ctx.progress(message.fraction, message.note);
      return true;
    case 'log':
      ctx.log[message.level](message.message);
      return true;
    case 'artifact-write':
      void ctx.artifacts
        .write(message.name, message.bytes)
        .then(() => reply({ type: 'reply', requestId: message.requestId }), failed(message.requestId));
      return true;
    case 'artifact-read':
      void ctx.artifacts
        .read(message.name)
        .then((bytes) => reply({ type: 'reply', requestId: message.requestId, bytes }), failed(message.requestId));
      return true;
    default:
      return false;
  }
}

function runThread<R extends PluginWorkResult | ScoreOutcome | ScoreEvaluationOutcome>(
  job: SandboxJob | ScoreSandboxJob,
  ctx: RunContext,
  limits: SandboxLimits,
  moved: readonly ArrayBufferLike[],
): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const worker = startSandboxThread(job, limits, moved);
    let settled = false;
    const finish = (error: Error | null, result?: PluginWorkResult | ScoreOutcome | ScoreEvaluationOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopWatch();
      ctx.signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      if (error) reject(error);
      else resolve(result as R);
    };
    const timer = setTimeout(() => finish(timeLimitError(job.model, limits.timeoutMs)), limits.timeoutMs);
    const stopWatch = watchMemory(job.model, limits, finish);
    const onAbort = () => {
      worker.postMessage({ type: 'abort', reason: String(ctx.signal.reason ?? 'aborted') } satisfies HostMessage);
      // A plugin that ignores the signal is stopped anyway, a moment later.
      setTimeout(
        () => finish(new Error(`run aborted: ${String(ctx.signal.reason ?? 'the host stopped it')}`)),
        2000,
      ).unref();
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });

    worker.on('message', (message: ThreadMessage) => {
      if (serveContext(worker, ctx, message, () => !settled)) return;
      if (message.type === 'done') finish(null, message.result);
      // The plugin's own error, with its class name, so the host can tell a permanent failure from a transient one.
      else if (message.type === 'failed')
        finish(Object.assign(new Error(message.error.message), { name: message.error.name }));
    });
    worker.on('error', (e: Error & { code?: string }) => finish(threadError(job.model, limits, e)));
    worker.on('exit', (code) => finish(threadExit(job.model, code)));
  });
}

/**
 * The job with each typed array in its plain objects and arrays copied once into a buffer of its own, which is then
 * moved to the thread (`transferList`): structured clone would copy every array twice (into the message, then out
 * of it), and 100M transactions are ~2.5 GB. The plugin still gets copies: the host's arrays stay as they are.
 * An array whose buffer is in `moved` (memory the caller gives up) is not copied: its buffer goes in `transferList`
 * as it is, so the post detaches it here; shared memory (a SharedArrayBuffer, which cannot be detached) is posted as
 * it is, and the thread reads the caller's memory, which the caller no longer uses. Anything else (strings, dates,
 * class instances) is left to structured clone.
 */
export function copyForThread<T>(
  value: T,
  transferList: ArrayBuffer[],
  moved: ReadonlySet<ArrayBufferLike> = new Set(),
): T {
  if (typeof value !== 'object' || value === null) return value;
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView) return value;
    if (moved.has(value.buffer)) {
      const buffer = value.buffer as ArrayBuffer;
      if (!isSharedArrayBuffer(buffer) && !transferList.includes(buffer)) transferList.push(buffer);
      return value;
    }
    // Byte for byte into a new buffer (a Buffer's slice would be a view, maybe of Node's shared pool).
    const bytes = new Uint8Array(value.byteLength);
    bytes.set(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    transferList.push(bytes.buffer);
    // A Buffer arrives as a Uint8Array either way (structured clone does the same).
    const Type = (Buffer.isBuffer(value) ? Uint8Array : value.constructor) as new (
      buffer: ArrayBuffer,
      offset: number,
      length: number,
    ) => T;
    return new Type(bytes.buffer, 0, value.byteLength / (value as unknown as Uint8Array).BYTES_PER_ELEMENT);
  }
  if (Array.isArray(value)) return value.map((item) => copyForThread(item, transferList, moved)) as T;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = copyForThread(item, transferList, moved);
  return out as T;
}
