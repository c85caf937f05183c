import {
  assertFraction,
  assertQueueName,
  assertJobId,
  backoffDelay,
  consoleJobQueueLogger,
  DEFAULT_RETRY,
  FINISHED_JOBS_KEPT,
  Job,
  JobInfo,
  JobHandlers,
  JobQueue,
  JobQueueLogger,
  ProgressListener,
  QueueDepth,
  QueueName,
  resolveRetryPolicy,
  RetryPolicy,
  toError,
  isDoNotRetry,
  LIVE_JOBS_LISTED,
  sortJobInfos,
} from '../job-queue';

export interface InlineJobQueueOptions {
  defaultRetry?: RetryPolicy;
  logger?: JobQueueLogger;
}

interface PendingJob {
  readonly id: string;
  readonly policy: RetryPolicy;
  /** 1-based number of the next attempt. */
  attempt: number;
  readonly enqueuedAt: Date;
  /** What `jobs` shows of its attempts so far. */
  startedAt: Date | null;
  progress: { fraction: number; note?: string } | null;
  error: string | null;
}

interface QueueState {
  handlers?: JobHandlers;
  concurrency: number;
  readonly waiting: PendingJob[];
  readonly delayed: Map<string, { job: PendingJob; timer: ReturnType<typeof setTimeout> }>;
  readonly active: Map<string, { job: PendingJob; running: Promise<void> }>;
  /** The last FINISHED_JOBS_KEPT finished jobs, newest first. */
  readonly finished: JobInfo[];
}

/**
 * In-process queue for the embedded default (CLI, single-process server). It keeps the semantics of the
 * Bull adapter: jobs run later, not inside `enqueue`; failed attempts are retried after an exponential
 * backoff scheduled with timers; progress goes to listeners; the last failure reaches `onFailure`.
 * Nothing survives the process: a job that was waiting when the process ends is lost.
 */
export class InlineJobQueue implements JobQueue {
  readonly kind = 'inline' as const;
  private readonly defaultRetry: RetryPolicy;
  private readonly logger: JobQueueLogger;
  private readonly queues = new Map<QueueName, QueueState>();
  private readonly progressListeners: ProgressListener[] = [];
  private idleWaiters: { queue?: QueueName; resolve: () => void }[] = [];
  private closed = false;

  constructor(options: InlineJobQueueOptions = {}) {
    this.defaultRetry = resolveRetryPolicy(options.defaultRetry, DEFAULT_RETRY);
    this.logger = options.logger ?? consoleJobQueueLogger;
  }

  async enqueue(queue: QueueName, id: string, retry?: Partial<RetryPolicy>): Promise<void> {
    this.assertOpen();
    assertQueueName(queue);
    assertJobId(id);
    const policy = resolveRetryPolicy(retry, this.defaultRetry);
    if (this.has(queue, id)) return;
    const state = this.state(queue);
    state.waiting.push({
      id,
      policy,
      attempt: 1,
      enqueuedAt: new Date(),
      startedAt: null,
      progress: null,
      error: null,
    });
    // Never run inside enqueue: the caller gets control back first, as with Redis.
    setImmediate(() => this.pump(queue));
  }

  async remove(queue: QueueName, id: string): Promise<boolean> {
    assertQueueName(queue);
    const state = this.state(queue);
    const delayed = state.delayed.get(id);
    if (delayed) {
      clearTimeout(delayed.timer);
      state.delayed.delete(id);
      this.notifyIdle();
      return true;
    }
    const index = state.waiting.findIndex((job) => job.id === id);
    if (index < 0) return false;
    state.waiting.splice(index, 1);
    this.notifyIdle();
    return true;
  }

  async isQueued(queue: QueueName, id: string): Promise<boolean> {
    assertQueueName(queue);
    assertJobId(id);
    return this.has(queue, id);
  }

  /** Synchronous, so two enqueues of one id in the same tick cannot both see it absent. */
  private has(queue: QueueName, id: string): boolean {
    const state = this.state(queue);
    return state.waiting.some((job) => job.id === id) || state.delayed.has(id) || state.active.has(id);
  }

