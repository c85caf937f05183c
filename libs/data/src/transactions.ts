import { createReadStream, statSync } from 'node:fs';
import { dayOf, parseDate, parseIntegerId, parseNumber, trimEnd, trimStart, type DateFormat } from './bytes';
import { CsvTokenizer, fieldText, type CsvBatch, type CsvDelimiter } from './csv';
import { lineOfByte, singleByteToUtf8, Utf8Checker, type TextEncodingName } from './encoding';
import { headerOf, NO_HEADER_HINT, numberHint } from './header';
import { IngestError, type IngestReport, type RowProblem } from './ingest-errors';
import { columnStats, type ColumnStats } from './stats';
import { detectDateFormat, resolveTransactionMapping, type ResolvedMapping, type TransactionColumnMapping } from './transaction-mapping';

/**
 * A transactions table stored by column. Row `i` is a line of a purchase (or a return):
 * `customerIds[customer[i]]` bought for `amount[i]` at `timestamp[i]` (epoch ms, UTC) in order
 * `orderIds[order[i]]` (`order[i]` is -1 when the file has no order id column).
 */
export interface TransactionTable {
  rowCount: number;
  customerIds: readonly string[];
  orderIds: readonly string[];
  customer: Int32Array;
  order: Int32Array;
  timestamp: Float64Array;
  /** Signed: returns and cancellations are negative. */
  amount: Float64Array;
  /** Present when a quantity column was mapped. */
  quantity: Float64Array | null;
  /** 1 for a recognised return or cancellation (kept only under `returns: 'net'`). */
  isReturn: Uint8Array;
}

export interface TransactionIngestOptions {
  /** Column mapping; roles left out are detected from common header names. */
  mapping?: Partial<TransactionColumnMapping>;
  /** `false`: the file has no header line; name the columns with `columns`. Default true. */
  header?: boolean;
  /** Names of the columns, in order: required without a header; with one, they replace the file's names (e.g. to tell duplicates apart). */
  columns?: readonly string[];
  /** Default `utf-8` (checked: an invalid byte is an error naming its line and offset). */
  encoding?: TextEncodingName;
  /** Thousands separator of numbers (`1,234.5`); none by default, so `1,234` is reported rather than guessed. */
  thousands?: ',' | '.' | ' ' | "'";
  /** Strip a currency symbol (`$`, `£`, `€`) before or after numbers. Default false: `£30` is an invalid number. */
  currency?: boolean;
  /** `keep` (default): lines worth 0 (free samples, adjustments) count as orders. `exclude`: they are dropped and counted. */
  zeroAmounts?: 'keep' | 'exclude';
  /** One character, or `whitespace` for files like CDNOW_master.txt. Default `,`. */
  delimiter?: CsvDelimiter;
  /** Decimal separator of numbers. Default `.`. With `,` use another field delimiter or quote the numbers. */
  decimal?: '.' | ',';
  /** Default `auto`: detected from the first rows; ambiguous day/month orders are refused. */
  dateFormat?: DateFormat | 'auto';
  /** `net`: returns are kept with negative amounts. `exclude`: returns are dropped and counted. Default `net`. */
  returns?: 'net' | 'exclude';
  /** An order id starting with this marks a cancellation (Online Retail's `C536379`). Default `C`. */
  cancellationPrefix?: string;
  /** `reject`: any bad row refuses the whole file. `skip`: bad rows are left out and reported. Default `reject`. */
  policy?: 'reject' | 'skip';
  /** How many row problems the report keeps (all are counted). Default 100. */
  maxProblems?: number;
  /** Dates after this are rejected as being in the future. Default: the current time. */
  now?: Date;
  /** Refuse files larger than this many bytes. */
  maxBytes?: number;
  /** Read-chunk size for file paths. Default 1 MiB. */
  chunkBytes?: number;
}

export interface TransactionIngestReport extends IngestReport {
  returns: 'net' | 'exclude';
  /** Returns and cancellations recognised among the valid rows (under `exclude` none of them is stored). */
  returnRows: number;
  returnsExcluded: number;
  zeroAmounts: 'keep' | 'exclude';
  /** Valid lines whose amount is 0 (under `exclude` none of them is stored). */
  zeroAmountRows: number;
  zeroAmountsExcluded: number;
  /** Rejected rows counted by reason. */
  rejectedByReason: Record<string, number>;
}

