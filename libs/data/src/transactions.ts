import { statSync } from 'node:fs';
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
import { transactionIngestReport, type TransactionIngestReport } from './transaction-report';
import { RowIngest } from './transaction-rows';
import { asBytes, chunksOf, type TransactionSource } from './transaction-source';
import { transactionStats, type TransactionStats } from './transaction-stats';
import type { TransactionTable } from './transaction-table';

export interface TransactionIngestResult {
  table: TransactionTable;
  /** The mapping used (given or detected), with source header names. */
  mapping: TransactionColumnMapping;
  dateFormat: DateFormat;
  report: TransactionIngestReport;
  stats: TransactionStats;
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
  const policy = options.policy ?? 'reject';
  const delimiter = options.delimiter ?? ',';
  const chunks = chunksOf(source, options);
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
    head.push(chunk);
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
  if (estimatedRows) rows.columns.reserve(Math.ceil(estimatedRows * 1.1));
  try {
    rows.add(batch, dataFrom);
    options.onProgress?.({ bytes: totalBytes, rows: rows.rowsRead });
    // Orders per line in the head estimate the order dictionary (0.76 per line in a file of one-line orders, 0.04 in
    // Online Retail): sized once, it is not rehashed at every doubling of millions of ids.
    if (estimatedRows && batch.count > dataFrom)
      rows.orders.reserve(Math.ceil(Math.min(1, rows.orders.size / (batch.count - dataFrom)) * estimatedRows * 1.1));
    if (!done) {
      for (;;) {
        const chunk = await next();
        if (!chunk) break;
        rows.add(tokenizer.push(chunk), 0);
        options.onProgress?.({ bytes: totalBytes, rows: rows.rowsRead });
      }
      rows.add(tokenizer.end(), 0);
      options.onProgress?.({ bytes: totalBytes, rows: rows.rowsRead });
    }
  } catch (e) {
    if (e instanceof IngestError) throw e;
    throw new IngestError((e as Error).message);
  }

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
  const table = rows.table(resolved.index.quantity >= 0);
  return { table, mapping: resolved.mapping, dateFormat, report, stats: transactionStats(table) };
}

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
