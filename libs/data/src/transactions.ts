import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { DateFormat } from './bytes';
import { CsvTokenizer, fieldText, type CsvBatch } from './csv';
import { lineOfByte, singleByteToUtf8, Utf8Checker } from './encoding';
import { headerOf, NO_HEADER_HINT } from './header';
import { IngestError } from './ingest-errors';
import type { TransactionIngestOptions } from './transaction-ingest-options';
import {
  detectDateFormat,
  resolveTransactionMapping,
  type ResolvedMapping,
  type TransactionColumnMapping,
} from './transaction-mapping';
import type { ColumnBuilder } from './column-builder';
import { transactionIngestReport, type TransactionIngestReport } from './transaction-report';
import { absorbPart, type PartJob, type PartOutput } from './transaction-parts';
import { RowIngest } from './transaction-rows';
import { startAnsweringThread } from './thread-entry';
import { asBytes, chunksOf, type TransactionSource } from './transaction-source';
import type { TransactionTable } from './transaction-table';

export interface TransactionIngestResult {
  table: TransactionTable;
  /** The mapping used (given or detected), with source header names. */
  mapping: TransactionColumnMapping;
  dateFormat: DateFormat;
  report: TransactionIngestReport;
  /** Threads that read the file (1, or one per part when it was read in parts): the rest is the same either way. */
  parts: number;
}

/** How much of a file decides its header, mapping and date format (and what the upload preview reads). */
export const HEAD_BYTES = 64 * 1024;
const DATE_SAMPLES = 1000;

/**
 * Reads a transactions file as a stream into typed columns, validating every row.
 * Bytes are tokenized in place; numbers, integer ids and dates are parsed from the bytes.
 *
 * @example
 * const { table, report } = await ingestTransactions('online_retail.csv', { policy: 'skip', returns: 'net' });
 *
 * @throws IngestError when the file cannot be read (empty, binary, too large, wrong delimiter, no
 * header, a mapped column missing, undetectable dates), or when a row is bad under the `reject` policy.
 */
export async function ingestTransactions(
  source: TransactionSource,
  options: TransactionIngestOptions = {},
): Promise<TransactionIngestResult> {
  // One "now" for every thread: whether a date is in the future does not depend on which thread reads its row.
  const fixed = { ...options, now: options.now ?? new Date() };
  const plan = typeof source === 'string' ? partPlan(source, fixed) : null;
  if (plan) {
    const read = await readInParts(source as string, fixed, plan);
    if (read) return finish(read, fixed, plan.splits.length + 1);
    // A split cut a record (a quoted newline), or a later part has a problem with its bytes: one thread reads the
    // whole file, which is what reading in parts must equal anyway (and it reports the problem where it is).
  }
  return finish(await readFirstPart(source, fixed), fixed, 1);
}

/** What the reader of a file's first part (or of the whole file) hands on. */
interface FirstPart {
  rows: RowIngest;
  resolved: ResolvedMapping;
  dateFormat: DateFormat;
  /** The line of the part's next byte: where the next part's lines start. */
  nextLine: number;
  /** The part ended inside a record: the split after it is unusable. */
  cut: boolean;
}

/** The report, the checks of the policy, and the table, from all the rows read. */
function finish(read: FirstPart, options: TransactionIngestOptions, parts: number): TransactionIngestResult {
  const { rows, resolved, dateFormat } = read;
  const policy = options.policy ?? 'reject';
  const report = transactionIngestReport(rows, options);
  if (rows.rowsRead === 0) throw new IngestError('the file has a header but no data rows', report);
  if (rows.rejected > 0 && policy === 'reject') {
    const first = rows.problems[0];
    throw new IngestError(
      `${rows.rejected} of ${rows.rowsRead} rows are invalid (first: line ${first.line}, ${first.field}: ${first.message}); fix them or ingest with the 'skip' policy`,
      report,
    );
  }
  if (rows.columns.size === 0) throw new IngestError('no valid rows remain', report);
  const table = rows.table();
  return { table, mapping: resolved.mapping, dateFormat, report, parts };
}