export interface TransactionStats {
  rows: number;
  customers: number;
  orders: number;
  returnRows: number;
  firstTimestamp: string | null;
  lastTimestamp: string | null;
  amount: ColumnStats;
  quantity: ColumnStats | null;
}

export interface TransactionIngestResult {
  table: TransactionTable;
  /** The mapping used (given or detected), with source header names. */
  mapping: TransactionColumnMapping;
  dateFormat: DateFormat;
  report: TransactionIngestReport;
  stats: TransactionStats;
}

/** A file path, the whole content, or a stream of chunks (e.g. a `Readable`). */
export type TransactionSource = string | Uint8Array | AsyncIterable<Uint8Array | string>;

const HEAD_BYTES = 64 * 1024;
const DATE_SAMPLES = 1000;

/**
 * Integer key → dense index by open addressing with linear probing over typed arrays. A JS Map of
 * millions of numbers (a file's order ids) costs seconds and hundreds of megabytes; this costs 12 bytes
 * a slot and one multiply per lookup.
 */
class IntegerIndex {
  private keys = new Float64Array(1 << 12);
  private values = new Int32Array(1 << 12).fill(-1);
  private count = 0;

  private slot(key: number, keys: Float64Array, values: Int32Array): number {
    const mask = keys.length - 1;
    // Mix both 32-bit halves (ids can exceed 2^32), then probe linearly.
    const high = Math.floor(key / 4294967296) | 0;
    let h = Math.imul((key | 0) ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
    h = (h ^ (h >>> 15)) & mask;
    while (values[h] !== -1 && keys[h] !== key) h = (h + 1) & mask;
    return h;
  }

  /** The index of `key`, or -1. */
  get(key: number): number {
    return this.values[this.slot(key, this.keys, this.values)];
  }

  set(key: number, value: number): void {
    if (2 * (this.count + 1) > this.keys.length) this.grow();
    const h = this.slot(key, this.keys, this.values);
    if (this.values[h] === -1) this.count++;
    this.keys[h] = key;
    this.values[h] = value;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    const values = new Int32Array(this.values.length * 2).fill(-1);
    for (let i = 0; i < this.keys.length; i++) {
      if (this.values[i] === -1) continue;
      const h = this.slot(this.keys[i], keys, values);
      keys[h] = this.keys[i];
      values[h] = this.values[i];
    }
    this.keys = keys;
    this.values = values;
  }
}

/** Customer and order ids: integers (`17850`, `17850.0`) are keyed by number, other ids by text. */
class IdDictionary {
  /** Integer ids stay numbers (small integers are not allocated) until `strings()` converts them once. */
  private readonly ids: (string | number)[] = [];
  private readonly byNumber = new IntegerIndex();
  private readonly byText = new Map<string, number>();

  number(key: number): number {
    let index = this.byNumber.get(key);
    if (index === -1) {
      index = this.ids.length;
      this.byNumber.set(key, index);
      this.ids.push(key);
    }
    return index;
  }

  text(key: string): number {
    let index = this.byText.get(key);
    if (index === undefined) {
      index = this.ids.length;
      this.byText.set(key, index);
      this.ids.push(key);
    }
    return index;
  }

  strings(): string[] {
    return this.ids.map(String);
  }
}

/** Typed-array columns that grow by doubling. */
class ColumnBuilder {
  size = 0;
  customer = new Int32Array(1 << 16);
  order = new Int32Array(1 << 16);
  timestamp = new Float64Array(1 << 16);
  amount = new Float64Array(1 << 16);
  quantity = new Float64Array(1 << 16);
  isReturn = new Uint8Array(1 << 16);

  /** Makes room for `rows` rows at once (an estimate from the file size), so a large file is not copied at every doubling. */
  reserve(rows: number): void {
    if (rows > this.customer.length) this.resize(rows);
  }

  grow(): void {
    this.resize(Math.ceil(this.customer.length * 1.5));
  }

