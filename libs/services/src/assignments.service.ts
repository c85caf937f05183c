import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { decodeAssignments } from '@workbench/engine';
import type { Assignments } from '@workbench/plugin-sdk';
import { Assignment, Run, RunStatus, Segment, writeAssignmentRows, type ArtifactStore } from '@workbench/persistence';
import { NotFoundError } from './errors';

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
  constructor(
    private readonly orm: MikroORM,
    private readonly artifacts: ArtifactStore,
  ) {}

  /** Writes a run's assignments inside the caller's transaction, replacing any rows of an earlier attempt. */
  async write(tx: EntityManager, runId: string, ids: readonly string[], assignments: Assignments): Promise<void> {
    await writeAssignmentRows(tx, runId, ids, assignments.segment, assignments.score);
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

  /**
   * One page of a run's assignments (optionally of one segment), so a client never receives a whole
   * large run at once. Rows come in the dataset's row order, as in {@link forRun}.
   */
  async page(runId: string, options: { offset: number; limit: number; segmentKey?: number }) {
    const rows = await this.forRun(runId);
    const selected = options.segmentKey === undefined ? rows : rows.filter((r) => r.segmentKey === options.segmentKey);
    return { total: selected.length, offset: options.offset, limit: options.limit, rows: selected.slice(options.offset, options.offset + options.limit) };
  }

  /**
   * All assignments of a run with segment labels, in the dataset's row order, for export to other
   * tools. Read from the run's columnar artifact: a million rows in well under a second, where
   * reading them back through the ORM takes many seconds and gigabytes.
   */
  async forRun(runId: string): Promise<{ customerId: string; segmentKey: number; segmentLabel: string; score: number | null }[]> {
    const em = this.orm.em.fork();
    const run = await em.findOne(Run, { id: runId });
    if (!run?.assignmentsArtifactKey) throw new NotFoundError(`run '${runId}' has no assignments (it has not succeeded)`);
    const segments = await em.find(Segment, { run: runId });
    const label = new Map(segments.map((s) => [s.key, s.label]));
    const { ids, segment, score } = decodeAssignments(await this.artifacts.get(run.assignmentsArtifactKey));
    return ids.map((customerId, i) => ({
      customerId,
      segmentKey: segment[i],
      segmentLabel: label.get(segment[i]) ?? String(segment[i]),
      score: score ? score[i] : null,
    }));
  }
}