/** Where a file is split for reading on several threads: after the first newline past each share of its bytes. */
interface PartPlan {
  fileBytes: number;
  /** Part k is [splits[k - 1], splits[k]) (0 and the file size at the ends). */
  splits: number[];
}

/** A file's share per thread below this is read on one thread: starting a thread costs more than it saves. */
const DEFAULT_PARALLEL_MIN_BYTES = 16 << 20;

function partPlan(path: string, options: TransactionIngestOptions): PartPlan | null {
  if ((options.encoding ?? 'utf-8') !== 'utf-8' || options.delimiter === 'whitespace') return null;
  let fileBytes: number;
  try {
    fileBytes = statSync(path).size;
  } catch {
    return null; // the one-thread reader words the error
  }
  if (options.maxBytes !== undefined && fileBytes > options.maxBytes) return null;
  const threads =
    options.threads ?? (fileBytes / 2 >= DEFAULT_PARALLEL_MIN_BYTES ? Math.min(2, availableParallelism()) : 1);
  if (!(threads > 1)) return null;
  // Each part starts past the first part's head (which the first thread reads whole before any other starts).
  const minimum = 2 * Math.max(HEAD_BYTES, options.chunkBytes ?? 1 << 20);
  const splits: number[] = [];
  const fd = openSync(path, 'r');
  try {
    const window = Buffer.alloc(64 * 1024);
    for (let k = 1; k < threads; k++) {
      const from = Math.floor((fileBytes * k) / threads);
      if (from < minimum || from - (splits.at(-1) ?? 0) < minimum) return null;
      const read = readSync(fd, window, 0, window.length, from);
      const newline = window.subarray(0, read).indexOf(0x0a);
      // No newline near the share's end (lines that long), or a part that would start with what looks like a byte
      // order mark (a thread starting there would skip it): one thread.
      if (newline < 0) return null;
      const split = from + newline + 1;
      if (split >= fileBytes) return null;
      const next = Buffer.alloc(3);
      readSync(fd, next, 0, 3, split);
      if (next[0] === 0xef && next[1] === 0xbb && next[2] === 0xbf) return null;
      splits.push(split);
    }
  } finally {
    closeSync(fd);
  }
  return { fileBytes, splits };
}

/**
 * Reads a file in parts: the first on this thread, the others on worker threads started as soon as the head has
 * decided how the file is read; then one merge of each part's dictionaries. Null when a split cut a record or a
 * later part failed: the caller reads the file on one thread.
 */
async function readInParts(path: string, options: TransactionIngestOptions, plan: PartPlan): Promise<FirstPart | null> {
  // The threads start now and load their code while this one reads the head; each gets its part once the head has
  // decided how the file is read.
  const workers = plan.splits.map(() => {
    const { worker, answer } = startAnsweringThread<{ output?: PartOutput; error?: string }>(
      __dirname,
      'ingest-part.thread',
    );
    return { worker, result: answer.then((m) => m?.output ?? null) };
  });
  try {
    const first = await readFirstPart(path, options, plan.splits[0], (layout, rowsPerByte, ordersPerRow, columns) => {
      // Each part's rows go to the room of the shared columns in proportion to its bytes, as the first part's do.
      const roomRows = (byte: number) => Math.ceil((columns.sharedRoom * byte) / plan.fileBytes);
      plan.splits.forEach((start, k) => {
        const end = plan.splits[k + 1] ?? plan.fileBytes;
        const job: PartJob = {
          path,
          start,
          end,
          fileBytes: plan.fileBytes,
          layout: { headers: layout.headers, resolved: layout.resolved, dateFormat: layout.dateFormat },
          options: rowOptions(options),
          estimatedRows: rowsPerByte * (end - start),
          ordersPerRow,
          columns: columns.shared ? columns.roomAt(roomRows(start), roomRows(end)) : undefined,
        };
        workers[k].worker.postMessage(job);
      });
    });
    if (first.cut) return null;
    // While another thread still reads, this one makes the room of their rows ready, a slice at a time (a slice of
    // a quarter of a million rows or ids takes a few hundredths of a second): once they are done, touching ahead
    // would only delay them.
    // Shared columns need none: the other threads write their rows in place (this part's rows left them only if
    // they outgrew their room). Then the string tables of this part's order and customer ids are written (the tables
    // of all go on from there) and the room of the others' ids touched.
    let reading = true;
    void Promise.all(workers.map(({ result }) => result)).then(() => (reading = false));
    const yieldToMessages = () => new Promise((resolve) => setImmediate(resolve));
    while (reading && !first.rows.columns.shared && first.rows.columns.touchRoom(1 << 18)) await yieldToMessages();
    while (reading && first.rows.orders.tableAhead(1 << 18)) await yieldToMessages();
    while (reading && first.rows.customers.tableAhead(1 << 18)) await yieldToMessages();
    let lineOffset = first.nextLine - 1;
    for (const { result } of workers) {
      const part = await result;
      if (!part) return null;
      absorbPart(first.rows, part, lineOffset, options.maxProblems ?? 100);
      if (!part.clean) return null;
      lineOffset += part.nextLine - 1;
    }
    // Progress went as far as the first part (its bytes and rows); the other parts are done now.
    options.onProgress?.({ bytes: plan.fileBytes, rows: first.rows.rowsRead });
    return first;
  } finally {
    for (const { worker } of workers) void worker.terminate();
  }
}

