import Bull from 'bull';
import {
  assertFraction,
  assertQueueName,
  assertJobId,
  consoleJobQueueLogger,
  DEFAULT_RETRY,
  FINISHED_JOBS_KEPT,
  Job,
  JobInfo,
  JobHandlers,
  JobQueue,
  JobQueueLogger,
  ProgressListener,
  QUEUE_NAMES,
  QueueDepth,
  QueueName,
  resolveRetryPolicy,
  RetryPolicy,
  toError,
  isDoNotRetry,
  QueueUnavailableError,
  LIVE_JOBS_LISTED,
  sortJobInfos,
} from '../job-queue';

export interface BullJobQueueOptions {
  redisUrl: string;
  /** Bull key prefix, default 'workbench'; tests use a random one for isolation. */
  prefix?: string;
  /** How long a worker's lock on an active job lasts without renewal (Bull default 30 s). */
  lockDurationMs?: number;
  /** How often workers look for active jobs whose lock expired, i.e. whose worker died (Bull default 30 s). */
  stalledIntervalMs?: number;
  /** How many times a job may be recovered from a dead worker before it fails (Bull default 1). */
  maxStalledCount?: number;
  defaultRetry?: RetryPolicy;
  logger?: JobQueueLogger;
  /**
   * How long enqueue and isQueued wait for Redis before failing with a QueueUnavailableError (default
   * 5000 ms). Without it a command waits in ioredis's offline queue for as long as Redis is away.
   */
  timeoutMs?: number;
  /** Poll period of whenIdle (default 25 ms). */
  idlePollMs?: number;
  /**
   * Bull queues opened elsewhere, used instead of opening new ones: the orchestrator lets
   * @nestjs/bull's BullModule own the queues (opened with {@link bullQueueOptions}) and hands them in.
   */
  queues?: Partial<Record<QueueName, Bull.Queue>>;
}

/** The Bull options these settings mean; whoever opens the queues (this adapter or BullModule) uses them. */
export function bullQueueOptions(
  options: Pick<
    BullJobQueueOptions,
    'redisUrl' | 'prefix' | 'lockDurationMs' | 'stalledIntervalMs' | 'maxStalledCount'
  >,
): Bull.QueueOptions & { url: string } {
  const { lockDurationMs, stalledIntervalMs, maxStalledCount } = options;
  return {
    url: options.redisUrl,
    prefix: options.prefix ?? 'workbench',
    settings: {
      ...(lockDurationMs !== undefined && {
        lockDuration: lockDurationMs,
        lockRenewTime: Math.max(1, Math.floor(lockDurationMs / 2)),
      }),
      ...(stalledIntervalMs !== undefined && { stalledInterval: stalledIntervalMs }),
      ...(maxStalledCount !== undefined && { maxStalledCount }),
    },
  };
}

/** What a Bull job stores: the id of what to process, nothing else. */
interface JobData {
  id: string;
}

/** What `Job.progress` publishes; Bull forwards it verbatim to `global:progress` in every process. */
interface ProgressPayload {
  fraction: number;
  note?: string;
}

/** A finished job as the adapter keeps it in Redis (`jobs`): a JobInfo with ISO dates. */
type FinishedRecord = Omit<JobInfo, 'enqueuedAt' | 'startedAt' | 'finishedAt'> & {
  enqueuedAt: string | null;
  startedAt: string | null;
  finishedAt: string;
};

/** The message Bull publishes on `failed` when a job stalled more often than maxStalledCount. */
const STALLED_LIMIT_REASON = 'job stalled more than maxStalledCount';
/** How long `close` waits for this instance's global-event registrations before closing anyway (Redis may be away). */
const SUBSCRIPTIONS_SETTLE_MS = 2000;
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * The queue port on Bull 4 / Redis. One Bull queue per QueueName, opened lazily.
 * - jobId = the job's id, so `add` of an id that still exists (waiting, delayed, active) is ignored by Bull;
 *   removeOnComplete/removeOnFail delete the job at the end, so the same run can be enqueued again.
 * - Retries are Bull's attempts + exponential backoff; onFailure is called in the processor before rethrowing.
 * - A job whose worker died (lock expired) is moved back to wait by the stalled check of any live worker.
 * - Completion is never awaited with job.finished() (it may resolve only on its 5 s poll); whenIdle polls counts.
 */
export class BullJobQueue implements JobQueue {
  readonly kind = 'bull' as const;
  private readonly defaultRetry: RetryPolicy;
  private readonly logger: JobQueueLogger;
  private readonly queues = new Map<QueueName, Bull.Queue<JobData>>();
  private readonly workers = new Set<QueueName>();
  private readonly progressListeners: ProgressListener[] = [];
  private readonly progressSubscribed = new Set<QueueName>();
  /** Subscriptions to global events; enqueue waits for them so no early event is missed. */
  private readonly subscriptions: Promise<unknown>[] = [];
  private closing?: Promise<void>;

