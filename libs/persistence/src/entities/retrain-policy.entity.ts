import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Segmentation } from './segmentation.entity';

/** When a segmentation retrains itself (a new dataset version, or a cron schedule) and when the result is promoted. */
@Entity({ tableName: 'retrain_policy' })
export class RetrainPolicy {
  [OptionalProps]?: 'enabled' | 'createdAt';

  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Segmentation })
  segmentation!: Segmentation;

  /** `dataset`: on each new version of the segmentation's dataset; `cron`: on the schedule in `cron`. */
  @Property({ type: 'string', length: 16 })
  trigger!: 'dataset' | 'cron';

  /** Five-field cron expression, UTC (trigger `cron` only). */
  @Property({ type: 'string', length: 128, nullable: true })
  cron?: string | null;

  /** Promotion rule, e.g. `ari >= 0.8 and silhouette_drop <= 0.02`; otherwise the candidate is flagged. */
  @Property({ type: 'text' })
  rule!: string;

  /** Called with each outcome (promoted, flagged, failed), retried with backoff. */
  @Property({ type: 'string', length: 2000, nullable: true })
  webhookUrl?: string | null;

  @Property({ type: 'boolean', default: true })
  enabled = true;

  @Property({ type: 'string', length: 255 })
  createdBy!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  /** A deleted policy never fires and is not listed; its retrain history stays (its requests refer to it). */
  @Property({ type: 'datetime', nullable: true })
  deletedAt?: Date | null;

  @Property({ type: 'string', length: 255, nullable: true })
  deletedBy?: string | null;
}
