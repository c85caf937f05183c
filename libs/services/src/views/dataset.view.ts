import type { ColumnSchemaEntry, Dataset, DatasetKind, DatasetVersion } from '@workbench/persistence';

/** A dataset as both the API and the CLI show it. */
export interface DatasetView {
  id: string;
  name: string;
  description: string | null;
  createdAt: Date;
}

/** One stored version of a dataset: what was ingested, its column schema, stats and ingest report. */
export interface DatasetVersionView {
  id: string;
  dataset: string;
  version: number;
  contentHash: string;
  kind: DatasetKind;
  table: string | null;
  rowCount: number;
  rejectedCount: number;
  schema: ColumnSchemaEntry[];
  stats: Record<string, unknown>;
  report: Record<string, unknown>;
  sourceName: string | null;
  createdAt: Date;
}

export interface DatasetDetailView extends DatasetView {
  versions: DatasetVersionView[];
}

/** What an upload or `workbench ingest` answers: the dataset, whether the content was new, and its version. */
export interface IngestView {
  dataset: { id: string; name: string };
  created: boolean;
  version: DatasetVersionView;
}

export function datasetView(d: Dataset): DatasetView {
  return { id: d.id, name: d.name, description: d.description ?? null, createdAt: d.createdAt };
}

export function datasetVersionView(v: DatasetVersion): DatasetVersionView {
  return {
    id: v.id,
    dataset: typeof v.dataset === 'object' ? v.dataset.id : v.dataset,
    version: v.version,
    contentHash: v.contentHash,
    kind: v.kind,
    table: v.tableName ?? null,
    rowCount: v.rowCount,
    rejectedCount: v.rejectedCount,
    schema: v.schema,
    stats: v.stats,
    report: v.report,
    sourceName: v.sourceName ?? null,
    createdAt: v.createdAt,
  };
}

export function datasetDetailView(d: Dataset, versions: readonly DatasetVersion[]): DatasetDetailView {
  return { ...datasetView(d), versions: versions.map(datasetVersionView) };
}

export function ingestView(result: { dataset: Dataset; created: boolean; version: DatasetVersion }): IngestView {
  return {
    dataset: { id: result.dataset.id, name: result.dataset.name },
    created: result.created,
    version: datasetVersionView(result.version),
  };
}
