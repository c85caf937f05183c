import { randomUUID } from 'node:crypto';
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Run } from './run.entity';

/**
 * One KPI measured for a run, overall (`segmentKey` null) or for one segment.
 * No unique (run, segmentKey, kpi): PostgreSQL 15 treats NULLs as distinct in unique indexes
 * unless `NULLS NOT DISTINCT`, which SQLite lacks, so the services enforce it.
 */
@Entity({ tableName: 'kpi_value' })
@Index({ properties: ['run', 'segmentKey', 'kpi'] })
export class KpiValue {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Run, deleteRule: 'cascade' })
  run!: Run;

  @Property({ type: 'integer', nullable: true })
  segmentKey: number | null = null;

  @Property({ type: 'string', length: 255 })
  kpi!: string;

  /** Null when the KPI is undefined for this segment (e.g. no rows). */
  @Property({ type: 'double', runtimeType: 'number', nullable: true })
  value: number | null = null;

  @Property({ type: 'string', length: 64 })
  unit!: string;

  @Property({ type: 'double', runtimeType: 'number', nullable: true })
  lowerBound?: number | null;

  @Property({ type: 'double', runtimeType: 'number', nullable: true })
  upperBound?: number | null;

  @Property({ type: 'integer', nullable: true })
  n?: number | null;

  @Property({ type: 'text', nullable: true })
  note?: string | null;

  /** How `lowerBound`/`upperBound` were computed (e.g. bootstrap percentile, Wilson). */
  @Property({ type: 'string', length: 255, nullable: true })
  intervalMethod?: string | null;

  /** Period the value covers, ISO dates: `{ start, end }`. */
  @Property({ type: 'json', nullable: true })
  window?: { start: string; end: string } | null;

  /**
   * Structured figures behind the value as the evaluator gave them (`KpiResult.details`): e.g. kpi-clv's fitted
   * parameters, log-likelihood, convergence and calibration-vs-holdout table. Null when it gave none.
   */
  @Property({ type: 'json', nullable: true })
  details?: Record<string, unknown> | null;

  /** The KPI evaluator (plugin name@version) that computed it; null for the host's own counts. */
  @Property({ type: 'string', length: 128, nullable: true })
  evaluator?: string | null;
}
