import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { Assignments } from '@workbench/plugin-sdk';
import { Assignment, Run, RunStatus, Segment } from '@workbench/persistence';
import { NotFoundError } from './errors';

/** Rows per INSERT statement: 4 parameters a row keeps well under SQLite's 32,766-parameter limit. */
const BATCH = 4000;

export interface HistoryEntry {
  segmentation: string;
  runId: string;
  version: number;
  datasetVersion: number;
  segmentKey: number;
  segmentLabel: string;
  score: number | null;
  finishedAt: Date | null;
}

/** Customer → segment rows of finished runs: written in bulk with the run's results, read per customer. */
export class AssignmentsService {
  constructor(private readonly orm: MikroORM) {}

  /** Writes a run's assignments inside the caller's transaction, replacing any rows of an earlier attempt. */
  async write(tx: EntityManager, runId: string, ids: readonly string[], assignments: Assignments): Promise<void> {
    await tx.nativeDelete(Assignment, { run: runId });
    const { segment, score } = assignments;
    for (let start = 0; start < ids.length; start += BATCH) {
      const end = Math.min(ids.length, start + BATCH);
      const rows = [];
      for (let i = start; i < end; i++) rows.push({ run: runId, customerId: ids[i], segmentKey: segment[i], score: score ? score[i] : null });
      await tx.insertMany(Assignment, rows);
    }
  }

  /** Which segment the customer was in, run after run, oldest first (optionally for one segmentation). */
  async history(customerId: string, segmentationId?: string): Promise<HistoryEntry[]> {
    const em = this.orm.em.fork();
    const rows = await em.find(
      Assignment,
      { customerId, run: { status: RunStatus.Succeeded, ...(segmentationId ? { segmentation: segmentationId } : {}) } },
      { populate: ['run', 'run.segmentation', 'run.datasetVersion'], orderBy: { run: { finishedAt: 'asc' } } },
    );
    if (rows.length === 0) throw new NotFoundError(`customer '${customerId}' is in no finished run${segmentationId ? ' of that segmentation' : ''}`);
    const segments = await em.find(Segment, { run: { $in: rows.map((r) => r.run.id) } });
    const label = new Map(segments.map((s) => [`${s.run.id}:${s.key}`, s.label]));
    return rows.map((r) => {
      const run = r.run as Run;
      return {
        segmentation: run.segmentation.name,
        runId: run.id,
        version: run.version,
        datasetVersion: run.datasetVersion.version,
        segmentKey: r.segmentKey,
        segmentLabel: label.get(`${run.id}:${r.segmentKey}`) ?? String(r.segmentKey),
        score: r.score ?? null,
        finishedAt: run.finishedAt ?? null,
      };
    });
  }

  /** All assignments of a run with segment labels, in customer id order, for export to other tools. */
  async forRun(runId: string): Promise<{ customerId: string; segmentKey: number; segmentLabel: string; score: number | null }[]> {
    const em = this.orm.em.fork();
    const segments = await em.find(Segment, { run: runId });
    const label = new Map(segments.map((s) => [s.key, s.label]));
    const rows = await em.find(Assignment, { run: runId }, { orderBy: { customerId: 'asc' } });
    return rows.map((r) => ({ customerId: r.customerId, segmentKey: r.segmentKey, segmentLabel: label.get(r.segmentKey) ?? String(r.segmentKey), score: r.score ?? null }));
  }
}
