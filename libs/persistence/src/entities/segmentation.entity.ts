import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Dataset } from './dataset.entity';

/** A named segmentation recipe (plugin, parameters, features) applied to a dataset; each execution is a {@link Run}. */
@Entity({ tableName: 'segmentation' })
export class Segmentation {
  [OptionalProps]?: 'createdAt' | 'nextVersion';

  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  @Property({ type: 'string', length: 255, unique: true })
  name!: string;

  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Property({ type: 'string', length: 255 })
  pluginName!: string;

  @Property({ type: 'json' })
  params!: Record<string, unknown>;

  @Property({ type: 'json' })
  features!: string[];

  /**
   * A label the host derives from transactions for predictors: `{ churnHorizonDays: 90 }` trains on
   * features as of 90 days before the data's last day, with `churned` = no purchase in those 90 days.
   */
  @Property({ type: 'json', nullable: true })
  target?: { churnHorizonDays: number } | null;

  /** Per-run limits of its plugins' sandbox, within the server's caps; absent fields take the defaults. */
  @Property({ type: 'json', nullable: true })
  limits?: { timeoutSeconds?: number; memoryMb?: number } | null;

  /** KPI evaluators run after each training: `[{ plugin: 'kpi-standard', params: {...} }]`. */
  @Property({ type: 'json', nullable: true })
  kpis?: { plugin: string; params?: Record<string, unknown> }[] | null;

  @ManyToOne({ entity: () => Dataset })
  dataset!: Dataset;

  /** Version number the next run will get; incremented under a transaction when a run is queued. */
  @Property({ type: 'integer', default: 1 })
  nextVersion = 1;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
