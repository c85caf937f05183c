import { categorical, createFeatureFrame, numeric, type FeatureColumn, type FeatureFrame } from '@workbench/plugin-sdk';
import { parseNumber } from './bytes';
import { parseCsv } from './csv';
import { decodeText, type TextEncodingName } from './encoding';
import { customerIdLengthProblem, IngestError, type IngestReport, type RowProblem } from './ingest-errors';
import { headerOf, NO_HEADER_HINT, numberHint } from './header';
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
  /** `false`: the file has no header line; name the columns with `columns`. Default true. */
  header?: boolean;
  /** Names of the columns, in order: required without a header; with one, they replace the file's names. */
  columns?: readonly string[];
  /** Of bytes given (not of a string). Default `utf-8`, checked: an invalid byte is an error naming its line and offset. */
  encoding?: TextEncodingName;
  /** Decimal separator of numbers. Default `.`. */
  decimal?: '.' | ',';
  /** Thousands separator of numbers (`1,234.5`); none by default. */
  thousands?: ',' | '.' | ' ' | "'";
  /** Strip a currency symbol (`$`, `£`, `€`) before or after numbers. Default false. */
  currency?: boolean;
}

export interface CustomerTable {
  frame: FeatureFrame;
  schema: ColumnSchema[];
  stats: ColumnStats[];
  report: IngestReport;
}

const ID_NAMES = ['customer_id', 'customerid', 'customer id', 'customer', 'id', 'client_id', 'user_id'];
const REVENUE_NAMES = ['monetary', 'revenue', 'total_revenue', 'sales', 'total_sales', 'spend', 'total_spend'];
/**
 * A column is numeric when more than half of its non-blank values are numbers; its other values are
 * then bad cells (a `£30` among prices), reported by line, column and value, never a silent switch of
 * the whole column to text. Below half, the column is text (codes, names).
 */
const NUMERIC_SHARE = 0.5;

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
 * The column of a customers table's header that holds the customer id: the one named by `customerIdColumn`,
 * else the first with a common id name. The ingest and the upload preview both use it.
 *
 * @throws IngestError naming the columns when there is none (or saying the first line looks like data).
 */
export function customerIdIndex(
  headers: readonly string[],
  options: Pick<CustomerIngestOptions, 'customerIdColumn' | 'header'>,
  delimiter: string,
): number {
  const idIndex = options.customerIdColumn
    ? headers.indexOf(options.customerIdColumn)
    : headers.findIndex((h) => ID_NAMES.includes(h.toLowerCase()));
  if (idIndex >= 0) return idIndex;
  const looksLikeData = (options.header ?? true) && headers.some((h) => /^\s*[+-]?\d+([.,]\d+)?\s*$/.test(h));
  throw new IngestError(
    options.customerIdColumn
      ? `the mapped customer id column '${options.customerIdColumn}' is not in the header (columns: ${headers.join(', ')})`
      : looksLikeData
        ? `the first line looks like data, not a header ('${headers.join(delimiter === 'whitespace' ? ' ' : delimiter)}'); ${NO_HEADER_HINT}`
        : `no customer id column found (looked for ${ID_NAMES.join(', ')}); name it with the customerId mapping (columns: ${headers.join(', ')})`,
  );
}

/** Whether column `header` is the revenue column: the one named by `revenueColumn`, else one with a common revenue name (a numeric one only, see ingestCustomersCsv). */
export function isRevenueCandidate(header: string, options: Pick<CustomerIngestOptions, 'revenueColumn'>): boolean {
  return options.revenueColumn ? header === options.revenueColumn : REVENUE_NAMES.includes(featureName(header));
}

/**
 * Reads a customers table (one row per customer: an id and attributes) into a feature frame.
 * Columns whose values are mostly numbers become numeric features (blank = missing; any other value is
 * a bad cell, see NUMERIC_SHARE); the others become categorical. Row problems carry their line number.
 * Bytes are decoded with `encoding` (UTF-8 by default, checked); a string is used as it is.
 *
 * @throws IngestError when the file cannot be read, or when a row is bad under the `reject` policy.
 */
