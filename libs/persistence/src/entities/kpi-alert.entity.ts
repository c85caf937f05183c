import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Segmentation } from './segmentation.entity';

/**
 * A rule over a segment's KPI values (the promotion-rule language: `churn_rate > 0.3 and customers >= 100`),
 * checked for every segment after each successful run of its segmentation; a run with a breaching segment
 * fires it once (see {@link AlertFiring}).
 */
@Entity({ tableName: 'kpi_alert' })
export class KpiAlert {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Segmentation })
  segmentation!: Segmentation;

  /** The rule as written; it fires when the rule holds for a segment. */
  @Property({ type: 'text' })
  rule!: string;

  /** Called with each firing, retried like the retraining events' webhooks. */
  @Property({ type: 'text', nullable: true })
  webhookUrl?: string | null;

  @Property({ type: 'string', length: 255 })
  createdBy!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  /** A deleted alert never fires and is not listed; its firings and their events stay, with who deleted it and when. */
  @Property({ type: 'datetime', nullable: true })
  deletedAt?: Date | null;

  @Property({ type: 'string', length: 255, nullable: true })
  deletedBy?: string | null;
}
