import {
  DoNotRetryError,
  isDoNotRetry,
  KIND_OF_QUEUE,
  type Job,
  type JobQueue,
  type LiveEvents,
  type LogEvent,
  type QueueName,
} from '@workbench/jobs';
import type { LogFields, WorkbenchLogger } from './logger';
import { HEARTBEAT_MS, startHeartbeat } from './owned-job-queue';

/**
 * Failures no retry can fix: what the user asked for (params, features, labels), what a plugin did with
 * it (its contract, its sandbox limits) or what is not there. Matched by class name, so errors that come
 * back from a plugin's sandbox thread count too. Everything else (database, Redis, files, a lost
 * worker, a plain error a plugin threw) is taken as transient and retried with backoff.
 */
const PERMANENT = new Set([
  'DoNotRetryError',
  'ParamsValidationError',
  'FeatureRequirementError',
  'PluginContractError',
  'PluginDefinitionError',
  'PluginSandboxError',
  'InvalidRequestError',
  'NotFoundError',
]);

export function isPermanentFailure(error: unknown): boolean {
  return isDoNotRetry(error) || (error instanceof Error && PERMANENT.has(error.name));
}

/** The error as the queues see it: a permanent failure becomes a {@link DoNotRetryError} with the same message. */
export function classifyFailure(error: unknown): unknown {
  if (isDoNotRetry(error) || !isPermanentFailure(error)) return error;
  return new DoNotRetryError((error as Error).message, { cause: error });
}

/** Longest failure message stored on a run (or comparison, …): any viewer reads it. The full one goes to the log. */
export const MAX_STORED_ERROR_LENGTH = 500;

/** The database driver prefixes its message with the statement and its parameters inlined: `insert into … values (…) - <reason>`. */
const SQL_STATEMENT = /^\s*(insert|copy|select|update|delete|with|create|alter|drop|begin|commit|savepoint|release)\b/i;

/**
 * The reason a failed attempt stores for its users: short and free of data. A database error's message
 * carries the failing SQL with its parameters (thousands of customer ids, hundreds of KB): it is cut to the
 * error's kind and the database's own sentence. Anything else is cut at {@link MAX_STORED_ERROR_LENGTH}.
 *
 * @example
 * storedFailureMessage(e) // "database error (CheckConstraintViolationException): new row for relation \"assignment\" violates check constraint \"…\""
 */
export function storedFailureMessage(error: Error): string {
  let message = error.message || String(error);
  if (SQL_STATEMENT.test(message)) {
    // The reason is what follows the statement; the statement and its parameters are left to the log.
    const reason = message.slice(message.lastIndexOf(' - ') + 3);
    message = `database error (${error.name}): ${reason === message ? 'the statement failed' : reason}`;
  }
  if (message.length <= MAX_STORED_ERROR_LENGTH) return message;
  // Room for the suffix, so the whole stays within the cap.
  const cut = message.slice(0, MAX_STORED_ERROR_LENGTH - 60);
  return `${cut}… (${message.length - cut.length} more characters in the worker's log)`;
}

/** How long recording a failure keeps trying while the database is away, and the first wait (doubling, capped at 30 s). */
export interface RecordingRetry {
  forMs: number;
  firstDelayMs: number;
}

export const DEFAULT_RECORDING_RETRY: RecordingRetry = { forMs: 15 * 60_000, firstDelayMs: 500 };

/**
 * Runs `save` until it succeeds or `retry.forMs` has passed, waiting `firstDelayMs`, then twice as long
 * each time (at most 30 s). A failure that cannot be written would leave its run `running` for good.
 */
