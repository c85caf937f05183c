import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { decodeAssignments } from '@workbench/engine';
import type { Assignments } from '@workbench/plugin-sdk';
import { Assignment, databaseKind, Run, RunStatus, Segment, type ArtifactStore } from '@workbench/persistence';
import { NotFoundError } from './errors';

/** Rows per INSERT statement on SQLite: 4 parameters a row keeps well under its 32,766-parameter limit. */
const BATCH = 4000;
/** Rows per statement on PostgreSQL, where each column travels as one array parameter. */
const PG_BATCH = 100_000;

/** A PostgreSQL array literal (`{"a","b"}`) of strings, quoted so any id survives. */
const textArray = (values: readonly string[]) => `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;

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
    await tx.nativeDelete(Assignment, { run: runId });
    const { segment, score } = assignments;
    if (databaseKind(this.orm) === 'postgresql') {
      // unnest() over array parameters: one statement per 100k rows instead of a row list per 4k.
      for (let start = 0; start < ids.length; start += PG_BATCH) {
        const end = Math.min(ids.length, start + PG_BATCH);
        const scores = score ? `{${Array.from(score.subarray(start, end), (v) => (Number.isNaN(v) ? 'NULL' : String(v))).join(',')}}` : null;
        await tx
          .getConnection()
          .execute(
            'insert into "assignment" ("run_id", "customer_id", "segment_key", "score") select ?, c, s, v from unnest(?::text[], ?::int[], ?::float8[]) as t(c, s, v)',
            [runId, textArray(ids.slice(start, end)), `{${segment.subarray(start, end).join(',')}}`, scores ?? `{${new Array(end - start).fill('NULL').join(',')}}`],
            'run',
            tx.getTransactionContext(),
          );
      }
      return;
    }
    // SQLite: plain multi-row INSERTs with bound parameters, past the ORM's per-row entity mapping, in
    // customer-id order so both indexes grow at their end instead of splitting pages all over the B-trees.
    const connection = tx.getConnection();
    const context = tx.getTransactionContext();
    const order = Int32Array.from(ids, (_, i) => i).sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
    for (let start = 0; start < ids.length; start += BATCH) {
      const end = Math.min(ids.length, start + BATCH);
      const params: unknown[] = [];
      for (let k = start; k < end; k++) {
        const i = order[k];
        params.push(runId, ids[i], segment[i], score && !Number.isNaN(score[i]) ? score[i] : null);
      }
      const values = new Array(end - start).fill('(?, ?, ?, ?)').join(', ');
      await connection.execute(`insert into \`assignment\` (\`run_id\`, \`customer_id\`, \`segment_key\`, \`score\`) values ${values}`, params, 'run', context);
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
    return ids.map((customerId, i) => ({ customerId, segmentKey: segment[i], segmentLabel: label.get(segment[i]) ?? String(segment[i]), score: score ? score[i] : null }));
  }
}
