import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { DatasetVersion } from './dataset-version.entity';
import { Segmentation } from './segmentation.entity';

export enum RunStatus {
  Queued = 'queued',
  Running = 'running',
  Succeeded = 'succeeded',
  Failed = 'failed',
  /** Stopped on request (POST /runs/:id/cancel) while queued or running; nothing of it is stored. */
  Cancelled = 'cancelled',
}

/** One execution of a {@link Segmentation} on a fixed {@link DatasetVersion}. */
@Entity({ tableName: 'run' })
@Unique({ properties: ['segmentation', 'version'] })
export class Run {
  [OptionalProps]?: 'status' | 'progress' | 'attempts' | 'queuedAt';

  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Segmentation })
  segmentation!: Segmentation;

  @Property({ type: 'integer' })
  version!: number;

  @ManyToOne({ entity: () => DatasetVersion })
  datasetVersion!: DatasetVersion;

  @Property({ type: 'string', length: 255 })
  pluginName!: string;

  @Property({ type: 'string', length: 64 })
  pluginVersion!: string;

  @Property({ type: 'json' })
  params!: Record<string, unknown>;

  @Property({ type: 'integer' })
  seed!: number;

  // A plain string column, not @Enum: MikroORM 6.6.16 misreads SQLite enum checks with more than two
  // items (only the first and last survive introspection), so the schema diff would never be empty.
  @Property({ type: 'string', length: 16, default: RunStatus.Queued })
  status: RunStatus = RunStatus.Queued;

  /** Fraction done, 0 to 1. */
  @Property({ type: 'double', runtimeType: 'number', default: 0 })
  progress = 0;

  @Property({ type: 'text', nullable: true })
  progressNote?: string | null;

  @Property({ type: 'integer', default: 0 })
  attempts = 0;

  @Property({ type: 'text', nullable: true })
  error?: string | null;

  @Property({ type: 'json', nullable: true })
  metrics?: Record<string, unknown> | null;

  @Property({ type: 'string', length: 128, nullable: true })
  modelArtifactKey?: string | null;

  @Property({ type: 'string', length: 128, nullable: true })
  assignmentsArtifactKey?: string | null;

  /** Compute backend that executed the run (e.g. `wasm`, `cpu`). */
  @Property({ type: 'string', length: 64, nullable: true })
  backend?: string | null;

  /** Which features the model saw: the feature set's name and version (e.g. `customer-columns/1`). */
  @Property({ type: 'string', length: 128, nullable: true })
  featureSet?: string | null;

  /** Version of the workbench that ran it. */
  @Property({ type: 'string', length: 32, nullable: true })
  workbenchVersion?: string | null;

  @Property({ type: 'datetime' })
  queuedAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  startedAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  finishedAt?: Date | null;

  /**
   * The process working on the run (`host:pid:random`) and when it last said so: another process
   * (a CLI beside an embedded server) leaves a run alone while its owner's heartbeat is fresh.
   */
  @Property({ type: 'string', length: 128, nullable: true })
  owner?: string | null;

  @Property({ type: 'datetime', nullable: true })
  heartbeatAt?: Date | null;
}