  private resize(n: number): void {
    const copy = <T extends Int32Array | Float64Array | Uint8Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.customer = copy(this.customer, new Int32Array(n));
    this.order = copy(this.order, new Int32Array(n));
    this.timestamp = copy(this.timestamp, new Float64Array(n));
    this.amount = copy(this.amount, new Float64Array(n));
    this.quantity = copy(this.quantity, new Float64Array(n));
    this.isReturn = copy(this.isReturn, new Uint8Array(n));
  }
}

const ISO_DAY = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

type Reason = 'wrong field count' | 'customer id is empty' | 'order id is empty' | 'invalid date' | 'date in the future' | 'invalid number';

/** The row loop, kept apart from the I/O so it stays one hot function. */
class RowIngest {
  readonly columns = new ColumnBuilder();
  readonly customers = new IdDictionary();
  readonly orders = new IdDictionary();
  readonly problems: RowProblem[] = [];
  readonly rejectedByReason: Partial<Record<Reason, number>> = {};
  rowsRead = 0;
  rejected = 0;
  returnRows = 0;
  returnsExcluded = 0;
  zeroAmountRows = 0;
  zeroAmountsExcluded = 0;
  private lastCustomerKey = -2;
  private lastCustomerIndex = -1;
  private lastOrderKey = -2;
  private lastOrderIndex = -1;
  private readonly lastDate = Buffer.alloc(64);
  private lastDateLength = -1;
  private lastTimestamp = Number.NaN;
  private readonly decimal: number;
  private readonly thousands: number;
  private readonly currency: boolean;
  private readonly nowMs: number;
  private readonly prefix: Buffer;
  private readonly exclude: boolean;
  private readonly excludeZero: boolean;

  constructor(
    private readonly headers: readonly string[],
    private readonly resolved: ResolvedMapping,
    private readonly dateFormat: DateFormat,
    private readonly options: TransactionIngestOptions,
  ) {
    this.decimal = options.decimal === ',' ? 44 : 46;
    this.thousands = options.thousands ? options.thousands.charCodeAt(0) : -1;
    this.currency = options.currency === true;
    this.excludeZero = options.zeroAmounts === 'exclude';
    this.nowMs = (options.now ?? new Date()).getTime();
    this.prefix = Buffer.from(options.cancellationPrefix ?? 'C', 'utf8');
    this.exclude = options.returns === 'exclude';
  }

  private reject(line: number, column: number, reason: Reason, message: string): void {
    this.rejected++;
    this.rejectedByReason[reason] = (this.rejectedByReason[reason] ?? 0) + 1;
    if (this.problems.length < (this.options.maxProblems ?? 100)) {
      this.problems.push({ line, field: column < 0 ? '(row)' : this.headers[column], message });
    }
  }

  private text(batch: CsvBatch, f: number): string {
    return fieldText(batch, f).trim();
  }

