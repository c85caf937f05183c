/** The job types of the workbench; each is its own queue (`notify` delivers webhooks, `score` applies a finished run's model to data). */
export type QueueName = 'train' | 'compare' | 'retrain' | 'notify' | 'score';

export const QUEUE_NAMES: readonly QueueName[] = ['train', 'compare', 'retrain', 'notify', 'score'];

/**
 * A failure that another attempt cannot fix (bad params, a missing feature, a plugin that broke its
 * contract or its limits): both adapters end the job at once, with `willRetry=false`, whatever attempts
 * are left (Bull: the job is discarded). Everything else is taken as transient and retried with backoff.
 */
export class DoNotRetryError extends Error {
  override readonly name = 'DoNotRetryError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The queue's store did not answer in time (Bull: Redis is down or unreachable). Nothing was queued
 * as far as the caller can know; the HTTP API answers 503.
 */
export class QueueUnavailableError extends Error {
  override readonly name = 'QueueUnavailableError';
  constructor(
    readonly queue: QueueName,
    message: string,
  ) {
    super(message);
  }
}

/** True for a {@link DoNotRetryError}, also one that crossed a process or realm boundary (matched by name). */
export function isDoNotRetry(error: unknown): boolean {
  return error instanceof DoNotRetryError || (error instanceof Error && error.name === 'DoNotRetryError');
}

/**
 * How often a job is tried and how long to wait in between.
 * Exponential: the delay before attempt n+1 is `backoffMs * 2^(n-1)` (10, 20, 40 ms for backoffMs 10),
 * which is Bull's own `exponential` backoff, so both adapters wait the same.
 */
export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, backoffMs: 1000 };

/** One attempt at one job, as a handler sees it. */
export interface Job {
  readonly queue: QueueName;
  /** A job carries only the id of what to process (a run, comparison, retrain request or event); the handler loads the rest. */
  readonly id: string;
  /** 1-based number of this attempt. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** Reports progress (0..1) to every `onProgress` listener, including those in other processes (Bull). */
  progress(fraction: number, note?: string): Promise<void>;
}

export interface JobHandlers {
  handle(job: Job): Promise<void>;
  /**
   * Called after every failed attempt; willRetry=false on the last one, so the owner records the failure.
   * Must not throw (the queue logs it if it does).
   */
  onFailure(job: Job, error: Error, willRetry: boolean): Promise<void>;
}

/** Jobs of one queue by state, as this process can see them (Bull: all processes, through Redis). */
export interface QueueDepth {
  waiting: number;
  active: number;
  /** Waiting for a retry's backoff to pass. */
  delayed: number;
}

/** Where a job is: waiting (also after a retry's backoff), active, delayed (waiting for a retry's backoff), or finished. */
export type JobState = 'waiting' | 'active' | 'delayed' | 'completed' | 'failed';

/** How many finished jobs (completed, or failed for good) per queue `jobs` remembers. */
export const FINISHED_JOBS_KEPT = 100;
/** How many jobs of each live state (waiting, active, delayed) `jobs` lists at most. */
export const LIVE_JOBS_LISTED = 1000;

/** One job as `jobs` lists it (the queue dashboard of the embedded mode). */
export interface JobInfo {
  queue: QueueName;
  id: string;
  state: JobState;
  /** Attempts started so far: 0 before the first, the current one while active, the last one once finished. */
  attempt: number;
  maxAttempts: number;
  /** The last progress an attempt reported (0..1) and its note; null before any report. */
  progress: number | null;
  progressNote: string | null;
  /** When it was queued; null for a job Bull failed by its stalled check, whose record is already gone. */
  enqueuedAt: Date | null;
  /** When its latest attempt started; null before the first. */
  startedAt: Date | null;
  finishedAt: Date | null;
  /** The message of its latest failed attempt (e.g. of a job delayed for a retry); null when none failed or it completed. */
  error: string | null;
}

/** Live jobs first (active, waiting, delayed), then finished ones newest first: the order `jobs` returns. */
export function sortJobInfos(jobs: JobInfo[]): JobInfo[] {
  const rank: Record<JobState, number> = { active: 0, waiting: 1, delayed: 2, completed: 3, failed: 3 };
  const time = (job: JobInfo) => (job.finishedAt ?? job.enqueuedAt)?.getTime() ?? 0;
  return [...jobs].sort((a, b) => rank[a.state] - rank[b.state] || time(b) - time(a) || a.id.localeCompare(b.id));
}

