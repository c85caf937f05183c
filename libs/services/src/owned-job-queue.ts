import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { MikroORM } from '@mikro-orm/core';
import type { JobHandlers, JobQueue, ProgressListener, QueueName, RetryPolicy } from '@workbench/jobs';
import { RetrainRequest, Run, RunStatus } from '@workbench/persistence';

/** How often an owner says it is alive, and after how long without a word its work may be taken over. */
export const HEARTBEAT_MS = 5_000;
export const OWNER_STALE_MS = 60_000;

/**
 * Calls `beat` every `ms` (on a timer that keeps no process alive), and once at once when `immediately`, but never
 * while the last call is still running. A heartbeat's UPDATE waits while a run's results transaction holds the run's
 * row (on PostgreSQL, as long as its assignment rows take to write: over a minute for 10M), and one started at every
 * interval meanwhile would each hold a pool connection until the pool ran dry: at 100M transactions the process's
 * other queries then failed with "Knex: Timeout acquiring a connection". `beat` handles its own failures. Returns
 * the function that stops it.
 */
export function startHeartbeat(beat: () => Promise<void>, ms = HEARTBEAT_MS, immediately = false): () => void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    void beat()
      .catch(() => undefined)
      .finally(() => (running = false));
  };
  if (immediately) tick();
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
}

/** The queues whose work has an owner: runs and retrain requests. */
const OWNED: Partial<Record<QueueName, typeof Run | typeof RetrainRequest>> = { train: Run, retrain: RetrainRequest };

const UNFINISHED_RUN = [RunStatus.Queued, RunStatus.Running];
const UNFINISHED_RETRAIN: RetrainRequest['status'][] = ['queued', 'training'];

/**
 * The in-process queue of one process sharing an embedded home with others (a server and CLIs): its
 * runs and retrains carry this process as owner, with a heartbeat every {@link HEARTBEAT_MS}. Another
 * process neither queues nor executes work whose owner is alive, so a CLI beside a server never takes
 * over the server's runs and nothing runs twice; work whose owner stopped (no heartbeat for
 * {@link OWNER_STALE_MS}) or left it (a clean close releases it) is taken over at the next start.
 * Comparisons and webhook deliveries pass through unchanged.
 */
export class OwnedJobQueue implements JobQueue {
  readonly kind: JobQueue['kind'];
  /** `host:pid:random`, unique per queue instance. */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly stopHeartbeat: () => void;

  constructor(
    private readonly inner: JobQueue,
    private readonly orm: MikroORM,
  ) {
    this.kind = inner.kind;
    this.stopHeartbeat = startHeartbeat(() => this.beat().catch(() => undefined));
  }

  async enqueue(queue: QueueName, id: string, retry?: Partial<RetryPolicy>): Promise<void> {
    if (await this.claim(queue, id)) await this.inner.enqueue(queue, id, retry);
  }

  remove(queue: QueueName, id: string): Promise<boolean> {
    return this.inner.remove(queue, id);
  }

  /** Queued here, or owned by another live process (its own in-process queue has it). */
  async isQueued(queue: QueueName, id: string): Promise<boolean> {
    if (await this.inner.isQueued(queue, id)) return true;
    const entity = OWNED[queue];
    if (!entity) return false;
    const live = { id, owner: { $ne: this.owner }, heartbeatAt: { $gte: new Date(Date.now() - OWNER_STALE_MS) } };
    return (await this.orm.em.fork().count(entity as typeof Run, live)) > 0;
  }

  process(queue: QueueName, handlers: JobHandlers, concurrency?: number): void {
    this.inner.process(
      queue,
      {
        // Claimed again when the job starts: between queueing and now another process may have taken it.
        handle: async (job) => {
          if (await this.claim(queue, job.id)) await handlers.handle(job);
        },
        onFailure: (job, error, willRetry) => handlers.onFailure(job, error, willRetry),
      },
      concurrency,
    );
  }

  onProgress(listener: ProgressListener): void {
    this.inner.onProgress(listener);
  }

  depth(queue: QueueName): ReturnType<JobQueue['depth']> {
    return this.inner.depth(queue);
  }

  jobs(queue: QueueName): ReturnType<JobQueue['jobs']> {
    return this.inner.jobs(queue);
  }

  whenIdle(queue?: QueueName): Promise<void> {
    return this.inner.whenIdle(queue);
  }

  /** Stops, then leaves its unfinished work to whichever process starts next. */
  async close(): Promise<void> {
    this.stopHeartbeat();
    await this.inner.close();
    const em = this.orm.em.fork();
    await em.nativeUpdate(
      Run,
      { owner: this.owner, status: { $in: UNFINISHED_RUN } },
      { owner: null, heartbeatAt: null },
    );
    await em.nativeUpdate(
      RetrainRequest,
      { owner: this.owner, status: { $in: UNFINISHED_RETRAIN } },
      { owner: null, heartbeatAt: null },
    );
  }

  /** Makes this process the owner of an unfinished run or retrain unless a live process owns it; false when it may not work on it. */
  private async claim(queue: QueueName, id: string): Promise<boolean> {
    const entity = OWNED[queue];
    if (!entity) return true;
    const status = queue === 'train' ? UNFINISHED_RUN : UNFINISHED_RETRAIN;
    const claimable = {
      $or: [
        { owner: null },
        { owner: this.owner },
        { heartbeatAt: null },
        { heartbeatAt: { $lt: new Date(Date.now() - OWNER_STALE_MS) } },
      ],
    };
    const updated = await this.orm.em
      .fork()
      .nativeUpdate(
        entity as typeof Run,
        { id, status: { $in: status as RunStatus[] }, ...claimable },
        { owner: this.owner, heartbeatAt: new Date() },
      );
    return updated > 0;
  }

  private async beat(): Promise<void> {
    const em = this.orm.em.fork();
    const now = new Date();
    await em.nativeUpdate(Run, { owner: this.owner, status: { $in: UNFINISHED_RUN } }, { heartbeatAt: now });
    await em.nativeUpdate(
      RetrainRequest,
      { owner: this.owner, status: { $in: UNFINISHED_RETRAIN } },
      { heartbeatAt: now },
    );
  }
}
