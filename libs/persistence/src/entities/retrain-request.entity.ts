import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { DatasetVersion } from './dataset-version.entity';
import { RetrainPolicy } from './retrain-policy.entity';
import { Run } from './run.entity';

/**
 * One retrain a policy decided to do. `triggerKey` names what caused it (`dataset:<version id>`,
 * `cron:<tick>`, `manual:<id>`); the unique key makes two triggers of the same cause one retrain.
 */
@Entity({ tableName: 'retrain_request' })
@Unique({ properties: ['policy', 'triggerKey'] })
export class RetrainRequest {
  [OptionalProps]?: 'status' | 'attempts' | 'createdAt';

  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  @ManyToOne({ entity: () => RetrainPolicy })
  policy!: RetrainPolicy;

  @Property({ type: 'string', length: 255 })
  triggerKey!: string;

  @ManyToOne({ entity: () => DatasetVersion })
  datasetVersion!: DatasetVersion;

  /** queued → training → promoted | flagged | failed */
  @Property({ type: 'string', length: 16, default: 'queued' })
  status: 'queued' | 'training' | 'promoted' | 'flagged' | 'failed' = 'queued';

  @ManyToOne({ entity: () => Run, nullable: true })
  run?: Run | null;

  @ManyToOne({ entity: () => Run, nullable: true })
  champion?: Run | null;

  /** Rule evaluation: metrics, each clause and whether it passed. */
  @Property({ type: 'json', nullable: true })
  outcome?: Record<string, unknown> | null;

  /** Drift report between the champion's data and the new data. */
  @Property({ type: 'json', nullable: true })
  drift?: Record<string, unknown> | null;

  @Property({ type: 'integer', default: 0 })
  attempts = 0;

  @Property({ type: 'text', nullable: true })
  error?: string | null;

  /**
   * A person's decision on a flagged candidate: `promoted` (the champion alias moved to its run, audited as
   * an alias move) or `rejected` (nothing moved). Set once; `status` keeps what the rule decided.
   */
  @Property({ type: 'string', length: 16, nullable: true })
  reviewDecision?: 'promoted' | 'rejected' | null;

  /** The API key name that decided, and when. */
  @Property({ type: 'string', length: 255, nullable: true })
  reviewedBy?: string | null;

  @Property({ type: 'datetime', nullable: true })
  reviewedAt?: Date | null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  finishedAt?: Date | null;

  /** The process working on it and its last heartbeat (as on {@link Run}). */
  @Property({ type: 'string', length: 128, nullable: true })
  owner?: string | null;

  @Property({ type: 'datetime', nullable: true })
  heartbeatAt?: Date | null;
}
