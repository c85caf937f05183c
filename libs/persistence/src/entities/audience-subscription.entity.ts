import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Segmentation } from './segmentation.entity';

/**
 * A marketing tool's subscription to a segmentation's audiences: when a new version of it succeeds, each
 * segment's membership changes against the previous version's matched segment (customers entered, left)
 * are posted to the webhook in parts of at most `chunkSize` ids, retried like the other webhooks.
 */
@Entity({ tableName: 'audience_subscription' })
export class AudienceSubscription {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Segmentation })
  segmentation!: Segmentation;

  @Property({ type: 'text' })
  webhookUrl!: string;

  /** At most this many customer ids (entered and left together) per webhook call. */
  @Property({ type: 'integer' })
  chunkSize!: number;

  @Property({ type: 'string', length: 255 })
  createdBy!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  /** A deleted subscription gets no more changes and is not listed; its past events stay, with who deleted it and when. */
  @Property({ type: 'datetime', nullable: true })
  deletedAt?: Date | null;

  @Property({ type: 'string', length: 255, nullable: true })
  deletedBy?: string | null;
}