  /** Adds the data records `from..batch.count-1` of a batch. */
  add(batch: CsvBatch, from: number): void {
    const { bytes, fieldIndex, starts, ends, quoting } = batch;
    const width = this.headers.length;
    const { customerId: ci, timestamp: ti, orderId: oi, amount: ai, quantity: qi, unitPrice: pi } = this.resolved.index;
    const decimal = this.decimal;
    const thousands = this.thousands;
    const currency = this.currency;
    const dateFormat = this.dateFormat;
    const prefix = this.prefix;
    const prefixLength = prefix.length;
    const c = this.columns;
    for (let r = from; r < batch.count; r++) {
      this.rowsRead++;
      const f0 = fieldIndex[r];
      const line = batch.lines[r];
      const n = fieldIndex[r + 1] - f0;
      if (n !== width) {
        this.reject(line, -1, 'wrong field count', `expected ${width} fields, found ${n}`);
        continue;
      }
      // Customer id: integer ids by number, others as trimmed text.
      let s = trimStart(bytes, starts[f0 + ci], ends[f0 + ci]);
      let e = trimEnd(bytes, s, ends[f0 + ci]);
      if (s === e) {
        this.reject(line, ci, 'customer id is empty', 'customer id is empty');
        continue;
      }
      const customerKey = quoting[f0 + ci] === 2 ? -1 : parseIntegerId(bytes, s, e);
      const customerText = customerKey < 0 ? this.text(batch, f0 + ci) : '';
      // Order id (optional).
      let orderKey = -1;
      let orderText = '';
      let isReturn = false;
      if (oi >= 0) {
        s = trimStart(bytes, starts[f0 + oi], ends[f0 + oi]);
        e = trimEnd(bytes, s, ends[f0 + oi]);
        if (s === e) {
          this.reject(line, oi, 'order id is empty', 'order id is empty');
          continue;
        }
        orderKey = quoting[f0 + oi] === 2 ? -1 : parseIntegerId(bytes, s, e);
        if (orderKey < 0) {
          orderText = this.text(batch, f0 + oi);
          if (prefixLength > 0 && e - s > prefixLength && bytes.compare(prefix, 0, prefixLength, s, s + prefixLength) === 0) isReturn = true;
        }
      }
      // Timestamp: rows of one order usually repeat the previous row's date, so compare before parsing.
      const ds = starts[f0 + ti];
      const dl = ends[f0 + ti] - ds;
      let ts: number;
      if (dl === this.lastDateLength && dl > 0 && bytes.compare(this.lastDate, 0, dl, ds, ds + dl) === 0) ts = this.lastTimestamp;
      else {
        ts = parseDate(bytes, ds, ds + dl, dateFormat);
        if (dl <= this.lastDate.length) {
          bytes.copy(this.lastDate, 0, ds, ds + dl);
          this.lastDateLength = dl;
          this.lastTimestamp = ts;
        }
      }
      if (ts !== ts) {
        const raw = this.text(batch, f0 + ti);
        if (raw === '') this.reject(line, ti, 'invalid date', 'date is empty');
        else this.reject(line, ti, 'invalid date', `'${raw}' is not a date in ${dateFormat} format`);
        continue;
      }
      if (ts > this.nowMs) {
        this.reject(line, ti, 'date in the future', `date ${ISO_DAY(ts)} is in the future (now: ${ISO_DAY(this.nowMs)})`);
        continue;
      }
      // Amount, or quantity × unit price.
      let quantity = Number.NaN;
      if (qi >= 0) {
        quantity = parseNumber(bytes, starts[f0 + qi], ends[f0 + qi], decimal, thousands, currency);
        if (quantity !== quantity) {
          this.rejectNumber(batch, f0 + qi, line, qi, 'quantity');
          continue;
        }
      }
      let amount: number;
      if (ai >= 0) {
        amount = parseNumber(bytes, starts[f0 + ai], ends[f0 + ai], decimal, thousands, currency);
        if (amount !== amount) {
          this.rejectNumber(batch, f0 + ai, line, ai, 'amount');
          continue;
        }
      } else {
        const price = parseNumber(bytes, starts[f0 + pi], ends[f0 + pi], decimal, thousands, currency);
        if (price !== price) {
          this.rejectNumber(batch, f0 + pi, line, pi, 'unit price');
          continue;
        }
        amount = quantity * price;
      }
      // A line worth nothing is neither a sale nor a refund.
      if (amount === 0) {
        this.zeroAmountRows++;
        if (this.excludeZero) {
          this.zeroAmountsExcluded++;
          continue;
        }
      }
      if (qi >= 0 ? quantity < 0 : amount < 0) isReturn = true;
      if (isReturn) {
        this.returnRows++;
        if (this.exclude) {
          this.returnsExcluded++;
          continue;
        }
      }
      // The row is valid: only now do its ids enter the dictionaries.
      if (c.size === c.customer.length) c.grow();
      const i = c.size++;
      if (customerKey >= 0) {
        if (customerKey !== this.lastCustomerKey) {
          this.lastCustomerKey = customerKey;
          this.lastCustomerIndex = this.customers.number(customerKey);
        }
        c.customer[i] = this.lastCustomerIndex;
      } else {
        c.customer[i] = this.customers.text(customerText);
      }
      if (oi < 0) c.order[i] = -1;
      else if (orderKey >= 0) {
        if (orderKey !== this.lastOrderKey) {
          this.lastOrderKey = orderKey;
          this.lastOrderIndex = this.orders.number(orderKey);
        }
        c.order[i] = this.lastOrderIndex;
      } else c.order[i] = this.orders.text(orderText);
      c.timestamp[i] = ts;
      c.amount[i] = amount;
      c.quantity[i] = quantity;
      c.isReturn[i] = isReturn ? 1 : 0;
    }
  }