/** The options that decide how rows are read, alone: a caller's request may hold more (a stream, callbacks) than a thread can be sent. */
function rowOptions(o: TransactionIngestOptions): TransactionIngestOptions {
  return {
    mapping: o.mapping,
    header: o.header,
    columns: o.columns,
    encoding: o.encoding,
    thousands: o.thousands,
    currency: o.currency,
    zeroAmounts: o.zeroAmounts,
    delimiter: o.delimiter,
    decimal: o.decimal,
    dateFormat: o.dateFormat,
    returns: o.returns,
    cancellationPrefix: o.cancellationPrefix,
    policy: o.policy,
    maxProblems: o.maxProblems,
    now: o.now,
    chunkBytes: o.chunkBytes,
  };
}

/**
 * Reads a file (or its first part, up to byte `end`) on this thread: the head decides header, mapping and date
 * format (then `onLayout` may start the readers of the other parts), then every row is validated.
 */
async function readFirstPart(
  source: TransactionSource,
  options: TransactionIngestOptions,
  end?: number,
  onLayout?: OnLayout,
): Promise<FirstPart> {
  const chunks = chunksOf(source, options, end);
  try {
    return await readChunks(source, chunks, options, end, onLayout);
  } finally {
    // A file left early (a bad row under 'reject', a bad byte) is closed now, not when collected.
    if (typeof source === 'string') await chunks.return?.();
  }
}

