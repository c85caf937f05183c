import { randomUUID } from 'node:crypto';
import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** Something that happened which people or systems want to hear about: a retrain promoted, flagged or failed. */
@Entity({ tableName: 'workbench_event' })
@Index({ properties: ['createdAt'] })
export class WorkbenchEvent {
  [OptionalProps]?: 'createdAt' | 'webhookAttempts' | 'webhookStatus';

  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  /** `retrain.promoted`, `retrain.flagged` or `retrain.failed`. */
  @Property({ type: 'string', length: 64 })
  kind!: string;

  @Property({ type: 'string', length: 255 })
  segmentation!: string;

  @Property({ type: 'string', length: 36, nullable: true })
  policyId?: string | null;

  /** Retrain request id; one event per request and kind. */
  @Property({ type: 'string', length: 36, nullable: true, unique: true })
  requestId?: string | null;

  @Property({ type: 'string', length: 36, nullable: true })
  runId?: string | null;

  @Property({ type: 'text' })
  message!: string;

  @Property({ type: 'json' })
  details!: Record<string, unknown>;

  /** `none` (no webhook), `pending`, `delivered` or `failed`. */
  @Property({ type: 'string', length: 16, default: 'none' })
  webhookStatus = 'none';

  @Property({ type: 'integer', default: 0 })
  webhookAttempts = 0;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
