import type { MikroORM } from '@mikro-orm/core';
import { referencedArtifactKeys, type ArtifactStore, type StoredArtifact } from '@workbench/persistence';

/** Default grace period: far longer than any run may take (its plugin time limit is capped in minutes). */
export const DEFAULT_ARTIFACT_GRACE_MS = 24 * 3600_000;

export interface CollectOptions {
  /** Artifacts stored (or stored again) more recently than this are kept even when nothing references them yet. */
  graceMs?: number;
  /** Count what would be removed, remove nothing. */
  dryRun?: boolean;
}

/** What one collection found and did. */
export interface CollectionReport {
  /** Artifacts in the store when it started. */
  artifacts: number;
  /** Of those, named by a row of the database. */
  referenced: number;
  /** Named by no row but stored within the grace period: a run or an ingest in flight may be about to reference them. */
  recent: number;
  /** Named by no row and older than the grace period: removed (or, on a dry run, to be removed). */
  removed: number;
  /** Content of puts that never finished (a process killed mid-put), last written before the grace period: removed. */
  unfinishedPuts: number;
  /** Of the artifacts and the unfinished puts removed. */
  bytesFreed: number;
  graceMs: number;
  dryRun: boolean;
}

/**
 * Removes artifact files no database row references: what a failed, cancelled or interrupted run wrote
 * before its results were to be recorded (its model, its assignments), or an ingest that failed after storing
 * its content; and what a process killed mid-put left written aside. A run or ingest in flight writes its
 * artifacts before the row that names them, so only artifacts older than the grace period are removed; storing
 * the same content again restarts it.
 */
export class ArtifactCollector {
  constructor(
    private readonly orm: MikroORM,
    private readonly artifacts: ArtifactStore,
  ) {}

  async collect(options: CollectOptions = {}): Promise<CollectionReport> {
    const graceMs = options.graceMs ?? DEFAULT_ARTIFACT_GRACE_MS;
    const dryRun = options.dryRun ?? false;
    const storedBefore = new Date(Date.now() - graceMs);
    // The store first, then the rows: a row committed meanwhile is seen, and an artifact stored meanwhile is not listed.
    const stored: StoredArtifact[] = [];
    for await (const artifact of this.artifacts.list()) stored.push(artifact);
    const referenced = await referencedArtifactKeys(this.orm.em.fork());
    const report: CollectionReport = {
      artifacts: stored.length,
      referenced: 0,
      recent: 0,
      removed: 0,
      unfinishedPuts: 0,
      bytesFreed: 0,
      graceMs,
      dryRun,
    };
    for (const artifact of stored) {
      if (referenced.has(artifact.key)) report.referenced++;
      else if (artifact.storedAt >= storedBefore) report.recent++;
      else {
        const freed = dryRun ? artifact.bytes : await this.artifacts.removeIfStoredBefore(artifact.key, storedBefore);
        if (dryRun || freed > 0) {
          report.removed++;
          report.bytesFreed += freed;
        } else report.recent++;
      }
    }
    const unfinished = await this.artifacts.removeUnfinishedPuts(storedBefore, dryRun);
    report.unfinishedPuts = unfinished.files;
    report.bytesFreed += unfinished.bytes;
    return report;
  }
}
