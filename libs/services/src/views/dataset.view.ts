import type { CsvPreview, TransactionColumnMapping } from '@workbench/data';
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

/**
 * The upload field (of `POST /datasets`) that names each role of a transactions mapping: the upload reads the
 * mapping from these fields and the preview answers with them, so what the preview shows can be sent back as is.
 */
export const UPLOAD_MAPPING_FIELDS = {
  customerId: 'customerIdColumn',
  timestamp: 'timestampColumn',
  amount: 'amountColumn',
  quantity: 'quantityColumn',
  unitPrice: 'unitPriceColumn',
  orderId: 'orderIdColumn',
} as const satisfies Record<keyof TransactionColumnMapping, string>;

type MappingField = (typeof UPLOAD_MAPPING_FIELDS)[keyof TransactionColumnMapping];

/** The transactions mapping named by an upload's fields (roles left out are detected). */
export function mappingOfUploadFields(
  fields: Partial<Record<MappingField, string>>,
): Partial<TransactionColumnMapping> {
  const mapping: Partial<TransactionColumnMapping> = {};
  for (const [role, field] of Object.entries(UPLOAD_MAPPING_FIELDS) as [keyof TransactionColumnMapping, MappingField][])
    if (fields[field]) mapping[role] = fields[field];
  return mapping;
}

/** What the ingest would make of one kind: the upload fields it would read the file with, or why it cannot. */
export interface PreviewLayoutView {
  /** Upload fields and their values (e.g. timestampColumn, dateFormat): send them with the upload, edited or not. */
  fields: Record<string, string> | null;
  problem: string | null;
}

/** `POST /datasets/preview`: the head of a file as the ingest would read it, before anything is stored. */
export interface DatasetPreviewView {
  columns: string[];
  rows: { line: number; fields: string[] }[];
  complete: boolean;
  kind: 'customers' | 'transactions' | 'table';
  transactions: PreviewLayoutView;
  customers: PreviewLayoutView;
}

export function datasetPreviewView(preview: CsvPreview): DatasetPreviewView {
  const { transactions: t, customers: c } = preview;
  const transactions: PreviewLayoutView =
    'problem' in t
      ? { fields: null, problem: t.problem }
      : {
          fields: {
            ...Object.fromEntries(
              Object.entries(t.mapping)
                .filter(([, column]) => column !== undefined)
                .map(([role, column]) => [UPLOAD_MAPPING_FIELDS[role as keyof TransactionColumnMapping], column]),
            ),
            dateFormat: t.dateFormat,
          },
          problem: null,
        };
  const customers: PreviewLayoutView =
    'problem' in c
      ? { fields: null, problem: c.problem }
      : {
          fields: {
            customerIdColumn: c.customerIdColumn,
            ...(c.revenueColumn ? { revenueColumn: c.revenueColumn } : {}),
          },
          problem: null,
        };
  return {
    columns: preview.columns,
    rows: preview.rows,
    complete: preview.complete,
    kind: preview.kind,
    transactions,
    customers,
  };
}