export type ProgressListener = (queue: QueueName, id: string, fraction: number, note?: string) => void;

/** The queue port. Adapters: `InlineJobQueue` (in-process) and `BullJobQueue` (Redis); same semantics. */
export interface JobQueue {
  readonly kind: 'inline' | 'bull';
  /** Idempotent per (queue, id): enqueueing an id that is already waiting, delayed or active does not create a second job. */
  enqueue(queue: QueueName, id: string, retry?: Partial<RetryPolicy>): Promise<void>;
  /**
   * Removes a job that is waiting or delayed (a retry's backoff), so it never runs; true when one was removed.
   * An active job is left to its worker (the owner stops it its own way, e.g. through the entity's status).
   */
  remove(queue: QueueName, id: string): Promise<boolean>;
  /**
   * True while a job for (queue, id) is waiting, delayed (retry backoff) or active, i.e. some worker will
   * still run it; false when the queue has no such job (never queued, finished, or lost with a Redis
   * restart). A job left in a finished state is removed, so a following `enqueue` queues it again.
   */
  isQueued(queue: QueueName, id: string): Promise<boolean>;
  /** Registers this process as a worker of `queue` (once per queue and instance). */
  process(queue: QueueName, handlers: JobHandlers, concurrency?: number): void;
  /** Progress of jobs of any worker (Bull: global events, so an API process sees a worker process's progress). */
  onProgress(listener: ProgressListener): void;
  /** How many jobs of `queue` are waiting, active and delayed; fails when the queue's store (Redis) cannot answer. */
  depth(queue: QueueName): Promise<QueueDepth>;
  /**
   * The jobs of `queue`: those still to run or running (at most {@link LIVE_JOBS_LISTED} per state; Bull: those of
   * every process, from Redis) and the last {@link FINISHED_JOBS_KEPT} that finished, in {@link sortJobInfos}'s
   * order. Finished jobs are remembered apart from the queue itself, so enqueueing their id again still runs it.
   */
  jobs(queue: QueueName): Promise<JobInfo[]>;
  /** Resolves when no job is waiting, delayed (retry backoff) or active in this process's view. */
  whenIdle(queue?: QueueName): Promise<void>;
  close(): Promise<void>;
}

/** Where the adapters report what they cannot throw (a failing onFailure, a Redis error). */
export interface JobQueueLogger {
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export const consoleJobQueueLogger: JobQueueLogger = {
  warn: (message) => console.warn(`[jobs] ${message}`),
  error: (message, error) => console.error(`[jobs] ${message}`, error ?? ''),
};

/** Merges a partial policy onto a default and rejects values that would make retries meaningless. */
export function resolveRetryPolicy(retry: Partial<RetryPolicy> | undefined, fallback: RetryPolicy): RetryPolicy {
  const policy = { ...fallback, ...stripUndefined(retry ?? {}) };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) {
    throw new RangeError(`retry.attempts must be an integer >= 1, got ${policy.attempts}`);
  }
  if (!Number.isFinite(policy.backoffMs) || policy.backoffMs < 0) {
    throw new RangeError(`retry.backoffMs must be a number >= 0, got ${policy.backoffMs}`);
  }
  return policy;
}

/** Delay before attempt `failedAttempt + 1`, matching Bull's exponential backoff. */
export function backoffDelay(policy: RetryPolicy, failedAttempt: number): number {
  return Math.round(policy.backoffMs * 2 ** (failedAttempt - 1));
}

export function assertQueueName(queue: string): asserts queue is QueueName {
  if (!(QUEUE_NAMES as readonly string[]).includes(queue)) {
    throw new RangeError(`unknown queue '${queue}', expected one of ${QUEUE_NAMES.join(', ')}`);
  }
}

export function assertJobId(id: string): void {
  if (typeof id !== 'string' || id.trim() === '' || id !== id.trim()) {
    throw new RangeError(`job id must be a non-empty string without surrounding spaces, got '${String(id)}'`);
  }
}

export function assertFraction(fraction: number): void {
  if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
    throw new RangeError(`progress fraction must be between 0 and 1, got ${fraction}`);
  }
}

/** Anything thrown becomes an Error that keeps the original message. */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  if (typeof thrown === 'string') return new Error(thrown);
  try {
    return new Error(JSON.stringify(thrown));
  } catch {
    return new Error(String(thrown));
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
