import { categorical, createFeatureFrame, numeric, type FeatureColumn, type FeatureFrame } from '@workbench/plugin-sdk';
import { parseCsv } from './csv';
import { IngestError, type IngestReport, type RowProblem } from './ingest-errors';
import { columnStats, type ColumnSchema, type ColumnStats } from './stats';

export interface CustomerIngestOptions {
  /** Source column holding the customer id; auto-detected from common names when absent. */
  customerIdColumn?: string;
  /**
   * The table has no id column: rows are identified by their line number and every column is data.
   * For extra tables such as marketing spend per channel and month.
   */
  rowIds?: boolean;
  /** Numeric column holding each customer's revenue (drives revenue shares); auto-detected from common names when absent. */
  revenueColumn?: string;
  /** `reject`: any bad row refuses the whole file. `skip`: bad rows are left out and reported. */
  policy?: 'reject' | 'skip';
  delimiter?: string;
  /** How many row problems the report keeps (all are counted). */
  maxProblems?: number;
}

export interface CustomerTable {
  frame: FeatureFrame;
  schema: ColumnSchema[];
  stats: ColumnStats[];
  report: IngestReport;
}

const ID_NAMES = ['customer_id', 'customerid', 'customer id', 'customer', 'id', 'client_id', 'user_id'];
const REVENUE_NAMES = ['monetary', 'revenue', 'total_revenue', 'sales', 'total_sales', 'spend', 'total_spend'];
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** `17850.0` → `17850`: spreadsheets export integer ids as floats. */
function normaliseId(raw: string): string {
  const id = raw.trim();
  return /^\d+\.0+$/.test(id) ? id.slice(0, id.indexOf('.')) : id;
}

/** Turns header names into feature names: `Annual Income (k$)` → `annual_income_k`. */
export function featureName(header: string): string {
  return (
    header
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'column'
  );
}

/**
 * Reads a customers table (one row per customer: an id and attributes) into a feature frame.
 * Columns whose every non-blank value is a number become numeric features (blank = missing);
 * the others become categorical. Row problems carry their line number.
 *
 * @throws IngestError when the file cannot be read, or when a row is bad under the `reject` policy.
 */
export function ingestCustomersCsv(text: string, options: CustomerIngestOptions = {}): CustomerTable {
  const policy = options.policy ?? 'reject';
  const maxProblems = options.maxProblems ?? 100;
  if (text.trim() === '') throw new IngestError('the file is empty');
  if (text.includes('\u0000')) throw new IngestError('the file is binary, not CSV text (it contains NUL bytes)');

  let records;
  try {
    records = parseCsv(text, options.delimiter ?? ',');
  } catch (e) {
    throw new IngestError((e as Error).message);
  }
  const [header, ...rows] = records;
  const headers = header.fields.map((h) => h.trim());
  if (headers.length < 2) {
    throw new IngestError(`the header has only one column ('${headers[0]}'); is the delimiter '${options.delimiter ?? ','}' right?`);
  }
  const idIndex = options.rowIds
    ? -1
    : options.customerIdColumn
      ? headers.indexOf(options.customerIdColumn)
      : headers.findIndex((h) => ID_NAMES.includes(h.toLowerCase()));
  if (idIndex < 0 && !options.rowIds) {
    throw new IngestError(
      options.customerIdColumn
        ? `the mapped customer id column '${options.customerIdColumn}' is not in the header (columns: ${headers.join(', ')})`
        : `no customer id column found (looked for ${ID_NAMES.join(', ')}); name it with the customerId mapping (columns: ${headers.join(', ')})`,
    );
  }
  if (options.revenueColumn && !headers.includes(options.revenueColumn)) {
    throw new IngestError(`the mapped revenue column '${options.revenueColumn}' is not in the header (columns: ${headers.join(', ')})`);
  }
  if (rows.length === 0) throw new IngestError('the file has a header but no data rows');

  const problems: RowProblem[] = [];
  let rejected = 0;
  const reject = (problem: RowProblem) => {
    rejected++;
    if (problems.length < maxProblems) problems.push(problem);
  };
  const seen = new Map<string, number>();
  const accepted: { line: number; fields: string[]; id: string }[] = [];
  for (const row of rows) {
    if (row.fields.length !== headers.length) {
      reject({ line: row.line, field: '(row)', message: `expected ${headers.length} fields, found ${row.fields.length}` });
      continue;
    }
    const id = options.rowIds ? String(row.line) : normaliseId(row.fields[idIndex]);
    if (id === '') {
      reject({ line: row.line, field: headers[idIndex], message: 'customer id is empty' });
      continue;
    }
    const first = seen.get(id);
    if (first !== undefined) {
      reject({ line: row.line, field: headers[idIndex], message: `duplicate customer id '${id}' (first on line ${first})` });
      continue;
    }
    seen.set(id, row.line);
    accepted.push({ line: row.line, fields: row.fields, id });
  }
  const report: IngestReport = { rowsRead: rows.length, rowsAccepted: accepted.length, rowsRejected: rejected, problems, policy };
  if (rejected > 0 && policy === 'reject') {
    const first = problems[0];
    throw new IngestError(`${rejected} of ${rows.length} rows are invalid (first: line ${first.line}, ${first.field}: ${first.message}); fix them or upload with the 'skip' policy`, report);
  }
  if (accepted.length === 0) throw new IngestError('no valid rows remain', report);

  const columns: Record<string, FeatureColumn> = {};
  const schema: ColumnSchema[] = [];
  headers.forEach((h, j) => {
    if (j === idIndex) return;
    let name = featureName(h);
    while (columns[name]) name = `${name}_${j}`;
    const values = accepted.map((r) => r.fields[j].trim());
    const isNumeric = values.some((v) => v !== '') && values.every((v) => v === '' || NUMBER.test(v));
    columns[name] = isNumeric ? numeric(values.map((v) => (v === '' ? Number.NaN : Number(v)))) : categorical(values);
    const isRevenue = options.revenueColumn ? h === options.revenueColumn : REVENUE_NAMES.includes(name);
    if (isRevenue && !isNumeric && options.revenueColumn) {
      throw new IngestError(`the mapped revenue column '${h}' is not numeric (first value: '${values.find((v) => !NUMBER.test(v))}')`);
    }
    schema.push({ name, source: h, type: isNumeric ? 'numeric' : 'categorical', ...(isRevenue && isNumeric ? { role: 'revenue' as const } : {}) });
  });
  // Only one column can be the revenue; with several candidates the first wins.
  schema.filter((c) => c.role === 'revenue').slice(1).forEach((c) => delete c.role);
  const frame = createFeatureFrame(
    accepted.map((r) => r.id),
    columns,
  );
  return { frame, schema, stats: schema.map((c) => columnStats(c.name, frame.columns[c.name])), report };
}