async function readChunks(
  source: TransactionSource,
  chunks: AsyncIterator<Uint8Array | string>,
  options: TransactionIngestOptions,
  end?: number,
  onLayout?: OnLayout,
): Promise<FirstPart> {
  const delimiter = options.delimiter ?? ',';
  const encoding = options.encoding ?? 'utf-8';
  const utf8 = encoding === 'utf-8' ? new Utf8Checker() : null;
  let tokenizer: CsvTokenizer | null = null;

  // Read a head of the file first: it decides header, mapping and date format before any row is stored.
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let done = false;
  let totalBytes = 0;
  const next = async (): Promise<Uint8Array | null> => {
    const result = await chunks.next();
    if (result.done) {
      utf8?.check(
        Buffer.alloc(0),
        () => (tokenizer ? tokenizer.nextLine : lineOfByte(Buffer.concat(head), headBytes, 1)),
        true,
      );
      return null;
    }
    const bytes = asBytes(result.value);
    totalBytes += bytes.length;
    if (options.maxBytes !== undefined && totalBytes > options.maxBytes) {
      throw new IngestError(`the file is over the size limit of ${options.maxBytes} bytes`);
    }
    // Before the encoding is checked: a binary file is called binary, not badly encoded text.
    if (
      totalBytes === bytes.length &&
      Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024)).includes(0)
    ) {
      throw new IngestError('the file is binary, not CSV text (it contains NUL bytes)');
    }
    if (!utf8) return singleByteToUtf8(bytes, encoding as 'latin1' | 'windows-1252');
    // The line of a bad byte: the lines before this chunk (the head's, or the tokenizer's) plus those before the byte.
    utf8.check(bytes, (k) =>
      lineOfByte(bytes, k, tokenizer ? tokenizer.nextLine : lineOfByte(Buffer.concat(head), headBytes, 1)),
    );
    return bytes;
  };
  while (headBytes < HEAD_BYTES) {
    const chunk = await next();
    if (!chunk) {
      done = true;
      break;
    }
    head.push(Buffer.from(chunk)); // a copy: a file's next chunk is read into the same buffer
    headBytes += chunk.length;
  }
  const headBuffer = Buffer.concat(head);
  checkHead(headBuffer);

  tokenizer = new CsvTokenizer(delimiter);
  let batch: CsvBatch;
  try {
    batch = done ? tokenizer.end(headBuffer) : tokenizer.push(headBuffer);
  } catch (e) {
    throw new IngestError((e as Error).message);
  }
  checkHeadBatch(batch, done);
  // A file's size and its head's bytes per line estimate its rows: reserve them (+10%) up front.
  const fileBytes = typeof source === 'string' ? statSync(source).size : 0;

  const { headers, resolved, dateFormat, dataFrom } = transactionLayout(batch, done, options);

  const rows = new RowIngest(headers, resolved, dateFormat, options);
  const estimatedRows = fileBytes > headBuffer.length ? (fileBytes / headBuffer.length) * batch.count : 0;
  if (estimatedRows && end !== undefined && onLayout) {
    // The first part of a file read in parts: room for all the file's rows, the other parts' threads writing theirs
    // in place; this part's room in proportion to its bytes.
    const room = Math.ceil(estimatedRows * 1.1);
    rows.columns.reserveShared(room, Math.ceil((room * end) / fileBytes));
  } else if (estimatedRows) rows.columns.reserve(Math.ceil(estimatedRows * 1.1));
  try {
    rows.add(batch, dataFrom);
    options.onProgress?.({ bytes: totalBytes, rows: rows.rowsRead });
    // Orders per line in the head estimate the order dictionary (0.76 per line in a file of one-line orders, 0.04 in
    // Online Retail): sized once, it is not rehashed at every doubling of millions of ids.
    const ordersPerRow = batch.count > dataFrom ? Math.min(1, rows.orders.size / (batch.count - dataFrom)) : 0;
    // The other parts' threads start before this one reserves its order dictionary: its room is written when reserved
    // (a tenth of a second for 8M orders), which they need not wait for.
    onLayout?.(
      { headers, resolved, dateFormat, dataFrom },
      batch.count / headBuffer.length,
      ordersPerRow,
      rows.columns,
    );
    if (estimatedRows) rows.orders.reserve(Math.ceil(ordersPerRow * estimatedRows * 1.1));
    if (!done) {
      for (;;) {
        const chunk = await next();
        if (!chunk) break;
        rows.add(tokenizer.push(chunk, rows.plain), 0);
        options.onProgress?.({ bytes: totalBytes, rows: rows.rowsRead });
      }
      // The end of a first part is not the end of the file: a record it leaves open means the split is unusable.
      if (end !== undefined)
        return { rows, resolved, dateFormat, nextLine: tokenizer.nextLine, cut: tokenizer.pending };
      rows.add(tokenizer.end(), 0);
      options.onProgress?.({ bytes: totalBytes, rows: rows.rowsRead });
    }
  } catch (e) {
    if (e instanceof IngestError) throw e;
    throw new IngestError((e as Error).message);
  }
  return { rows, resolved, dateFormat, nextLine: tokenizer.nextLine, cut: false };
}