export function ingestCustomersCsv(input: string | Uint8Array, options: CustomerIngestOptions = {}): CustomerTable {
  const policy = options.policy ?? 'reject';
  const maxProblems = options.maxProblems ?? 100;
  const delimiter = options.delimiter ?? ',';
  if (typeof input !== 'string' && input.subarray(0, 1024).includes(0))
    throw new IngestError('the file is binary, not CSV text (it contains NUL bytes)');
  const text = decodeText(input, options.encoding);
  if (text.trim() === '') throw new IngestError('the file is empty');
  if (text.includes('\u0000')) throw new IngestError('the file is binary, not CSV text (it contains NUL bytes)');

  let records;
  try {
    records = parseCsv(text, delimiter);
  } catch (e) {
    throw new IngestError((e as Error).message);
  }
  const { headers, dataFrom } = headerOf(records[0].fields, options.header ?? true, options.columns, delimiter);
  const rows = records.slice(dataFrom);
  const idIndex = options.rowIds ? -1 : customerIdIndex(headers, options, delimiter);
  if (options.revenueColumn && !headers.includes(options.revenueColumn)) {
    throw new IngestError(
      `the mapped revenue column '${options.revenueColumn}' is not in the header (columns: ${headers.join(', ')})`,
    );
  }
  if (rows.length === 0) throw new IngestError('the file has a header but no data rows');

  const problems: RowProblem[] = [];
  let rejected = 0;
  const reject = (problem: RowProblem) => {
    rejected++;
    if (problems.length < maxProblems) problems.push(problem);
  };
  const seen = new Map<string, number>();
  let accepted: { line: number; fields: string[]; id: string }[] = [];
  for (const row of rows) {
    if (row.fields.length !== headers.length) {
      reject({
        line: row.line,
        field: '(row)',
        message: `expected ${headers.length} fields, found ${row.fields.length}`,
      });
      continue;
    }
    const id = options.rowIds ? String(row.line) : normaliseId(row.fields[idIndex]);
    if (id === '') {
      reject({ line: row.line, field: headers[idIndex], message: 'customer id is empty' });
      continue;
    }
    const tooLong = customerIdLengthProblem(id);
    if (tooLong) {
      reject({ line: row.line, field: headers[idIndex], message: tooLong });
      continue;
    }
    const first = seen.get(id);
    if (first !== undefined) {
      reject({
        line: row.line,
        field: headers[idIndex],
        message: `duplicate customer id '${id}' (first on line ${first})`,
      });
      continue;
    }
    seen.set(id, row.line);
    accepted.push({ line: row.line, fields: row.fields, id });
  }

  // Column types, then the bad cells of numeric columns: each rejects its row, naming line, column and value.
  const decimal = options.decimal === ',' ? 44 : 46;
  const thousands = options.thousands ? options.thousands.charCodeAt(0) : -1;
  const toNumber = (v: string) => {
    const b = Buffer.from(v, 'utf8');
    return parseNumber(b, 0, b.length, decimal, thousands, options.currency === true);
  };
  const numbers = headers.map((_, j) =>
    j === idIndex ? null : accepted.map((r) => (r.fields[j].trim() === '' ? Number.NaN : toNumber(r.fields[j]))),
  );
  const isNumeric = headers.map((_, j) => {
    const parsed = numbers[j];
    if (!parsed) return false;
    let nonBlank = 0;
    let numeric = 0;
    parsed.forEach((v, i) => {
      if (accepted[i].fields[j].trim() !== '') nonBlank++;
      if (!Number.isNaN(v)) numeric++;
    });
    return numeric > 0 && numeric > nonBlank * NUMERIC_SHARE;
  });
  const badCells = new Map<number, RowProblem>();
  headers.forEach((h, j) => {
    const parsed = numbers[j];
    if (!isNumeric[j] || !parsed) return;
    const count = parsed.filter((v) => !Number.isNaN(v)).length;
    accepted.forEach((r, i) => {
      const raw = r.fields[j].trim();
      if (raw === '' || !Number.isNaN(parsed[i]) || badCells.has(i)) return;
      badCells.set(i, {
        line: r.line,
        field: h,
        message: `'${raw}' is not a number, in a numeric column (${count} of ${accepted.length} values are numbers)${numberHint(raw, options)}`,
      });
    });
  });
  if (badCells.size > 0) {
    [...badCells.values()].sort((a, b) => a.line - b.line).forEach(reject);
    problems.sort((a, b) => a.line - b.line);
    const kept = accepted.filter((_, i) => !badCells.has(i));
    const keptIndex = accepted.map((_, i) => i).filter((i) => !badCells.has(i));
    numbers.forEach((parsed, j) => parsed && (numbers[j] = keptIndex.map((i) => parsed[i])));
    accepted = kept;
  }
  const report: IngestReport = {
    rowsRead: rows.length,
    rowsAccepted: accepted.length,
    rowsRejected: rejected,
    problems,
    problemsOmitted: rejected - problems.length,
    policy,
  };
  if (rejected > 0 && policy === 'reject') {
    const first = problems[0];
    throw new IngestError(
      `${rejected} of ${rows.length} rows are invalid (first: line ${first.line}, ${first.field}: ${first.message}); fix them or upload with the 'skip' policy`,
      report,
    );
  }
  if (accepted.length === 0) throw new IngestError('no valid rows remain', report);

  const columns: Record<string, FeatureColumn> = {};
  const schema: ColumnSchema[] = [];
  headers.forEach((h, j) => {
    if (j === idIndex) return;
    let name = featureName(h);
    while (columns[name]) name = `${name}_${j}`;
    const parsed = numbers[j] as number[];
    columns[name] = isNumeric[j] ? numeric(parsed) : categorical(accepted.map((r) => r.fields[j].trim()));
    const isRevenue = isRevenueCandidate(h, options);
    if (isRevenue && !isNumeric[j] && options.revenueColumn) {
      throw new IngestError(
        `the mapped revenue column '${h}' is not numeric (first value: '${accepted.map((r) => r.fields[j].trim()).find((v) => v !== '' && Number.isNaN(toNumber(v)))}')`,
      );
    }
    schema.push({
      name,
      source: h,
      type: isNumeric[j] ? 'numeric' : 'categorical',
      ...(isRevenue && isNumeric[j] ? { role: 'revenue' as const } : {}),
    });
  });
  // Only one column can be the revenue; with several candidates the first wins.
  schema
    .filter((c) => c.role === 'revenue')
    .slice(1)
    .forEach((c) => delete c.role);
  const frame = createFeatureFrame(
    accepted.map((r) => r.id),
    columns,
  );
  return { frame, schema, stats: schema.map((c) => columnStats(c.name, frame.columns[c.name])), report };
}