  constructor(private readonly options: BullJobQueueOptions) {
    if (!options.redisUrl) throw new Error('BullJobQueue needs a redisUrl, e.g. redis://127.0.0.1:6379');
    this.defaultRetry = resolveRetryPolicy(options.defaultRetry, DEFAULT_RETRY);
    this.logger = options.logger ?? consoleJobQueueLogger;
  }

  async enqueue(queue: QueueName, id: string, retry?: Partial<RetryPolicy>): Promise<void> {
    this.assertOpen();
    assertQueueName(queue);
    assertJobId(id);
    const policy = resolveRetryPolicy(retry, this.defaultRetry);
    await this.withinTimeout(queue, `queueing ${queue}/${id}`, async () => {
      await Promise.all(this.subscriptions);
      await this.queue(queue).add(
        { id },
        {
          jobId: id,
          attempts: policy.attempts,
          backoff: { type: 'exponential', delay: policy.backoffMs },
          removeOnComplete: true,
          removeOnFail: true,
        },
      );
    });
  }

  async isQueued(queue: QueueName, id: string): Promise<boolean> {
    this.assertOpen();
    assertQueueName(queue);
    assertJobId(id);
    return this.withinTimeout(queue, `looking up ${queue}/${id}`, async () => {
      const job = await this.queue(queue).getJob(id);
      if (!job) return false;
      const state = await job.getState();
      // removeOnComplete/removeOnFail delete finished jobs; one that is still there would make Bull ignore
      // the next add of its id. ('stuck' is also what getState says of a job moving between lists: kept.)
      if (state === 'completed' || state === 'failed') {
        await job.remove();
        return false;
      }
      return true;
    });
  }

  async remove(queue: QueueName, id: string): Promise<boolean> {
    this.assertOpen();
    assertQueueName(queue);
    const job = await this.queue(queue).getJob(id);
    if (!job) return false;
    const state = await job.getState();
    if (state !== 'waiting' && state !== 'delayed' && state !== 'paused') return false;
    try {
      await job.remove();
      return true;
    } catch (error) {
      // A worker took it between the two calls (Bull refuses to remove a locked job): it is active now.
      if (await job.isActive()) return false;
      throw error;
    }
  }

  process(queue: QueueName, handlers: JobHandlers, concurrency = 1): void {
    this.assertOpen();
    assertQueueName(queue);
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
    }
    if (this.workers.has(queue)) throw new Error(`queue '${queue}' already has a worker in this BullJobQueue`);
    this.workers.add(queue);
    const bullQueue = this.queue(queue);

    bullQueue.on('stalled', (job: Bull.Job<JobData> | null) => {
      this.logger.warn(
        `${queue}/${job?.id ?? '?'} stalled (its worker stopped renewing the lock); it goes back to wait`,
      );
    });
    // A job that stalled more than maxStalledCount is failed by Bull's stalled check, outside any processor,
    // and removeOnFail has already deleted it (the local 'failed' event then carries no job). The global
    // event still names it; one worker claims it in Redis and tells the owner, so the run is not left active.
    bullQueue.on('global:failed', (jobId: string, reason: string) => {
      if (reason !== STALLED_LIMIT_REASON) return;
      void this.reportStalledLimit(queue, bullQueue, String(jobId), handlers);
    });
    this.subscriptions.push(new Promise((resolve) => bullQueue.once('registered:global:failed', resolve)));
    // Bull's `process` names the worker's blocking connection (CLIENT SETNAME) and drops that promise: a worker
    // closed before Redis answered it left an unhandled 'Connection is closed.' rejection. The name only labels
    // the connection in CLIENT LIST, so its failure is logged, and expected (not logged) once closing.
    const setWorkerName = bullQueue.setWorkerName.bind(bullQueue);
    bullQueue.setWorkerName = () =>
      setWorkerName().catch((error: unknown) => {
        if (!this.closing)
          this.logger.warn(`could not name the worker connection of queue '${queue}': ${toError(error).message}`);
      });

