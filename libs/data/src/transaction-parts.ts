import { isSharedArrayBuffer } from 'node:util/types';
import type { Columns } from './column-builder';
import { CsvTokenizer } from './csv';
import { lineOfByte, Utf8Checker } from './encoding';
import type { DictionaryParts } from './id-dictionary';
import type { RowProblem } from './ingest-errors';
import type { TransactionIngestOptions } from './transaction-ingest-options';
import type { DateFormat } from './bytes';
import type { ResolvedMapping } from './transaction-mapping';
import { RowIngest, type RejectReason } from './transaction-rows';
import { fileChunks } from './transaction-source';

/**
 * A part of a file (a byte range starting at a record) read by another thread: its rows with indexes into its own
 * dictionaries, which the reader of the part before merges into its own (see {@link absorbPart}).
 */
export interface PartOutput extends Columns {
  /** The range ended at a record's end (false: it cut a record, e.g. a quoted newline; the split is unusable). */
  clean: boolean;
  /** The part's lines, counted from 1 at its first byte, plus one: the next part's first line relative to this one's. */
  nextLine: number;
  size: number;
  customers: DictionaryParts;
  orders: DictionaryParts;
  rowsRead: number;
  rejected: number;
  returnRows: number;
  returnsExcluded: number;
  zeroAmountRows: number;
  zeroAmountsExcluded: number;
  problems: RowProblem[];
  rejectedByReason: Partial<Record<RejectReason, number>>;
}

/** What a thread needs to read a part: the file, the range, and how the whole file is read (decided from its head). */
export interface PartJob {
  path: string;
  start: number;
  /** Exclusive; the file's size for the last part. */
  end: number;
  fileBytes: number;
  layout: { headers: readonly string[]; resolved: ResolvedMapping; dateFormat: DateFormat };
  options: TransactionIngestOptions;
  /** Rows to make room for (the head's rows per byte times the part's bytes). */
  estimatedRows: number;
  /** Distinct orders per row in the head, to size the order dictionary once. */
  ordersPerRow: number;
  /** Where to write the part's rows: views of the first part's shared columns (else the part has columns of its own). */
  columns?: Columns;
}

/**
 * Reads the rows of a byte range of a UTF-8 file that starts at a record (the caller checks that the previous
 * range ended clean). Any problem with the bytes themselves (bad UTF-8, an unclosed quote) throws: the caller then
 * reads the whole file on one thread, which reports it as it always does.
 */
export async function readPart(
  job: PartJob,
): Promise<{ rows: RowIngest; output: PartOutput; transfer: ArrayBuffer[] }> {
  const { headers, resolved, dateFormat } = job.layout;
  const rows = new RowIngest(headers, resolved, dateFormat, job.options);
  if (job.columns) rows.columns.adopt(job.columns);
  else rows.columns.reserve(Math.ceil(job.estimatedRows * 1.1));
  rows.orders.reserve(Math.ceil(job.ordersPerRow * job.estimatedRows * 1.1));
  const tokenizer = new CsvTokenizer(job.options.delimiter ?? ',');
  const utf8 = new Utf8Checker();
  const last = job.end >= job.fileBytes;
  for await (const chunk of fileChunks(job.path, job.options.chunkBytes ?? 1 << 20, job.start, job.end)) {
    utf8.check(chunk, (k) => lineOfByte(chunk, k, tokenizer.nextLine));
    rows.add(tokenizer.push(chunk, rows.plain), 0);
  }
  utf8.check(Buffer.alloc(0), () => tokenizer.nextLine, last);
  const clean = !tokenizer.pending;
  const nextLine = tokenizer.nextLine;
  if (last) rows.add(tokenizer.end(), 0);
  // Views of the columns and dictionaries as they are: their buffers are handed over, not copied (a copy is fresh
  // memory for every row, which costs more here than reading it); shared columns are the first part's already.
  const c = rows.columns;
  const n = c.size;
  const customers = rows.customers.parts();
  const orders = rows.orders.parts();
  const output: PartOutput = {
    clean: last || clean,
    nextLine,
    size: n,
    customer: c.customer.subarray(0, n),
    order: c.order.subarray(0, n),
    timestamp: c.timestamp.subarray(0, n),
    amount: c.amount.subarray(0, n),
    quantity: c.quantity.subarray(0, n),
    isReturn: c.isReturn.subarray(0, n),
    customers,
    orders,
    rowsRead: rows.rowsRead,
    rejected: rows.rejected,
    returnRows: rows.returnRows,
    returnsExcluded: rows.returnsExcluded,
    zeroAmountRows: rows.zeroAmountRows,
    zeroAmountsExcluded: rows.zeroAmountsExcluded,
    problems: rows.problems,
    rejectedByReason: rows.rejectedByReason,
  };
  const transfer = [
    output.customer,
    output.order,
    output.timestamp,
    output.amount,
    output.quantity,
    output.isReturn,
    customers.numbers,
    orders.numbers,
  ]
    .map((a) => a.buffer)
    .filter((b): b is ArrayBuffer => !isSharedArrayBuffer(b));
  return { rows, output, transfer };
}

/**
 * Appends a later part's rows to `rows` as if one thread had read on: its dictionaries merged into `rows`' (one
 * merge each, in the part's first-seen order, which keeps the whole file's first-seen order), its indexes mapped,
 * its counts added, its problems kept up to the limit with their lines moved by `lineOffset` (the lines before it).
 */
export function absorbPart(rows: RowIngest, part: PartOutput, lineOffset: number, maxProblems: number): void {
  const customerAt = rows.customers.merge(part.customers);
  const orderAt = rows.orders.merge(part.orders);
  const c = rows.columns;
  if (c.shared && isSharedArrayBuffer(part.customer.buffer)) {
    // The part's rows are in this thread's shared room already (the only shared columns), past these rows: moved
    // down to follow them, its indexes mapped on the way (row `from + i` is read before row `c.size + i` <= it is written).
    const from = part.customer.byteOffset / Int32Array.BYTES_PER_ELEMENT;
    c.useWhole();
    for (let i = 0, r = c.size; i < part.size; i++, r++) {
      c.customer[r] = customerAt[c.customer[from + i]];
      const o = c.order[from + i];
      c.order[r] = o < 0 ? o : orderAt[o];
    }
    for (const column of [c.timestamp, c.amount, c.quantity, c.isReturn])
      if (column.length > 0) column.copyWithin(c.size, from, from + part.size);
  } else {
    c.reserve(c.size + part.size);
    for (let i = 0, r = c.size; i < part.size; i++, r++) {
      c.customer[r] = customerAt[part.customer[i]];
      const o = part.order[i];
      c.order[r] = o < 0 ? o : orderAt[o];
    }
    c.timestamp.set(part.timestamp, c.size);
    c.amount.set(part.amount, c.size);
    if (c.hasQuantity) c.quantity.set(part.quantity, c.size);
    c.isReturn.set(part.isReturn, c.size);
  }
  c.size += part.size;
  rows.rowsRead += part.rowsRead;
  rows.rejected += part.rejected;
  rows.returnRows += part.returnRows;
  rows.returnsExcluded += part.returnsExcluded;
  rows.zeroAmountRows += part.zeroAmountRows;
  rows.zeroAmountsExcluded += part.zeroAmountsExcluded;
  for (const problem of part.problems) {
    if (rows.problems.length >= maxProblems) break;
    rows.problems.push({ ...problem, line: problem.line + lineOffset });
  }
  for (const [reason, count] of Object.entries(part.rejectedByReason) as [RejectReason, number][])
    rows.rejectedByReason[reason] = (rows.rejectedByReason[reason] ?? 0) + count;
}