/**
 * Called once the head has decided how a file is read (then the other parts' threads can start): the head's rows per
 * byte and distinct orders per row, and the first part's columns (shared: the other parts' rows go in their room).
 */
type OnLayout = (layout: TransactionLayout, rowsPerByte: number, ordersPerRow: number, columns: ColumnBuilder) => void;

/** Refuses a head of a file that is binary or blank; what every reader of a CSV's head checks first. */
export function checkHead(head: Buffer): void {
  if (head.subarray(0, 1024).includes(0))
    throw new IngestError('the file is binary, not CSV text (it contains NUL bytes)');
  if (
    head
      .toString('utf8', 0, Math.min(head.length, 4096))
      .replace(/^\ufeff/, '')
      .trim() === ''
  ) {
    throw new IngestError('the file is empty');
  }
}

/** Refuses a tokenized head without a complete line (`complete`: the head is the whole file). */
export function checkHeadBatch(batch: CsvBatch, complete: boolean): void {
  if (batch.count === 0 && !complete)
    throw new IngestError(`no complete line in the first ${HEAD_BYTES / 1024} KB; is this a delimited text file?`);
  if (batch.count === 0) throw new IngestError('the file is empty');
}

/** How a transactions file is read, as decided from its head: its column names, the mapping and the date format. */
export interface TransactionLayout {
  headers: string[];
  /** Index of the first data record of the head (1 with a header line). */
  dataFrom: number;
  resolved: ResolvedMapping;
  dateFormat: DateFormat;
}

/**
 * Decides header, column mapping and date format from the head of a transactions file (the first
 * {@link HEAD_BYTES} tokenized; `complete` when that is the whole file). The ingest and the upload
 * preview both call this, so what the preview shows is what the ingest will use.
 *
 * @throws IngestError when the header, the mapping or the dates cannot be read.
 */
export function transactionLayout(
  batch: CsvBatch,
  complete: boolean,
  options: TransactionIngestOptions,
): TransactionLayout {
  const delimiter = options.delimiter ?? ',';
  const hasHeader = options.header ?? true;
  const firstLine = fieldsOf(batch, 0);
  const { headers, dataFrom } = headerOf(firstLine, hasHeader, options.columns, delimiter);
  let resolved: ResolvedMapping;
  try {
    resolved = resolveTransactionMapping(headers, options.mapping);
  } catch (e) {
    if (hasHeader && e instanceof IngestError && looksLikeData(headers)) {
      throw new IngestError(
        `the first line looks like data, not a header ('${firstLine.join(delimiter === 'whitespace' ? ' ' : delimiter)}'); ${NO_HEADER_HINT}`,
      );
    }
    throw e;
  }
  if (complete && batch.count <= dataFrom) throw new IngestError('the file has a header but no data rows');
  let dateFormat: DateFormat;
  if (options.dateFormat && options.dateFormat !== 'auto') dateFormat = options.dateFormat;
  else {
    const samples: string[] = [];
    const lines: number[] = [];
    const ti = resolved.index.timestamp;
    for (let r = dataFrom; r < batch.count && samples.length < DATE_SAMPLES; r++) {
      const f = batch.fieldIndex[r] + ti;
      if (f < batch.fieldIndex[r + 1]) {
        samples.push(fieldText(batch, f));
        lines.push(batch.lines[r]);
      }
    }
    dateFormat = detectDateFormat(headers[ti], samples, lines);
  }
  return { headers, dataFrom, resolved, dateFormat };
}

export function fieldsOf(batch: CsvBatch, r: number): string[] {
  const out: string[] = [];
  for (let f = batch.fieldIndex[r]; f < batch.fieldIndex[r + 1]; f++) out.push(fieldText(batch, f));
  return out;
}

const DATA_LIKE = /^\s*([+-]?\d+([.,]\d+)?|\d{4}-\d{2}-\d{2}.*|\d{1,2}\/\d{1,2}\/\d{4}.*)\s*$/;

function looksLikeData(headers: readonly string[]): boolean {
  return headers.some((h) => DATA_LIKE.test(h));
}
