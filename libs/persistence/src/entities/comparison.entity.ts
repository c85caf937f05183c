import { randomUUID } from 'node:crypto';
import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Run } from './run.entity';

/** Lifecycle of a comparison: queued → running → succeeded | failed (stored as these strings). */
export enum ComparisonStatus {
  Queued = 'queued',
  Running = 'running',
  Succeeded = 'succeeded',
  Failed = 'failed',
}

/** The comparison of two runs, computed by a queued job; once succeeded it never changes. */
@Entity({ tableName: 'comparison' })
@Index({ properties: ['runA', 'runB'] })
export class Comparison {
  [OptionalProps]?: 'status' | 'attempts' | 'createdAt';

  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Run })
  runA!: Run;

  @ManyToOne({ entity: () => Run })
  runB!: Run;

  @Property({ type: 'string', length: 16, default: ComparisonStatus.Queued })
  status: ComparisonStatus = ComparisonStatus.Queued;

  @Property({ type: 'integer', default: 0 })
  attempts = 0;

  @Property({ type: 'text', nullable: true })
  error?: string | null;

  /** ARI, NMI, matched / only-in-A / only-in-B counts. */
  @Property({ type: 'json', nullable: true })
  metrics?: Record<string, unknown> | null;

  /** Migration matrix (counts and row %) with the segment labels of both sides. */
  @Property({ type: 'json', nullable: true })
  migration?: Record<string, unknown> | null;

  /** Segment matching (Hungarian on overlap) with KPI deltas per matched pair. */
  @Property({ type: 'json', nullable: true })
  matching?: Record<string, unknown> | null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  finishedAt?: Date | null;
}
