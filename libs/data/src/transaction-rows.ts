import { parseDate, parseIntegerId, parseNumber, trimEnd, trimStart, type DateFormat } from './bytes';
import { ColumnBuilder } from './column-builder';
import { fieldText, type CsvBatch } from './csv';
import { numberHint } from './header';
import { IdDictionary } from './id-dictionary';
import { customerIdLengthProblem, MAX_CUSTOMER_ID_LENGTH, type RowProblem } from './ingest-errors';
import type { TransactionIngestOptions } from './transaction-ingest-options';
import type { ResolvedMapping } from './transaction-mapping';
import type { TransactionTable } from './transaction-table';

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
  readonly orders = new IdDictionary();
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
  private lastOrderKey = -2;
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
    this.exclude = options.returns === 'exclude';
    this.columns = new ColumnBuilder(resolved.index.quantity >= 0);
  }

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
    const c = this.columns;
    const lastDate = this.lastDate;
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
        if (orderKey < 0) {
          orderText = this.text(batch, f0 + oi);
          if (
            prefixLength > 0 &&
            e - s > prefixLength &&
            bytes.compare(prefix, 0, prefixLength, s, s + prefixLength) === 0
          )
            isReturn = true;
        }
      }
      // Timestamp: rows of one order usually repeat the previous row's date, so compare before parsing.
      const ds = starts[f0 + ti];
      const dl = ends[f0 + ti] - ds;
      let ts: number;
      // Compared byte by byte: a Buffer#compare call costs more than the 19 bytes of a date.
      let same = dl === this.lastDateLength && dl > 0;
      for (let k = 0; same && k < dl; k++) same = lastDate[k] === bytes[ds + k];
      if (same) ts = this.lastTimestamp;
      else {
        ts = parseDate(bytes, ds, ds + dl, dateFormat);
        if (dl <= lastDate.length) {
          for (let k = 0; k < dl; k++) lastDate[k] = bytes[ds + k];
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
      if (qi >= 0) c.quantity[i] = quantity;
      c.isReturn[i] = isReturn ? 1 : 0;
    }
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
      customerIds: this.customers.strings(),
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
