import type { DatasetKind, DatasetPreview, DatasetVersion, RowProblem } from '../api/types';

/** The figures of a stored version as the datasets page shows them. */
export interface VersionFigures {
  read: number;
  kept: number;
  rejected: number;
  /** Customers in the version: its rows for a customers table, the distinct ids of transactions; null for an extra table. */
  customers: number | null;
  /** The ingest options it was read with, in the upload's words (policy skip, returns exclude, timestampColumn=…). */
  options: string[];
}

export function versionFigures(v: DatasetVersion): VersionFigures {
  const report = v.report;
  const customers =
    v.kind === 'customers'
      ? v.rowCount
      : v.kind === 'transactions' && typeof v.stats.customers === 'number'
        ? v.stats.customers
        : null;
  const options = [`policy ${report.policy}`];
  if (v.kind === 'transactions') {
    // What an option left out explains the gap between rows read and kept beside the rejected ones.
    const leftOut = (n: number | undefined) => (n ? ` (${n.toLocaleString('en-US')} left out)` : '');
    if (report.returns) options.push(`returns ${report.returns}${leftOut(report.returnsExcluded)}`);
    if (report.zeroAmounts) options.push(`zero amounts ${report.zeroAmounts}${leftOut(report.zeroAmountsExcluded)}`);
    for (const [role, column] of Object.entries(report.mapping ?? {}))
      options.push(`${MAPPING_FIELD_OF[role]}=${column}`);
    if (report.dateFormat) options.push(`dateFormat=${report.dateFormat}`);
  }
  if (v.kind === 'customers') {
    const revenue = v.schema.find((c) => c.role === 'revenue');
    if (revenue) options.push(`revenueColumn=${revenue.source ?? revenue.name}`);
  }
  if (v.kind === 'table' && v.table) options.push(`table=${v.table}`);
  return { read: report.rowsRead, kept: v.rowCount, rejected: v.rejectedCount, customers, options };
}

/** The upload field of each role of a transactions mapping (as in the API's UPLOAD_MAPPING_FIELDS). */
const MAPPING_FIELD_OF: Record<string, string> = {
  customerId: 'customerIdColumn',
  timestamp: 'timestampColumn',
  amount: 'amountColumn',
  quantity: 'quantityColumn',
  unitPrice: 'unitPriceColumn',
  orderId: 'orderIdColumn',
};

/** The column fields of each kind the upload form lets the user map, with their labels. */
export const MAPPING_FIELDS: Record<DatasetKind, { field: string; label: string }[]> = {
  transactions: [
    { field: 'customerIdColumn', label: 'Customer id' },
    { field: 'timestampColumn', label: 'Timestamp' },
    { field: 'amountColumn', label: 'Amount' },
    { field: 'quantityColumn', label: 'Quantity' },
    { field: 'unitPriceColumn', label: 'Unit price' },
    { field: 'orderIdColumn', label: 'Order id' },
  ],
  customers: [
    { field: 'customerIdColumn', label: 'Customer id' },
    { field: 'revenueColumn', label: 'Revenue' },
  ],
  table: [],
};

export const DATE_FORMATS = ['YYYY-MM-DD', 'YYYYMMDD', 'DD/MM/YYYY', 'MM/DD/YYYY'] as const;

/** What the user chose on the upload form; a field left out is the server's detection (or its default). */
export interface UploadChoices {
  name: string;
  /** Undefined: the kind the preview guessed. */
  kind?: DatasetKind;
  table?: string;
  policy: 'reject' | 'skip';
  returns: 'net' | 'exclude';
  delimiter: string;
  encoding: 'utf-8' | 'latin1' | 'windows-1252';
  /** Mapping fields and dateFormat the user set (each overrides the detected value). */
  edited: Record<string, string>;
}

/** The kind an upload will be stored as: the user's, else the preview's guess. */
export const kindOf = (choices: Pick<UploadChoices, 'kind'>, preview?: DatasetPreview): DatasetKind =>
  choices.kind ?? preview?.kind ?? 'customers';

/** The value a mapping field (or dateFormat) has on the form: the user's, else the one detected; '' for neither. */
export function mappedValue(
  field: string,
  kind: DatasetKind,
  choices: UploadChoices,
  preview?: DatasetPreview,
): string {
  if (field in choices.edited) return choices.edited[field];
  const layout = kind === 'transactions' ? preview?.transactions : kind === 'customers' ? preview?.customers : null;
  return layout?.fields?.[field] ?? '';
}

const readFields = (c: UploadChoices): [string, string][] => [
  ['delimiter', c.delimiter],
  ['encoding', c.encoding],
];

/**
 * The form fields of `POST /datasets/preview`: how to read the file, and the kind with what the user mapped so far
 * (the form fixes the kind when a mapping is edited: a mapping belongs to a kind).
 */
export function previewFields(choices: UploadChoices): [string, string][] {
  const fields = readFields(choices);
  const kind = choices.kind;
  if (!kind) return fields;
  fields.push(['kind', kind]);
  const allowed = new Set(MAPPING_FIELDS[kind].map((m) => m.field));
  if (kind === 'transactions') allowed.add('dateFormat');
  for (const [field, value] of Object.entries(choices.edited))
    if (value && allowed.has(field)) fields.push([field, value]);
  return fields;
}

/**
 * The form fields of `POST /datasets`: the name, the kind and the policy, how to read the file, and every mapping
 * field as the form shows it (detected or edited), so what was previewed is what is stored. Every problem is asked
 * for, so the report can be downloaded whole.
 */
export function uploadFields(choices: UploadChoices, preview?: DatasetPreview): [string, string][] {
  const kind = kindOf(choices, preview);
  const fields: [string, string][] = [
    ['name', choices.name],
    ['kind', kind],
    ['policy', choices.policy],
    ['problems', 'all'],
    ...readFields(choices),
  ];
  if (kind === 'table') fields.push(['table', choices.table ?? '']);
  if (kind === 'transactions') fields.push(['returns', choices.returns]);
  const mapped = kind === 'transactions' ? [...MAPPING_FIELDS[kind].map((m) => m.field), 'dateFormat'] : [];
  if (kind === 'customers') mapped.push(...MAPPING_FIELDS[kind].map((m) => m.field));
  for (const field of mapped) {
    const value = mappedValue(field, kind, choices, preview);
    if (value) fields.push([field, value]);
  }
  return fields;
}

/** A dataset name from a file name: `Online Retail (2011).csv` → `Online-Retail-2011` (the API's name rule). */
export function datasetNameOf(fileName: string): string {
  const base = fileName.replace(/\.[^.]*$/, '');
  return (
    base
      .replace(/[^a-zA-Z0-9_.-]+/g, '-')
      .replace(/^[^a-zA-Z0-9]+|-+$/g, '')
      .slice(0, 100) || 'dataset'
  );
}

const csvCell = (v: string | number) => (/[",\n\r]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

/** Every problem of a report as a CSV file (line, field, reason), as "Download all problems" saves it. */
export function problemsCsv(problems: readonly RowProblem[]): string {
  return (
    ['line,field,reason', ...problems.map((p) => [p.line, p.field, p.message].map(csvCell).join(','))].join('\n') + '\n'
  );
}
