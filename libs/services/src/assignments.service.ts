import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { decodeAssignments } from '@workbench/engine';
import type { StringTable } from '@workbench/data';
import type { Assignments } from '@workbench/plugin-sdk';
import {
  Assignment,
  customerIdOrder,
  Run,
  RunStatus,
  Segment,
  writeAssignmentRows,
  type ArtifactStore,
} from '@workbench/persistence';
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
  private readonly cache = new Map<string, DecodedAssignments>();

  /** `maxCachedRows`: customers of decoded runs kept in memory (the least recently read run goes first). */
  constructor(
    private readonly orm: MikroORM,
    private readonly artifacts: ArtifactStore,
    private readonly maxCachedRows = 4_000_000,
  ) {}

  /**
   * Starts sorting `ids` into the order {@link write} stores their rows in (~1 s at 1M ids, with turns for the event
   * loop), so that it runs while a run's plugins work on their thread rather than after them. Sorted once per list.
   */
  prepare(ids: readonly string[]): void {
    void customerIdOrder(ids);
  }

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
    if (rows.length === 0)
      throw new NotFoundError(
        `customer '${customerId}' is in no finished run${segmentationId ? ' of that segmentation' : ''}`,
      );
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
   * large run at once. Rows come in the dataset's row order, as in {@link forRun}. The decoded run is
   * cached, so paging through a run of millions decodes its artifact once, not on every page.
   */
  async page(runId: string, options: { offset: number; limit: number; segmentKey?: number }): Promise<AssignmentsPage> {
    const run = await this.decoded(runId);
    const { offset, limit, segmentKey } = options;
    const n = run.ids.length;
    const rows: AssignmentRow[] = [];
    if (segmentKey === undefined) {
      for (let i = offset; i < Math.min(n, offset + limit); i++) rows.push(rowOf(run, i));
      return { total: n, offset, limit, rows };
    }
    let total = 0;
    for (let i = 0; i < n; i++) {
      if (run.segment[i] !== segmentKey) continue;
      if (total >= offset && rows.length < limit) rows.push(rowOf(run, i));
      total++;
    }
    return { total, offset, limit, rows };
  }

  /**
   * All assignments of a run with segment labels, in the dataset's row order, for export to other
   * tools. Read from the run's columnar artifact: a million rows in well under a second, where
   * reading them back through the ORM takes many seconds and gigabytes.
   */
  async forRun(runId: string): Promise<AssignmentRow[]> {
    const run = await this.decoded(runId);
    return run.ids.map((_, i) => rowOf(run, i));
  }

  /**
   * A finished run's assignments and segment labels, decoded once and kept in a bounded LRU by run id
   * (a run's artifact and segments never change once it has succeeded). Read through `em` when given (a
   * caller inside a transaction: SQLite has one connection).
   */
  async decoded(runId: string, em: EntityManager = this.orm.em.fork()): Promise<DecodedAssignments> {
    const cached = this.cache.get(runId);
    if (cached) {
      this.cache.delete(runId);
      this.cache.set(runId, cached);
      return cached;
    }
    const run = await em.findOne(Run, { id: runId });
    if (!run?.assignmentsArtifactKey)
      throw new NotFoundError(`run '${runId}' has no assignments (it has not succeeded)`);
    const segments = await em.find(Segment, { run: runId });
    // Assigned, not spread: the ids stay a getter, decoded into strings only when a caller reads them.
    const decoded: DecodedAssignments = Object.assign(
      decodeAssignments(await this.artifacts.get(run.assignmentsArtifactKey)),
      { labels: new Map(segments.map((s) => [s.key, s.label])) },
    );
    this.keep(runId, decoded);
    return decoded;
  }

  /**
   * Keeps the assignments a run has just stored (its results committed), as {@link decoded} would read them back
   * from its artifact: the comparison, alert or audience change that follows the run reads no artifact again.
   */
  remember(runId: string, assignments: DecodedAssignments): void {
    this.cache.delete(runId);
    this.keep(runId, assignments);
  }

  private keep(runId: string, assignments: DecodedAssignments): void {
    this.cache.set(runId, assignments);
    // Bounded by customers, not runs: one run of 10M weighs as much as ten of 1M (~60 bytes per customer).
    let rows = 0;
    for (const entry of this.cache.values()) rows += entry.idTable.length;
    for (const [id, entry] of this.cache) {
      if (rows <= this.maxCachedRows || this.cache.size === 1) break;
      this.cache.delete(id);
      rows -= entry.idTable.length;
    }
  }
}

export interface AssignmentRow {
  customerId: string;
  segmentKey: number;
  segmentLabel: string;
  score: number | null;
}

export interface AssignmentsPage {
  /** Rows in the run (or in the segment asked for). */
  total: number;
  offset: number;
  limit: number;
  rows: AssignmentRow[];
}

/** A run's assignments as stored (customer `ids[i]` is in segment `segment[i]`), with its segments' labels. */
export interface DecodedAssignments {
  ids: readonly string[];
  /** The same ids as stored (a binary string table), for joins on ids. */
  idTable: StringTable;
  segment: Int32Array;
  score?: Float64Array;
  labels: ReadonlyMap<number, string>;
}

function rowOf(run: DecodedAssignments, i: number): AssignmentRow {
  const key = run.segment[i];
  return {
    customerId: run.ids[i],
    segmentKey: key,
    segmentLabel: run.labels.get(key) ?? String(key),
    score: run.score ? run.score[i] : null,
  };
}
