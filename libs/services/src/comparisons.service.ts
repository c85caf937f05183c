import type { MikroORM } from '@mikro-orm/core';
import { QueueUnavailableError, type JobQueue, type LiveEvents } from '@workbench/jobs';
import { Comparison, ComparisonStatus, RunStatus } from '@workbench/persistence';
import { InvalidRequestError, NotFoundError } from './errors';
import type { RunsService } from './runs.service';

/**
 * The command half of comparisons of two runs: submit (queue), list, look up and wait; the
 * {@link ComparisonProcessor} computes them.
 */
export class ComparisonsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly queue: JobQueue,
    private readonly runs: RunsService,
    /** Where a comparison's queueing is announced (its worker announces the rest). */
    private readonly events: LiveEvents,
  ) {}

  /** Queues the comparison of run A with run B (ids or `segmentation@v3`-style references). */
  async submit(runARef: string, runBRef: string): Promise<Comparison> {
    const [a, b] = [await this.runs.resolve(runARef), await this.runs.resolve(runBRef)];
    for (const [side, run] of [
      ['A', a],
      ['B', b],
    ] as const) {
      if (run.status !== RunStatus.Succeeded)
        throw new InvalidRequestError(
          `run ${side} (${run.segmentation.name} v${run.version}) is ${run.status}; only finished runs can be compared`,
        );
    }
    const em = this.orm.em.fork();
    const comparison = em.create(Comparison, { runA: a.id, runB: b.id });
    await em.flush();
    this.events.publish({ type: 'state', kind: 'comparison', id: comparison.id, status: ComparisonStatus.Queued });
    try {
      await this.queue.enqueue('compare', comparison.id);
    } catch (e) {
      // As a run's submission: not submitted (deleted again) unless a worker took it meanwhile.
      if (!(e instanceof QueueUnavailableError)) throw e;
      const deleted = await this.orm.em
        .fork()
        .nativeDelete(Comparison, { id: comparison.id, status: ComparisonStatus.Queued });
      if (deleted > 0)
        throw new QueueUnavailableError(
          e.queue,
          `the comparison was not submitted: ${e.message}; try again once it is back`,
        );
    }
    return this.get(comparison.id);
  }

  async get(id: string): Promise<Comparison> {
    const found = await this.orm.em
      .fork()
      .findOne(Comparison, { id }, { populate: ['runA', 'runA.segmentation', 'runB', 'runB.segmentation'] });
    if (!found) throw new NotFoundError(`comparison '${id}' not found`);
    return found;
  }

  async list(): Promise<Comparison[]> {
    return this.orm.em
      .fork()
      .find(
        Comparison,
        {},
        { orderBy: { createdAt: 'desc' }, populate: ['runA', 'runA.segmentation', 'runB', 'runB.segmentation'] },
      );
  }

  async waitFor(id: string, pollMs = 100): Promise<Comparison> {
    for (;;) {
      const c = await this.get(id);
      if (c.status === ComparisonStatus.Succeeded || c.status === ComparisonStatus.Failed) return c;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}
