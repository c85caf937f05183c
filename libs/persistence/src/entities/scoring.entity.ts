import { randomUUID } from 'node:crypto';
import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { DatasetVersion } from './dataset-version.entity';
import { Run } from './run.entity';

/** Lifecycle of a batch scoring: queued → running → succeeded | failed (stored as these strings). */
export enum ScoringStatus {
  Queued = 'queued',
  Running = 'running',
  Succeeded = 'succeeded',
  Failed = 'failed',
}

/**
 * A finished run's model applied to a dataset version without retraining, computed by a queued job.
 * The customer → segment (and score) rows live in the artifact store like a run's assignments; once
 * succeeded it never changes.
 */
@Entity({ tableName: 'scoring' })
@Index({ properties: ['run'] })
export class Scoring {
  [OptionalProps]?: 'status' | 'attempts' | 'createdAt';

  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  /** The run whose model scores. */
  @ManyToOne({ entity: () => Run })
  run!: Run;

  /** The data scored. */
  @ManyToOne({ entity: () => DatasetVersion })
  datasetVersion!: DatasetVersion;

  @Property({ type: 'string', length: 16, default: ScoringStatus.Queued })
  status: ScoringStatus = ScoringStatus.Queued;

  @Property({ type: 'integer', default: 0 })
  attempts = 0;

  @Property({ type: 'text', nullable: true })
  error?: string | null;

  /** The features scored, named as a run's (`rfm@1+bgnbd@1`, `customer-columns/1`). */
  @Property({ type: 'string', length: 128, nullable: true })
  featureSet?: string | null;

  /** Customers in the scored data, those given a segment, and those refused with a per-row error. */
  @Property({ type: 'integer', nullable: true })
  rowCount?: number | null;

  @Property({ type: 'integer', nullable: true })
  scoredCount?: number | null;

  @Property({ type: 'integer', nullable: true })
  errorCount?: number | null;

  /** Customers per segment of the run: `[{ key, label, count }]`. */
  @Property({ type: 'json', nullable: true })
  segmentCounts?: { key: number; label: string; count: number }[] | null;

  /** Customer → segment (−1 for a refused row) and score, encoded like a run's assignments. */
  @Property({ type: 'string', length: 128, nullable: true })
  resultArtifactKey?: string | null;

  /** The per-row errors as JSON `[{ row, customerId, message }]`. */
  @Property({ type: 'string', length: 128, nullable: true })
  errorsArtifactKey?: string | null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  startedAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  finishedAt?: Date | null;
}