  private rejectNumber(batch: CsvBatch, f: number, line: number, column: number, what: string): void {
    const raw = this.text(batch, f);
    this.reject(line, column, 'invalid number', raw === '' ? `${what} is empty` : `'${raw}' is not a number${numberHint(raw, this.options)}`);
  }

  table(hasQuantity: boolean): TransactionTable {
    const c = this.columns;
    const n = c.size;
    // Views when little capacity is unused (no second copy of every column at the peak), copies otherwise.
    const trim = <T extends Int32Array | Float64Array | Uint8Array>(a: T): T => (a.length <= n * 1.25 ? (a.subarray(0, n) as T) : (a.slice(0, n) as T));
    return {
      rowCount: n,
      customerIds: this.customers.strings(),
      orderIds: this.orders.strings(),
      customer: trim(c.customer),
      order: trim(c.order),
      timestamp: trim(c.timestamp),
      amount: trim(c.amount),
      quantity: hasQuantity ? trim(c.quantity) : null,
      isReturn: trim(c.isReturn),
    };
  }
}

function chunksOf(source: TransactionSource, options: TransactionIngestOptions): AsyncIterator<Uint8Array | string> {
  if (typeof source === 'string') {
    let size: number;
    try {
      const stat = statSync(source);
      if (stat.isDirectory()) throw new IngestError(`'${source}' is a directory; give the path of a file`);
      size = stat.size;
    } catch (e) {
      if (e instanceof IngestError) throw e;
      throw new IngestError(`cannot read '${source}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    if (options.maxBytes !== undefined && size > options.maxBytes) {
      throw new IngestError(`the file is ${size} bytes, over the size limit of ${options.maxBytes} bytes`);
    }
    return createReadStream(source, { highWaterMark: options.chunkBytes ?? 1 << 20 })[Symbol.asyncIterator]();
  }
  if (source instanceof Uint8Array) return [source][Symbol.iterator]() as unknown as AsyncIterator<Uint8Array>;
  return source[Symbol.asyncIterator]();
}

const asBytes = (chunk: Uint8Array | string): Uint8Array => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);

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
export async function ingestTransactions(source: TransactionSource, options: TransactionIngestOptions = {}): Promise<TransactionIngestResult> {
  const policy = options.policy ?? 'reject';
  const delimiter = options.delimiter ?? ',';
  const hasHeader = options.header ?? true;
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
      utf8?.check(Buffer.alloc(0), () => (tokenizer ? tokenizer.nextLine : lineOfByte(Buffer.concat(head), headBytes, 1)), true);
      return null;
    }
    const bytes = asBytes(result.value);
    totalBytes += bytes.length;
    if (options.maxBytes !== undefined && totalBytes > options.maxBytes) {
      throw new IngestError(`the file is over the size limit of ${options.maxBytes} bytes`);
    }
    // Before the encoding is checked: a binary file is called binary, not badly encoded text.
    if (totalBytes === bytes.length && Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024)).includes(0)) {
      throw new IngestError('the file is binary, not CSV text (it contains NUL bytes)');
    }
    if (!utf8) return singleByteToUtf8(bytes, encoding as 'latin1' | 'windows-1252');
    // The line of a bad byte: the lines before this chunk (the head's, or the tokenizer's) plus those before the byte.
    utf8.check(bytes, (k) => lineOfByte(bytes, k, tokenizer ? tokenizer.nextLine : lineOfByte(Buffer.concat(head), headBytes, 1)));
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
  if (headBuffer.subarray(0, 1024).includes(0)) throw new IngestError('the file is binary, not CSV text (it contains NUL bytes)');
  if (headBuffer.toString('utf8', 0, Math.min(headBuffer.length, 4096)).replace(/^\ufeff/, '').trim() === '') {
    throw new IngestError('the file is empty');
  }

  tokenizer = new CsvTokenizer(delimiter);
  let batch: CsvBatch;
  try {
    batch = done ? tokenizer.end(headBuffer) : tokenizer.push(headBuffer);
  } catch (e) {
    throw new IngestError((e as Error).message);
  }
  if (batch.count === 0 && !done) throw new IngestError(`no complete line in the first ${HEAD_BYTES / 1024} KB; is this a delimited text file?`);
  if (batch.count === 0) throw new IngestError('the file is empty');
  // A file's size and its head's bytes per line estimate its rows: reserve them (+10%) up front.
  const fileBytes = typeof source === 'string' ? statSync(source).size : 0;

  const firstLine = fieldsOf(batch, 0);
  const { headers, dataFrom } = headerOf(firstLine, hasHeader, options.columns, delimiter);
  let resolved: ResolvedMapping;
  try {
    resolved = resolveTransactionMapping(headers, options.mapping);
  } catch (e) {
    if (hasHeader && e instanceof IngestError && looksLikeData(headers)) {
      throw new IngestError(`the first line looks like data, not a header ('${firstLine.join(delimiter === 'whitespace' ? ' ' : delimiter)}'); ${NO_HEADER_HINT}`);
    }
    throw e;
  }
  if (done && batch.count <= dataFrom) throw new IngestError('the file has a header but no data rows');
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

  const rows = new RowIngest(headers, resolved, dateFormat, options);
  if (fileBytes > headBuffer.length) rows.columns.reserve(Math.ceil((fileBytes / headBuffer.length) * batch.count * 1.1));
  try {
    rows.add(batch, dataFrom);
    if (!done) {
      for (;;) {
        const chunk = await next();
        if (!chunk) break;
        rows.add(tokenizer.push(chunk), 0);
      }
      rows.add(tokenizer.end(), 0);
    }
  } catch (e) {
    if (e instanceof IngestError) throw e;
    throw new IngestError((e as Error).message);
  }

  const report: TransactionIngestReport = {
    rowsRead: rows.rowsRead,
    rowsAccepted: rows.columns.size,
    rowsRejected: rows.rejected,
    problems: rows.problems,
    policy,
    returns: options.returns ?? 'net',
    returnRows: rows.returnRows,
    returnsExcluded: rows.returnsExcluded,
    zeroAmounts: options.zeroAmounts ?? 'keep',
    zeroAmountRows: rows.zeroAmountRows,
    zeroAmountsExcluded: rows.zeroAmountsExcluded,
    problemsOmitted: rows.rejected - rows.problems.length,
    rejectedByReason: rows.rejectedByReason,
  };
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

function fieldsOf(batch: CsvBatch, r: number): string[] {
  const out: string[] = [];
  for (let f = batch.fieldIndex[r]; f < batch.fieldIndex[r + 1]; f++) out.push(fieldText(batch, f));
  return out;
}

const DATA_LIKE = /^\s*([+-]?\d+([.,]\d+)?|\d{4}-\d{2}-\d{2}.*|\d{1,2}\/\d{1,2}\/\d{4}.*)\s*$/;

function looksLikeData(headers: readonly string[]): boolean {
  return headers.some((h) => DATA_LIKE.test(h));
}

/** Row, customer and order counts, date range and amount/quantity statistics of a table. */
export function transactionStats(table: TransactionTable): TransactionStats {
  let first = Infinity;
  let last = -Infinity;
  let returnRows = 0;
  for (let i = 0; i < table.rowCount; i++) {
    const t = table.timestamp[i];
    if (t < first) first = t;
    if (t > last) last = t;
    returnRows += table.isReturn[i];
  }
  const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);
  return {
    rows: table.rowCount,
    customers: table.customerIds.length,
    orders: table.orderIds.length,
    returnRows,
    firstTimestamp: iso(first),
    lastTimestamp: iso(last),
    amount: columnStats('amount', { kind: 'numeric', values: table.amount }),
    quantity: table.quantity ? columnStats('quantity', { kind: 'numeric', values: table.quantity }) : null,
  };
}

/** UTC day number of each row's timestamp (helper for day-level features). */
export function transactionDays(table: TransactionTable): Int32Array {
  const out = new Int32Array(table.rowCount);
  for (let i = 0; i < table.rowCount; i++) out[i] = dayOf(table.timestamp[i]);
  return out;
}