  process(queue: QueueName, handlers: JobHandlers, concurrency = 1): void {
    this.assertOpen();
    assertQueueName(queue);
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
    }
    const state = this.state(queue);
    if (state.handlers) throw new Error(`queue '${queue}' already has a worker in this InlineJobQueue`);
    state.handlers = handlers;
    state.concurrency = concurrency;
    setImmediate(() => this.pump(queue));
  }

  onProgress(listener: ProgressListener): void {
    this.progressListeners.push(listener);
  }

  async depth(queue: QueueName): Promise<QueueDepth> {
    assertQueueName(queue);
    const state = this.state(queue);
    return { waiting: state.waiting.length, active: state.active.size, delayed: state.delayed.size };
  }

  async jobs(queue: QueueName): Promise<JobInfo[]> {
    assertQueueName(queue);
    const state = this.state(queue);
    const live = (
      jobs: Iterable<PendingJob>,
      status: 'waiting' | 'active' | 'delayed',
      attempt: (job: PendingJob) => number,
    ) => [...jobs].slice(0, LIVE_JOBS_LISTED).map((job) => this.info(queue, job, status, attempt(job), null));
    return sortJobInfos([
      // The pending job's `attempt` is the next one while it waits, the running one while active, the failed one while delayed.
      ...live(state.waiting, 'waiting', (job) => job.attempt - 1),
      ...live(
        [...state.active.values()].map((a) => a.job),
        'active',
        (job) => job.attempt,
      ),
      ...live(
        [...state.delayed.values()].map((d) => d.job),
        'delayed',
        (job) => job.attempt,
      ),
      ...state.finished,
    ]);
  }

  whenIdle(queue?: QueueName): Promise<void> {
    if (this.isIdle(queue)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push({ queue, resolve }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const active: Promise<void>[] = [];
    for (const state of this.queues.values()) {
      for (const { timer } of state.delayed.values()) clearTimeout(timer);
      state.delayed.clear();
      state.waiting.length = 0;
      active.push(...[...state.active.values()].map((a) => a.running));
    }
    await Promise.allSettled(active);
    this.notifyIdle();
  }

  private state(queue: QueueName): QueueState {
    let state = this.queues.get(queue);
    if (!state) {
      state = { concurrency: 1, waiting: [], delayed: new Map(), active: new Map(), finished: [] };
      this.queues.set(queue, state);
    }
    return state;
  }

  private pump(queue: QueueName): void {
    const state = this.state(queue);
    while (!this.closed && state.handlers && state.active.size < state.concurrency && state.waiting.length > 0) {
      const pending = state.waiting.shift() as PendingJob;
      const handlers = state.handlers;
      const running = this.runAttempt(queue, pending, handlers).finally(() => {
        state.active.delete(pending.id);
        this.pump(queue);
        this.notifyIdle();
      });
      state.active.set(pending.id, { job: pending, running });
    }
  }

  private async runAttempt(queue: QueueName, pending: PendingJob, handlers: JobHandlers): Promise<void> {
    const job = this.createJob(queue, pending);
    pending.startedAt = new Date();
    try {
      await handlers.handle(job);
      this.remember(queue, { ...this.info(queue, pending, 'completed', pending.attempt, new Date()), error: null });
      return;
    } catch (thrown) {
      const error = toError(thrown);
      pending.error = error.message;
      const willRetry = pending.attempt < pending.policy.attempts && !this.closed && !isDoNotRetry(error);
      if (!willRetry) this.remember(queue, this.info(queue, pending, 'failed', pending.attempt, new Date()));
      try {
        await handlers.onFailure(job, error, willRetry);
      } catch (failureError) {
        this.logger.error(`onFailure threw for ${queue}/${pending.id} (attempt ${pending.attempt})`, failureError);
      }
      if (willRetry && !this.closed) this.scheduleRetry(queue, pending);
    }
  }

  private scheduleRetry(queue: QueueName, pending: PendingJob): void {
    const state = this.state(queue);
    const delay = backoffDelay(pending.policy, pending.attempt);
    const timer = setTimeout(() => {
      state.delayed.delete(pending.id);
      state.waiting.push({ ...pending, attempt: pending.attempt + 1 });
      this.pump(queue);
    }, delay);
    // Registered before the active entry is removed, so whenIdle never sees a gap between attempts.
    state.delayed.set(pending.id, { job: pending, timer });
  }

  private info(
    queue: QueueName,
    job: PendingJob,
    state: JobInfo['state'],
    attempt: number,
    finishedAt: Date | null,
  ): JobInfo {
    return {
      queue,
      id: job.id,
      state,
      attempt,
      maxAttempts: job.policy.attempts,
      progress: job.progress?.fraction ?? null,
      progressNote: job.progress?.note ?? null,
      enqueuedAt: job.enqueuedAt,
      startedAt: job.startedAt,
      finishedAt,
      error: job.error,
    };
  }

  private remember(queue: QueueName, finished: JobInfo): void {
    const list = this.state(queue).finished;
    list.unshift(finished);
    list.length = Math.min(list.length, FINISHED_JOBS_KEPT);
  }

  private createJob(queue: QueueName, pending: PendingJob): Job {
    const emit = (fraction: number, note?: string) => {
      for (const listener of this.progressListeners) {
        try {
          listener(queue, pending.id, fraction, note);
        } catch (error) {
          this.logger.error(`a progress listener threw for ${queue}/${pending.id}`, error);
        }
      }
    };
    return {
      queue,
      id: pending.id,
      attempt: pending.attempt,
      maxAttempts: pending.policy.attempts,
      async progress(fraction: number, note?: string): Promise<void> {
        assertFraction(fraction);
        pending.progress = note === undefined ? { fraction } : { fraction, note };
        emit(fraction, note);
      },
    };
  }

  private isIdle(queue?: QueueName): boolean {
    const states = queue ? [this.queues.get(queue)] : [...this.queues.values()];
    return states.every(
      (state) => !state || (state.waiting.length === 0 && state.delayed.size === 0 && state.active.size === 0),
    );
  }

  private notifyIdle(): void {
    const still: typeof this.idleWaiters = [];
    for (const waiter of this.idleWaiters) {
      if (this.closed || this.isIdle(waiter.queue)) waiter.resolve();
      else still.push(waiter);
    }
    this.idleWaiters = still;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('InlineJobQueue is closed');
  }
}
