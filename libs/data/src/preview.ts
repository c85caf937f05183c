import type { DateFormat } from './bytes';
import { CsvTokenizer } from './csv';
import { customerIdIndex, isRevenueCandidate } from './customers';
import { firstInvalidUtf8, invalidUtf8Error, lineOfByte, singleByteToUtf8, type TextEncodingName } from './encoding';
import { headerOf } from './header';
import { IngestError } from './ingest-errors';
import type { TransactionIngestOptions } from './transaction-ingest-options';
import type { TransactionColumnMapping } from './transaction-mapping';
import { checkHead, checkHeadBatch, fieldsOf, HEAD_BYTES, transactionLayout } from './transactions';

export type UploadKind = 'customers' | 'transactions' | 'table';

/** How to read the head of a file: the options of an upload that bear on its columns. */
export interface CsvPreviewOptions extends Pick<
  TransactionIngestOptions,
  'mapping' | 'header' | 'columns' | 'delimiter' | 'dateFormat' | 'decimal' | 'thousands' | 'currency'
> {
  /** The kind the user chose; when absent, the preview guesses it. */
  kind?: UploadKind;
  encoding?: TextEncodingName;
  /** Customers: the id and revenue columns, when the user named them. */
  customerIdColumn?: string;
  revenueColumn?: string;
  /** How many data rows to return. Default 20. */
  rows?: number;
}

/** What the ingest would make of a file, read from its head before anything is stored. */
export interface CsvPreview {
  /** The column names (the header's, or those given with `columns`). */
  columns: string[];
  /** The first data rows of the file, with their line numbers. */
  rows: { line: number; fields: string[] }[];
  /** The head read was the whole file. */
  complete: boolean;
  /** The kind chosen, or the guess: transactions when a transactions layout is found, else customers when an id column is, else an extra table. */
  kind: UploadKind;
  /** As a transactions file: the mapping and date format the ingest would use, or why it cannot read the file. */
  transactions: { mapping: TransactionColumnMapping; dateFormat: DateFormat } | { problem: string };
  /** As a customers table: its id column and the revenue column by name (the ingest keeps it only if numeric), or why not. */
  customers: { customerIdColumn: string; revenueColumn: string | null } | { problem: string };
}

const problemOf = (e: unknown): { problem: string } => {
  if (e instanceof IngestError) return { problem: e.message };
  throw e;
};

/**
 * Reads the head of a CSV (at most {@link HEAD_BYTES}; `complete` when these bytes are the whole file) the
 * way the ingest reads it, with the ingest's own checks and detectors (`transactionLayout`, `customerIdIndex`):
 * columns, first rows, and the detected layout for each kind.
 *
 * @throws IngestError when the head cannot be read as a table at all (binary, empty, bad encoding, a header of one column, repeated names).
 */
export function previewCsv(input: Uint8Array, complete: boolean, options: CsvPreviewOptions = {}): CsvPreview {
  const delimiter = options.delimiter ?? ',';
  let head = Buffer.from(input.buffer, input.byteOffset, Math.min(input.byteLength, HEAD_BYTES));
  complete = complete && input.byteLength <= HEAD_BYTES;
  checkHead(head);
  const encoding = options.encoding ?? 'utf-8';
  if (encoding === 'utf-8') {
    // Only the complete lines are checked: the head may end inside a character.
    const checked = complete ? head : head.subarray(0, head.lastIndexOf(10) + 1);
    const at = firstInvalidUtf8(checked);
    if (at >= 0) throw invalidUtf8Error(lineOfByte(checked, at, 1), at, checked[at]);
  } else head = singleByteToUtf8(head, encoding);

  let batch;
  try {
    const tokenizer = new CsvTokenizer(delimiter);
    batch = complete ? tokenizer.end(head) : tokenizer.push(head);
  } catch (e) {
    throw new IngestError((e as Error).message);
  }
  checkHeadBatch(batch, complete);
  const { headers, dataFrom } = headerOf(fieldsOf(batch, 0), options.header ?? true, options.columns, delimiter);
  const rows: CsvPreview['rows'] = [];
  for (let r = dataFrom; r < batch.count && rows.length < (options.rows ?? 20); r++)
    rows.push({ line: batch.lines[r], fields: fieldsOf(batch, r) });

  let transactions: CsvPreview['transactions'];
  try {
    const layout = transactionLayout(batch, complete, { ...options, delimiter });
    transactions = { mapping: layout.resolved.mapping, dateFormat: layout.dateFormat };
  } catch (e) {
    transactions = problemOf(e);
  }
  let customers: CsvPreview['customers'];
  try {
    const id = customerIdIndex(headers, options, delimiter);
    customers = {
      customerIdColumn: headers[id],
      revenueColumn: headers.find((h, i) => i !== id && isRevenueCandidate(h, options)) ?? null,
    };
  } catch (e) {
    customers = problemOf(e);
  }
  const kind =
    options.kind ??
    ('mapping' in transactions ? 'transactions' : 'customerIdColumn' in customers ? 'customers' : 'table');
  return { columns: headers, rows, complete, kind, transactions, customers };
}
