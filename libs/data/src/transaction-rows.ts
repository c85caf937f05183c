import {
  parseDate,
  parseIntegerId,
  parseNumber,
  parsePrefixedId,
  POW10,
  trimEnd,
  trimStart,
  type DateFormat,
} from './bytes';
import { ColumnBuilder } from './column-builder';
import { fieldText, type CsvBatch, type PlainRecords } from './csv';
import { numberHint } from './header';
import { IdDictionary } from './id-dictionary';
import { customerIdLengthProblem, MAX_CUSTOMER_ID_LENGTH, type RowProblem } from './ingest-errors';
import type { TransactionIngestOptions } from './transaction-ingest-options';
import type { ResolvedMapping } from './transaction-mapping';
import type { TransactionTable } from './transaction-table';

const LF = 10;
const CR = 13;

/** What a column is read as by {@link RowIngest.plain}. */
const enum Role {
  Other,
  Customer,
  Order,
  Timestamp,
  Amount,
  Quantity,
  UnitPrice,
}

const ISO_DAY = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

export type RejectReason =
  | 'wrong field count'
  | 'customer id is empty'
  | 'customer id too long'
  | 'order id is empty'
  | 'invalid date'
  | 'date in the future'
  | 'invalid number';

/** The row loop, kept apart from the I/O so it stays one hot function. */
export class RowIngest {
  readonly columns: ColumnBuilder;
  readonly customers = new IdDictionary();
  /** Order ids; a cancellation's (the cancellation prefix, then an integer) keyed by its integer, not as text. */
  readonly orders: IdDictionary;
  readonly problems: RowProblem[] = [];
  readonly rejectedByReason: Partial<Record<RejectReason, number>> = {};
  rowsRead = 0;
  rejected = 0;
  returnRows = 0;
  returnsExcluded = 0;
  zeroAmountRows = 0;
  zeroAmountsExcluded = 0;
  private lastCustomerKey = -2;
  private lastCustomerIndex = -1;
  /** The last order's key as {@link accept} takes it (NaN: none yet). */
  private lastOrderKey = Number.NaN;
  private lastOrderIndex = -1;
  private readonly lastDate = new Uint8Array(64);
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
    this.orders = new IdDictionary(this.prefix);
    this.exclude = options.returns === 'exclude';
    this.columns = new ColumnBuilder(resolved.index.quantity >= 0);
    const delimiter = options.delimiter ?? ',';
    this.delimiter = delimiter.charCodeAt(0);
    this.roles = new Uint8Array(headers.length);
    const { customerId, orderId, timestamp, amount, quantity, unitPrice } = resolved.index;
    const mapped: [number, Role][] = [
      [customerId, Role.Customer],
      [orderId, Role.Order],
      [timestamp, Role.Timestamp],
      [amount, Role.Amount],
      [quantity, Role.Quantity],
      [unitPrice, Role.UnitPrice],
    ];
    let oneRoleEach = true;
    for (const [column, role] of mapped) {
      if (column < 0) continue;
      if (this.roles[column] !== Role.Other) oneRoleEach = false;
      this.roles[column] = role;
    }
    // The one-pass reader reads digits, '-' and the decimal separator as part of a number or id before it looks for
    // the delimiter, so none of them may be the delimiter; 'whitespace' has no plain runs.
    const d = this.delimiter;
    this.plain =
      oneRoleEach && delimiter !== 'whitespace' && d !== this.decimal && d !== 45 && !(d >= 48 && d <= 57)
        ? this.readPlain.bind(this)
        : undefined;
  }

  /**
   * Reads runs of records without quotes as the tokenizer finds them (give it to {@link CsvTokenizer.push}): each
   * field is parsed where it is found, each byte read once. Undefined when the mapping cannot be read so.
   */
  readonly plain: PlainRecords | undefined;
  private readonly delimiter: number;
  /** The {@link Role} of each column. */
  private readonly roles: Uint8Array;
  /** One record of a plain run as a batch, for {@link add}: what is not read in one pass is read as any record is. */
  private readonly single: CsvBatch = {
    bytes: Buffer.alloc(0),
    count: 1,
    fieldIndex: new Int32Array(2),
    starts: new Int32Array(16),
    ends: new Int32Array(16),
    quoting: new Uint8Array(16),
    lines: new Int32Array(1),
  };

  private reject(line: number, column: number, reason: RejectReason, message: string): void {
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
      if (e - s > MAX_CUSTOMER_ID_LENGTH) {
        const tooLong = customerIdLengthProblem(customerText, e - s);
        if (tooLong) {
          this.reject(line, ci, 'customer id too long', tooLong);
          continue;
        }
      }
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
        const prefixed = orderKey < 0 && quoting[f0 + oi] !== 2 ? parsePrefixedId(bytes, s, e, prefix) : -1;
        if (prefixed >= 0) {
          orderKey = -2 - prefixed;
          isReturn = true;
        } else if (orderKey < 0) {
          orderText = this.text(batch, f0 + oi);
          if (
            prefixLength > 0 &&
            e - s > prefixLength &&
            bytes.compare(prefix, 0, prefixLength, s, s + prefixLength) === 0
          )
            isReturn = true;
        }
      }
      const ts = this.date(bytes, starts[f0 + ti], ends[f0 + ti]);
      if (ts !== ts) {
        const raw = this.text(batch, f0 + ti);
        if (raw === '') this.reject(line, ti, 'invalid date', 'date is empty');
        else this.reject(line, ti, 'invalid date', `'${raw}' is not a date in ${dateFormat} format`);
        continue;
      }
      if (ts > this.nowMs) {
        this.reject(
          line,
          ti,
          'date in the future',
          `date ${ISO_DAY(ts)} is in the future (now: ${ISO_DAY(this.nowMs)})`,
        );
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
      const c = this.columns;
      if (c.size === c.customer.length) c.grow();
      c.timestamp[c.size] = ts;
      c.amount[c.size] = amount;
      if (qi >= 0) c.quantity[c.size] = quantity;
      this.accept(customerKey, customerText, orderKey, orderText, isReturn);
    }
  }

  /**
   * Epoch milliseconds of the date in bytes `[s, e)` (NaN: not a date). Rows of one order usually repeat the previous
   * row's date, so it is compared before it is parsed: byte by byte, as a Buffer#compare call costs more than the 19
   * bytes of a date.
   */
  private date(bytes: Buffer, s: number, e: number): number {
    const lastDate = this.lastDate;
    const dl = e - s;
    let same = dl === this.lastDateLength && dl > 0;
    for (let k = 0; same && k < dl; k++) same = lastDate[k] === bytes[s + k];
    return same ? this.lastTimestamp : this.newDate(bytes, s, e);
  }

  /** Parses the date in bytes `[s, e)` and keeps it as the last date seen. */
  private newDate(bytes: Buffer, s: number, e: number): number {
    const lastDate = this.lastDate;
    const ts = parseDate(bytes, s, e, this.dateFormat);
    if (e - s <= lastDate.length) {
      for (let k = s; k < e; k++) lastDate[k - s] = bytes[k];
      this.lastDateLength = e - s;
      this.lastTimestamp = ts;
    }
    return ts;
  }

  /**
   * A row whose fields are valid, its timestamp, amount and quantity written in the columns' next row (which has
   * room): counted as worth nothing or as a return (and left out when those are excluded), else kept; only now do
   * its ids enter the dictionaries. Integer ids are keys >= 0; text ids are keyed -1; an order id that is the
   * cancellation prefix then an integer n is keyed -2 - n. (The numbers are passed in the columns: a double passed
   * to a call is a heap number made for every row.)
   */
  private accept(
    customerKey: number,
    customerText: string,
    orderKey: number,
    orderText: string,
    isReturn: boolean,
  ): void {
    const hasQuantity = this.resolved.index.quantity >= 0;
    const c = this.columns;
    const amount = c.amount[c.size];
    const quantity = hasQuantity ? c.quantity[c.size] : Number.NaN;
    // A line worth nothing is neither a sale nor a refund.
    if (amount === 0) {
      this.zeroAmountRows++;
      if (this.excludeZero) {
        this.zeroAmountsExcluded++;
        return;
      }
    }
    if (hasQuantity ? quantity < 0 : amount < 0) isReturn = true;
    if (isReturn) {
      this.returnRows++;
      if (this.exclude) {
        this.returnsExcluded++;
        return;
      }
    }
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
    if (this.resolved.index.orderId < 0) c.order[i] = -1;
    else if (orderKey !== -1) {
      if (orderKey !== this.lastOrderKey) {
        this.lastOrderKey = orderKey;
        this.lastOrderIndex = orderKey >= 0 ? this.orders.number(orderKey) : this.orders.prefixed(-2 - orderKey);
      }
      c.order[i] = this.lastOrderIndex;
    } else c.order[i] = this.orders.text(orderText);
    c.isReturn[i] = isReturn ? 1 : 0;
  }

  /**
   * The records of bytes `[start, end)` (no quote among them, a LF last), from `line` on; returns the lines read.
   * Rows of plain integer ids, dates and numbers are read in one pass; any other record (text ids, spaces, a wrong
   * field count, a bad value) is handed to {@link add}, which reads and reports it as it does every record.
   */
  private readPlain(b: Buffer, start: number, end: number, line: number): number {
    const first = line;
    const roles = this.roles;
    const width = roles.length;
    const delimiter = this.delimiter;
    const decimal = this.decimal;
    const thousands = this.thousands;
    const currency = this.currency;
    const nowMs = this.nowMs;
    const hasQuantity = this.resolved.index.quantity >= 0;
    const hasAmount = this.resolved.index.amount >= 0;
    const lastDate = this.lastDate;
    const prefix = this.prefix;
    const prefixLength = prefix.length;
    let p = start;
    while (p < end) {
      let c = b[p];
      if (c === LF || c === CR) {
        // A blank line (LF, CRLF or CR).
        p += c === CR && b[p + 1] === LF ? 2 : 1;
        line++;
        continue;
      }
      const recordStart = p;
      let customerKey = -1;
      let orderKey = -1;
      let customerText = '';
      let orderText = '';
      let isReturn = false;
      let ts = Number.NaN;
      let amount = Number.NaN;
      let quantity = Number.NaN;
      let price = Number.NaN;
      let read = true;
      for (let j = 0; j < width; j++) {
        if (j > 0) {
          if (c !== delimiter) {
            read = false;
            break;
          }
          c = b[++p];
        }
        const role = roles[j];
        const s = p;
        if (role === Role.Customer || role === Role.Order) {
          // Digits are read as they are scanned: an integer id with no sign, no leading zero and at most 15 digits is
          // parseIntegerId's. Any other id of printable ASCII (nothing to trim or decode) is read as add reads it.
          let key = 0;
          if (c >= 49 && c <= 57) {
            do {
              key = key * 10 + (c - 48);
              c = b[++p];
            } while (c >= 48 && c <= 57);
          }
          if (p === s || p - s > 15 || (c !== delimiter && c !== LF && c !== CR)) {
            let printable = true;
            while (c !== delimiter && c !== LF && c !== CR) {
              printable = printable && c > 32 && c < 127;
              c = b[++p];
            }
            if (!printable || p === s || p - s > MAX_CUSTOMER_ID_LENGTH) {
              read = false;
              break;
            }
            key = parseIntegerId(b, s, p);
            if (key < 0 && role === Role.Customer) customerText = b.toString('latin1', s, p);
            else if (key < 0) {
              const prefixed = parsePrefixedId(b, s, p, prefix);
              if (prefixed >= 0) {
                key = -2 - prefixed;
                isReturn = true;
              } else {
                orderText = b.toString('latin1', s, p);
                let k = 0;
                while (k < prefixLength && b[s + k] === prefix[k]) k++;
                isReturn = prefixLength > 0 && p - s > prefixLength && k === prefixLength;
              }
            }
          }
          if (role === Role.Customer) customerKey = key;
          else orderKey = key;
        } else if (role === Role.Timestamp) {
          // Compared with the last date as it is scanned: rows of one order usually repeat it.
          let same = true;
          while (c !== delimiter && c !== LF && c !== CR) {
            same = same && lastDate[p - s] === c;
            c = b[++p];
          }
          ts = same && p - s === this.lastDateLength ? this.lastTimestamp : this.newDate(b, s, p);
        } else if (role === Role.Other) {
          while (c !== delimiter && c !== LF && c !== CR) c = b[++p];
        } else {
          // A plain decimal (an optional '-', at most 15 digits, an optional decimal separator) is read as it is
          // scanned, to the double parseNumber gives for it; any other number is left to parseNumber.
          let negative = false;
          if (c === 45) {
            negative = true;
            c = b[++p];
          }
          let mantissa = 0;
          let digits = 0;
          let fraction = -1;
          for (;;) {
            if (c >= 48 && c <= 57) {
              mantissa = mantissa * 10 + (c - 48);
              digits++;
              if (fraction >= 0) fraction++;
            } else if (c === decimal && fraction < 0) fraction = 0;
            else break;
            c = b[++p];
          }
          let value: number;
          if (digits > 0 && digits <= 15 && (c === delimiter || c === LF || c === CR)) {
            value = fraction > 0 ? mantissa / POW10[fraction] : mantissa;
            if (negative) value = -value;
          } else {
            while (c !== delimiter && c !== LF && c !== CR) c = b[++p];
            value = parseNumber(b, s, p, decimal, thousands, currency);
          }
          if (role === Role.Amount) amount = value;
          else if (role === Role.Quantity) quantity = value;
          else price = value;
        }
      }
      if (read && (c === LF || c === CR) && ts <= nowMs && (quantity === quantity || !hasQuantity)) {
        if (!hasAmount) amount = quantity * price;
        if (amount === amount) {
          this.rowsRead++;
          const columns = this.columns;
          if (columns.size === columns.customer.length) columns.grow();
          columns.timestamp[columns.size] = ts;
          columns.amount[columns.size] = amount;
          if (hasQuantity) columns.quantity[columns.size] = quantity;
          this.accept(customerKey, customerText, orderKey, orderText, isReturn);
          p += c === CR && b[p + 1] === LF ? 2 : 1;
          line++;
          continue;
        }
      }
      p = this.addOne(b, recordStart, line);
      line++;
    }
    return line - first;
  }

  /** Reads the record at `p` of a plain run through {@link add}; returns where the next record starts. */
  private addOne(b: Buffer, p: number, line: number): number {
    const batch = this.single;
    let n = 0;
    for (;;) {
      if (n === batch.starts.length) {
        const starts = new Int32Array(2 * n);
        const ends = new Int32Array(2 * n);
        starts.set(batch.starts);
        ends.set(batch.ends);
        batch.starts = starts;
        batch.ends = ends;
        batch.quoting = new Uint8Array(2 * n);
      }
      batch.starts[n] = p;
      let c = b[p];
      while (c !== this.delimiter && c !== LF && c !== CR) c = b[++p];
      batch.ends[n++] = p;
      p++;
      if (c !== this.delimiter) {
        if (c === CR && b[p] === LF) p++;
        break;
      }
    }
    batch.bytes = b;
    batch.fieldIndex[1] = n;
    batch.lines[0] = line;
    this.add(batch, 0);
    return p;
  }

  private rejectNumber(batch: CsvBatch, f: number, line: number, column: number, what: string): void {
    const raw = this.text(batch, f);
    this.reject(
      line,
      column,
      'invalid number',
      raw === '' ? `${what} is empty` : `'${raw}' is not a number${numberHint(raw, this.options)}`,
    );
  }

  table(): TransactionTable {
    const c = this.columns;
    const n = c.size;
    // Views when little capacity is unused (no second copy of every column at the peak), copies otherwise.
    const trim = <T extends Int32Array | Float64Array | Uint8Array>(a: T): T =>
      a.length <= n * 1.25 ? (a.subarray(0, n) as T) : (a.slice(0, n) as T);
    return {
      rowCount: n,
      customerIds: this.customers.stringTable(),
      orderIds: this.orders.stringTable(),
      customer: trim(c.customer),
      order: trim(c.order),
      timestamp: trim(c.timestamp),
      amount: trim(c.amount),
      quantity: c.hasQuantity ? trim(c.quantity) : null,
      isReturn: trim(c.isReturn),
    };
  }
}