    bullQueue
      .process(concurrency, async (bullJob: Bull.Job<JobData>) => {
        const job = this.toJob(queue, bullJob);
        try {
          await handlers.handle(job);
        } catch (thrown) {
          const error = toError(thrown);
          const permanent = isDoNotRetry(error);
          // Discarded, Bull fails the job now whatever attempts are left. (discard() only sets a flag; its
          // typing says Promise.)
          if (permanent) void bullJob.discard();
          const willRetry = !permanent && job.attempt < job.maxAttempts;
          if (!willRetry)
            await this.rememberFinished(queue, { ...this.info(queue, bullJob, 'failed'), error: error.message });
          await this.callOnFailure(handlers, job, error, willRetry);
          throw error;
        }
        await this.rememberFinished(queue, { ...this.info(queue, bullJob, 'completed'), error: null });
      })
      .catch((error) => this.logger.error(`the worker of queue '${queue}' stopped`, error));
  }

  onProgress(listener: ProgressListener): void {
    this.assertOpen();
    this.progressListeners.push(listener);
    for (const name of QUEUE_NAMES) {
      if (this.progressSubscribed.has(name)) continue;
      this.progressSubscribed.add(name);
      const bullQueue = this.queue(name);
      this.subscriptions.push(new Promise((resolve) => bullQueue.once('registered:global:progress', resolve)));
      bullQueue.on('global:progress', (jobId: string, progress: ProgressPayload | number) => {
        const payload = typeof progress === 'number' ? { fraction: progress } : progress;
        for (const each of this.progressListeners) {
          try {
            each(name, String(jobId), payload.fraction, payload.note);
          } catch (error) {
            this.logger.error(`a progress listener threw for ${name}/${jobId}`, error);
          }
        }
      });
    }
  }

  async depth(queue: QueueName): Promise<QueueDepth> {
    assertQueueName(queue);
    this.assertOpen();
    const counts = await this.queue(queue).getJobCounts();
    return { waiting: counts.waiting, active: counts.active, delayed: counts.delayed };
  }

  async jobs(queue: QueueName): Promise<JobInfo[]> {
    assertQueueName(queue);
    this.assertOpen();
    const bullQueue = this.queue(queue);
    const live = async (types: Bull.JobStatus[], state: 'waiting' | 'active' | 'delayed') =>
      (await bullQueue.getJobs(types, 0, LIVE_JOBS_LISTED - 1))
        // getJobs skips ids whose record vanished in between only sometimes: null entries are possible.
        .filter((job): job is Bull.Job<JobData> => !!job)
        .map((job) => this.info(queue, job, state));
    const [active, waiting, delayed, finished] = await Promise.all([
      live(['active'], 'active'),
      live(['waiting', 'paused'], 'waiting'),
      live(['delayed'], 'delayed'),
      bullQueue.client.lrange(this.finishedKey(queue), 0, FINISHED_JOBS_KEPT - 1),
    ]);
    const remembered = finished.map((text): JobInfo => {
      const record = JSON.parse(text) as FinishedRecord;
      const date = (iso: string | null) => (iso === null ? null : new Date(iso));
      return {
        ...record,
        enqueuedAt: date(record.enqueuedAt),
        startedAt: date(record.startedAt),
        finishedAt: new Date(record.finishedAt),
      };
    });
    return sortJobInfos([...active, ...waiting, ...delayed, ...remembered]);
  }

  async whenIdle(queue?: QueueName): Promise<void> {
    const names = queue ? [queue] : [...this.queues.keys()];
    const pollMs = this.options.idlePollMs ?? 25;
    for (;;) {
      this.assertOpen();
      // Bull's typings omit `paused`, which getJobCounts does return.
      const counts = (await Promise.all(names.map((name) => this.queue(name).getJobCounts()))) as (Bull.JobCounts & {
        paused?: number;
      })[];
      if (counts.every((c) => c.waiting + c.active + c.delayed + (c.paused ?? 0) === 0)) return;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      // Bull registers global events in the background and does not catch a connection closed under that
      // registration: closing right after `process` or `onProgress` left one unhandled rejection per queue.
      // Let the registrations this instance started settle first, bounded, since Redis may be away.
      await Promise.race([Promise.allSettled(this.subscriptions), delay(SUBSCRIPTIONS_SETTLE_MS)]);
      const results = await Promise.allSettled([...this.queues.values()].map((queue) => queue.close()));
      for (const result of results) {
        if (result.status === 'rejected') this.logger.error('closing a Bull queue failed', result.reason);
      }
    })();
    return this.closing;
  }

  private queue(name: QueueName): Bull.Queue<JobData> {
    let queue = this.queues.get(name);
    if (!queue) {
      const { url, ...queueOptions } = bullQueueOptions(this.options);
      queue =
        (this.options.queues?.[name] as Bull.Queue<JobData> | undefined) ?? new Bull<JobData>(name, url, queueOptions);
      // Without a listener, an 'error' event (e.g. Redis went away) would crash the process.
      queue.on('error', (error) => this.logger.error(`Bull queue '${name}' error`, error));
      queue.on('lock-extension-failed', (job: Bull.Job<JobData>, error: unknown) =>
        this.logger.warn(
          `${name}/${job.id}: lock extension failed (${toError(error).message}); another worker may take the job over`,
        ),
      );
      this.queues.set(name, queue);
    }
    return queue;
  }

  private toJob(queue: QueueName, bullJob: Bull.Job<JobData>): Job {
    return {
      queue,
      id: String(bullJob.id),
      // attemptsMade counts failed attempts only; a stalled restart does not increase it.
      attempt: bullJob.attemptsMade + 1,
      maxAttempts: bullJob.opts.attempts ?? 1,
      async progress(fraction: number, note?: string): Promise<void> {
        assertFraction(fraction);
        const payload: ProgressPayload = note === undefined ? { fraction } : { fraction, note };
        await bullJob.progress(payload);
      },
    };
  }

  /** A Bull job as `jobs` shows it; its attempt counts the one running while it is active. */
  private info(queue: QueueName, job: Bull.Job<JobData>, state: JobInfo['state']): JobInfo {
    const progress = job.progress() as ProgressPayload | number;
    const running = state === 'active' || state === 'completed' || state === 'failed';
    return {
      queue,
      id: String(job.id),
      state,
      attempt: job.attemptsMade + (running ? 1 : 0),
      maxAttempts: job.opts.attempts ?? 1,
      // Bull's initial progress is the number 0; ours is always an object.
      progress: typeof progress === 'object' ? progress.fraction : null,
      progressNote: typeof progress === 'object' ? (progress.note ?? null) : null,
      enqueuedAt: new Date(job.timestamp),
      startedAt: job.processedOn ? new Date(job.processedOn) : null,
      finishedAt: state === 'completed' || state === 'failed' ? new Date() : null,
      error: job.failedReason ?? null,
    };
  }

  /** Bull deletes finished jobs (so their id can be queued again); the last FINISHED_JOBS_KEPT are kept apart, in a capped list. */
  private finishedKey(queue: QueueName): string {
    return `${this.options.prefix ?? 'workbench'}:${queue}:finished-jobs`;
  }

  private async rememberFinished(queue: QueueName, info: JobInfo): Promise<void> {
    try {
      const record: FinishedRecord = {
        ...info,
        enqueuedAt: info.enqueuedAt?.toISOString() ?? null,
        startedAt: info.startedAt?.toISOString() ?? null,
        finishedAt: (info.finishedAt ?? new Date()).toISOString(),
      };
      await this.queue(queue)
        .client.multi()
        .lpush(this.finishedKey(queue), JSON.stringify(record))
        .ltrim(this.finishedKey(queue), 0, FINISHED_JOBS_KEPT - 1)
        .exec();
    } catch (error) {
      // Only the dashboard's history misses it; the job itself has finished all the same.
      this.logger.error(`could not record the end of ${queue}/${info.id} in the finished-jobs list`, error);
    }
  }

  private async reportStalledLimit(
    queue: QueueName,
    bullQueue: Bull.Queue<JobData>,
    id: string,
    handlers: JobHandlers,
  ): Promise<void> {
    try {
      const claimKey = `${this.options.prefix ?? 'workbench'}:${queue}:stalled-failure:${id}`;
      const claimed = await bullQueue.client.set(claimKey, '1', 'PX', 60_000, 'NX');
      if (claimed !== 'OK') return;
      // The job hash is gone, so the attempt count is unknown: report it as the last attempt.
      const job: Job = { queue, id, attempt: 1, maxAttempts: 1, progress: async () => undefined };
      const message = `job ${queue}/${id} stalled more than allowable limit (its worker died repeatedly)`;
      await this.rememberFinished(queue, {
        queue,
        id,
        state: 'failed',
        attempt: 1,
        maxAttempts: 1,
        progress: null,
        progressNote: null,
        enqueuedAt: null,
        startedAt: null,
        finishedAt: new Date(),
        error: message,
      });
      await this.callOnFailure(handlers, job, new Error(message), false);
    } catch (error) {
      this.logger.error(`could not report the stalled failure of ${queue}/${id}`, error);
    }
  }

  private async callOnFailure(handlers: JobHandlers, job: Job, error: Error, willRetry: boolean): Promise<void> {
    try {
      await handlers.onFailure(job, error, willRetry);
    } catch (failureError) {
      this.logger.error(`onFailure threw for ${job.queue}/${job.id} (attempt ${job.attempt})`, failureError);
    }
  }

  private assertOpen(): void {
    if (this.closing) throw new Error('BullJobQueue is closed');
  }

  /** Runs a Redis operation, or fails with a QueueUnavailableError once the timeout has passed (the operation may still land later). */
  private async withinTimeout<T>(queue: QueueName, what: string, operation: () => Promise<T>): Promise<T> {
    const timeoutMs = this.options.timeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new QueueUnavailableError(
              queue,
              `the ${queue} queue (Redis) did not answer within ${timeoutMs} ms while ${what}`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([operation(), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}
