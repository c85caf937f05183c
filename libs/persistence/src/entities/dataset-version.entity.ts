import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Dataset } from './dataset.entity';

/** `table`: an extra named table such as `marketing_spend` or `survey`, read by KPI evaluators. */
export const DATASET_KINDS = ['customers', 'transactions', 'table'] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];

/** One column of an ingested table, as stored in {@link DatasetVersion.schema}. */
export interface ColumnSchemaEntry {
  name: string;
  type: string;
}

/**
 * An immutable snapshot of a dataset. The rows themselves are a columnar file in the artifact
 * store (`artifactKey`); the database keeps only metadata, statistics and the ingest report.
 */
@Entity({ tableName: 'dataset_version' })
@Unique({ properties: ['dataset', 'version'] })
@Unique({ properties: ['dataset', 'contentHash'] })
export class DatasetVersion {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Dataset })
  dataset!: Dataset;

  @Property({ type: 'integer' })
  version!: number;

  @Property({ type: 'string', length: 128 })
  contentHash!: string;

  // A plain string column like Run.status (see there); DATASET_KINDS lists the values.
  @Property({ type: 'string', length: 16 })
  kind!: DatasetKind;

  /** Name of an extra table (kind `table`), e.g. `marketing_spend`; null for the other kinds. */
  @Property({ type: 'string', length: 64, nullable: true })
  tableName?: string | null;

  @Property({ type: 'integer' })
  rowCount!: number;

  @Property({ type: 'integer' })
  rejectedCount!: number;

  @Property({ type: 'json' })
  schema!: ColumnSchemaEntry[];

  @Property({ type: 'json' })
  stats!: Record<string, unknown>;

  @Property({ type: 'json' })
  report!: Record<string, unknown>;

  @Property({ type: 'string', length: 128 })
  artifactKey!: string;

  @Property({ type: 'string', length: 255, nullable: true })
  sourceName?: string | null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
