import type { MikroORM } from '@mikro-orm/core';
import type { JobQueue, LiveEvents, QueueName, RetryPolicy } from '@workbench/jobs';
import {
  Comparison,
  ComparisonStatus,
  RetrainRequest,
  Run,
  RunStatus,
  Scoring,
  ScoringStatus,
  WorkbenchEvent,
} from '@workbench/persistence';
import type { WorkbenchLogger } from './logger';
import { OWNER_STALE_MS } from './owned-job-queue';

const UNFINISHED_RUN = [RunStatus.Queued, RunStatus.Running];
const UNFINISHED_COMPARISON = [ComparisonStatus.Queued, ComparisonStatus.Running];
const UNFINISHED_RETRAIN: RetrainRequest['status'][] = ['queued', 'training'];
const UNFINISHED_SCORING = [ScoringStatus.Queued, ScoringStatus.Running];

/** What one pass did, as `queue/id`. */
export interface ReconcileReport {
  /** Put back on their queue: their job was gone (Redis restarted empty, the job dropped after its attempts). */
  requeued: string[];
  /** Failed because they were not finished within WORKBENCH_RUN_DEADLINE_S of being submitted. */
  expired: string[];
}

export interface ReconcilerSettings {
  /** A run or comparison unfinished this long after it was submitted is failed. */
  deadlineSeconds: number;
  /** The retry policy webhook deliveries are queued with. */
  webhookRetry: RetryPolicy;
}

/**
 * Makes sure no run stays `queued` or `running` for good, whatever happened to its job: every pass puts
 * back on the queue the unfinished work whose job the queue no longer has, and fails with that reason
 * runs and comparisons past their deadline. Covered: runs, comparisons, retrain requests, scorings and
 * pending webhook deliveries.
 *
 * Every API process runs one; a pass is idempotent, so two passes at once (two API processes) do no harm:
 * failing is a conditional UPDATE (only unfinished rows, so one reason wins), and a job's id is its
 * entity's id, so a second enqueue of the same id adds nothing while the first job exists; one that
 * finds the job already done is a no-op (the processor skips finished work).
 *
 * Work with a fresh heartbeat is left alone though its job is gone (a worker is on it while Redis lost
 * its job), so it never runs twice at once; a run trained inside a retrain job is the retrain's to re-queue.
 * Comparisons and scorings have no heartbeat: one recomputed while the first computation ends gives the
 * same result, written once (only an unfinished one is written).
 */
export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<unknown> | undefined;

  constructor(
    private readonly orm: MikroORM,
    private readonly queue: JobQueue,
    private readonly logger: WorkbenchLogger,
    private readonly settings: ReconcilerSettings,
    /** Where the runs and comparisons it fails are announced. */
    private readonly events: LiveEvents,
  ) {}

  /** A pass every `intervalMs` (0: never), skipped while the previous one still runs. */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.pass ??= this.reconcile()
        .catch((e: Error) => this.logger.warn(`reconciler: pass abandoned (${e.message}); the next one tries again`))
        .finally(() => (this.pass = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the passes and waits for the one under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.pass;
  }

  async reconcile(now = new Date()): Promise<ReconcileReport> {
    const report: ReconcileReport = { requeued: [], expired: [] };
    await this.expire(now, report);
    await this.requeueLost(now, report);
    if (report.requeued.length > 0)
      this.logger.warn(
        `reconciler: re-queued ${report.requeued.length} job(s) their queue had lost: ${report.requeued.join(', ')}`,
      );
    if (report.expired.length > 0)
      this.logger.warn(`reconciler: failed ${report.expired.length} past their deadline: ${report.expired.join(', ')}`);
    return report;
  }

  private async expire(now: Date, report: ReconcileReport): Promise<void> {
    const em = this.orm.em.fork();
    const seconds = this.settings.deadlineSeconds;
    const cutoff = new Date(now.getTime() - seconds * 1000);
    const error = `not finished within ${seconds} s of being submitted (WORKBENCH_RUN_DEADLINE_S); stopped waiting for it`;
    for (const { id } of await em.find(
      Run,
      { status: { $in: UNFINISHED_RUN }, queuedAt: { $lt: cutoff } },
      { fields: ['id'] },
    )) {
      const failed = await em.nativeUpdate(
        Run,
        { id, status: { $in: UNFINISHED_RUN } },
        { status: RunStatus.Failed, error, finishedAt: now },
      );
      if (failed > 0) {
        report.expired.push(`train/${id}`);
        this.events.publish({ type: 'state', kind: 'run', id, status: RunStatus.Failed });
      }
    }
    for (const { id } of await em.find(
      Comparison,
      { status: { $in: UNFINISHED_COMPARISON }, createdAt: { $lt: cutoff } },
      { fields: ['id'] },
    )) {
      const failed = await em.nativeUpdate(
        Comparison,
        { id, status: { $in: UNFINISHED_COMPARISON } },
        { status: ComparisonStatus.Failed, error, finishedAt: now },
      );
      if (failed > 0) {
        report.expired.push(`compare/${id}`);
        this.events.publish({ type: 'state', kind: 'comparison', id, status: ComparisonStatus.Failed });
      }
    }
  }

  private async requeueLost(now: Date, report: ReconcileReport): Promise<void> {
    const em = this.orm.em.fork();
    const stale = { $or: [{ heartbeatAt: null }, { heartbeatAt: { $lt: new Date(now.getTime() - OWNER_STALE_MS) } }] };
    const retrains = await em.find(
      RetrainRequest,
      { status: { $in: UNFINISHED_RETRAIN } },
      { fields: ['id', 'run', 'heartbeatAt'] },
    );
    const retrainRuns = new Set(retrains.map((r) => r.run?.id).filter((id): id is string => id !== undefined));
    const runs = (
      await em.find(
        Run,
        { status: { $in: UNFINISHED_RUN }, ...stale },
        { fields: ['id'], orderBy: { queuedAt: 'asc' } },
      )
    ).filter((r) => !retrainRuns.has(r.id));
    const comparisons = await em.find(
      Comparison,
      { status: { $in: UNFINISHED_COMPARISON } },
      { fields: ['id'], orderBy: { createdAt: 'asc' } },
    );
    const scorings = await em.find(
      Scoring,
      { status: { $in: UNFINISHED_SCORING } },
      { fields: ['id'], orderBy: { createdAt: 'asc' } },
    );
    const staleRetrains = await em.find(
      RetrainRequest,
      { status: { $in: UNFINISHED_RETRAIN }, ...stale },
      { fields: ['id'] },
    );
    const events = await em.find(WorkbenchEvent, { webhookStatus: 'pending' }, { fields: ['id'] });
    const work: [QueueName, string, RetryPolicy?][] = [
      ...runs.map((r): [QueueName, string] => ['train', r.id]),
      ...comparisons.map((c): [QueueName, string] => ['compare', c.id]),
      ...staleRetrains.map((r): [QueueName, string] => ['retrain', r.id]),
      ...scorings.map((s): [QueueName, string] => ['score', s.id]),
      ...events.map((e): [QueueName, string, RetryPolicy] => ['notify', e.id, this.settings.webhookRetry]),
    ];
    for (const [queue, id, retry] of work) {
      if (await this.queue.isQueued(queue, id)) continue;
      await this.queue.enqueue(queue, id, retry);
      report.requeued.push(`${queue}/${id}`);
    }
  }
}