export async function saveWithRetry(
  save: () => Promise<unknown>,
  what: string,
  logger: WorkbenchLogger,
  retry: RecordingRetry = DEFAULT_RECORDING_RETRY,
): Promise<void> {
  const giveUpAt = Date.now() + retry.forMs;
  for (let delay = retry.firstDelayMs; ; delay = Math.min(delay * 2, 30_000)) {
    try {
      await save();
      return;
    } catch (e) {
      if (Date.now() + delay > giveUpAt) throw e;
      logger.warn(`${what} not saved (${(e as Error).message}); trying again in ${delay} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** One finished attempt at a job, as metrics count it. */
export interface JobAttempt {
  queue: QueueName;
  /** The plugin the job ran (runs), else null. */
  plugin: string | null;
  outcome: 'succeeded' | 'failed';
  seconds: number;
}

/** Told of every attempt a processor finishes (the server's metrics); must not throw. */
export interface JobObserver {
  attemptFinished(attempt: JobAttempt): void;
}

/** The log field that names what a queue's job id identifies. */
const ID_FIELD: Record<QueueName, keyof LogFields> = {
  train: 'runId',
  compare: 'comparisonId',
  retrain: 'retrainId',
  notify: 'eventId',
  score: 'scoringId',
};

/**
 * The worker half of a queued entity (a run, a comparison, a retrain request, a webhook event), one
 * shape for all: load it by the job's id, skip it when already done, execute, and record each failed
 * attempt (retrying the write while the database is away). A permanent failure ends the job at once.
 */
export abstract class JobProcessor<T> {
  /** The queue this processor consumes. */
  abstract readonly queueName: QueueName;
  /** What a job's id names, for messages ("run", "comparison"). */
  protected abstract readonly noun: string;

  /** Set by the host that counts attempts (the orchestrator's metrics); none by default. */
  observer: JobObserver | undefined;

  protected constructor(
    protected readonly queue: JobQueue,
    protected readonly logger: WorkbenchLogger,
    /** Where each attempt's progress, its plugin's log lines and the entity's status changes are published. */
    protected readonly events: LiveEvents,
    protected readonly recordingRetry: RecordingRetry = DEFAULT_RECORDING_RETRY,
  ) {}

  /** The entity the job names, or null when it does not exist (the job then fails without retries). */
  protected abstract load(id: string): Promise<T | null>;
  /** True when the entity needs no more work (finished by an earlier attempt, or failed for good). */
  protected abstract isDone(target: T): boolean;
  protected abstract execute(target: T, job: Job): Promise<void>;
  /** Writes a failed attempt: back to queued when it will be retried, failed with `message` when not. */
  protected abstract saveFailure(id: string, message: string, willRetry: boolean, job: Job): Promise<void>;

  /**
   * Records that this process is working on the entity now (its `heartbeatAt`), every {@link HEARTBEAT_MS}
   * while an attempt runs: the reconciler leaves work with a fresh heartbeat alone even when its queue lost
   * the job, so it is never run twice at once. No-op for entities without a heartbeat.
   */
  protected async beat(_id: string): Promise<void> {
    return undefined;
  }

  /** The entity's status, as announced on the live events; undefined for entities without one (webhook events). */
  protected statusOf(_target: T): string | undefined {
    return undefined;
  }

  /** Publishes that the job's entity now has `status` (processors call it right after they set it). */
  protected announce(id: string, status: string): void {
    const kind = KIND_OF_QUEUE[this.queueName];
    if (kind) this.events.publish({ type: 'state', kind, id, status });
  }

  /** Publishes the entity's status as stored now (after an attempt ended, whichever way). Never throws. */
  private async announceStored(id: string): Promise<void> {
    try {
      const target = await this.load(id);
      const status = target ? this.statusOf(target) : undefined;
      if (status) this.announce(id, status);
    } catch (e) {
      this.logger.warn(`${this.noun} ${id}: status not announced (${(e as Error).message})`);
    }
  }

  /** A plugin's `ctx.log` for `job`: each line goes to the worker's log (after `prefix`) and to the live events. */
  protected pluginLog(
    job: Job,
    prefix: string,
    fields: LogFields,
  ): Record<LogEvent['level'], (message: string) => void> {
    const line = (level: LogEvent['level'], message: string) => {
      if (level === 'info') this.logger.log(`${prefix}: ${message}`, fields);
      else this.logger[level](`${prefix}: ${message}`, fields);
      this.events.publish({ type: 'log', queue: job.queue, id: job.id, level, message });
    };
    return {
      info: (m) => line('info', m),
      warn: (m) => line('warn', m),
      error: (m) => line('error', m),
    };
  }

  /** The job as handlers see it: its progress is also published on the live events, before the queue's own report. */
  private published(job: Job): Job {
    const events = this.events;
    return {
      queue: job.queue,
      id: job.id,
      attempt: job.attempt,
      maxAttempts: job.maxAttempts,
      progress(fraction, note) {
        events.publish({ type: 'progress', queue: job.queue, id: job.id, fraction, ...(note ? { note } : {}) });
        return job.progress(fraction, note);
      },
    };
  }

  /** The plugin a job's entity runs, for metrics and log fields; null when it runs none. */
  protected pluginOf(_target: T): string | null {
    return null;
  }

  /** The structured fields of every log line about `job`: queue, attempt, the entity's id and the plugin. */
  protected logFields(job: Job, plugin?: string | null): LogFields {
    return { queue: job.queue, attempt: job.attempt, [ID_FIELD[job.queue]]: job.id, ...(plugin ? { plugin } : {}) };
  }

  /** Makes this process a worker of the queue. */
  start(concurrency = 1): void {
    this.queue.process(
      this.queueName,
      {
        handle: (job) => this.process(job),
        onFailure: (job, error, willRetry) => this.recordFailure(job, error, willRetry),
      },
      concurrency,
    );
  }

  /** One attempt at one job; its entity's stored status is announced when it ends (a failure: once recorded). */
  async process(queued: Job): Promise<void> {
    const job = this.published(queued);
    const target = await this.load(job.id);
    if (!target) throw new DoNotRetryError(`${this.noun} ${job.id} does not exist`);
    if (this.isDone(target)) return;
    const plugin = this.pluginOf(target);
    const started = performance.now();
    const finished = (outcome: JobAttempt['outcome']) =>
      this.observer?.attemptFinished({
        queue: job.queue,
        plugin,
        outcome,
        seconds: (performance.now() - started) / 1000,
      });
    const stopHeartbeat = startHeartbeat(
      () =>
        this.beat(job.id).catch((e: Error) =>
          this.logger.warn(`${this.noun} ${job.id}: heartbeat not saved (${e.message})`, this.logFields(job)),
        ),
      HEARTBEAT_MS,
      true,
    );
    try {
      await this.execute(target, job);
    } catch (e) {
      finished('failed');
      throw classifyFailure(e);
    } finally {
      stopHeartbeat();
    }
    finished('succeeded');
    await this.announceStored(job.id);
  }

  /** Called by the queue after every failed attempt; never throws (the queue could not act on it). */
  async recordFailure(job: Job, error: Error, willRetry: boolean): Promise<void> {
    const fields = this.logFields(job);
    // The log has the whole message; the entity, which viewers read, a short one without data.
    this.logger.warn(
      `${this.noun} ${job.id} attempt ${job.attempt}/${job.maxAttempts} failed: ${error.message || String(error)}${willRetry ? ' (will retry)' : ''}`,
      fields,
    );
    const message = storedFailureMessage(error);
    try {
      await saveWithRetry(
        () => this.saveFailure(job.id, message, willRetry, job),
        `the failure of ${this.noun} ${job.id}`,
        this.logger,
        this.recordingRetry,
      );
    } catch (e) {
      this.logger.error(`the failure of ${this.noun} ${job.id} could not be recorded: ${(e as Error).message}`, fields);
    }
    await this.announceStored(job.id);
  }
}
