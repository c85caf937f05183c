import { DATE_FORMATS, type DateFormat } from './bytes';
import { IngestError } from './ingest-errors';

/**
 * Which source column holds what. Either `amount`, or `quantity` and `unitPrice` (amount =
 * quantity × unitPrice); with `amount` a `quantity` column is kept as well when there is one.
 *
 * @example
 * { customerId: 'CustomerID', timestamp: 'InvoiceDate', quantity: 'Quantity', unitPrice: 'UnitPrice', orderId: 'InvoiceNo' }
 */
export interface TransactionColumnMapping {
  customerId: string;
  timestamp: string;
  amount?: string;
  quantity?: string;
  unitPrice?: string;
  orderId?: string;
}

type Role = keyof TransactionColumnMapping;

// Header names are compared lower-cased with everything but letters and digits removed ('Customer ID' → 'customerid').
const CANDIDATES: Record<Role, readonly string[]> = {
  customerId: [
    'customerid',
    'custid',
    'clientid',
    'userid',
    'masterid',
    'customer',
    'customerno',
    'customernumber',
    'client',
    'user',
    'id',
  ],
  timestamp: [
    'invoicedate',
    'orderdate',
    'transactiondate',
    'purchasedate',
    'date',
    'datetime',
    'timestamp',
    'time',
    'createdat',
  ],
  orderId: [
    'invoiceno',
    'invoice',
    'invoiceid',
    'invoicenumber',
    'orderid',
    'order',
    'orderno',
    'ordernumber',
    'transactionid',
    'receiptid',
  ],
  amount: [
    'amount',
    'sales',
    'revenue',
    'total',
    'totalamount',
    'value',
    'dollarvalue',
    'spend',
    'monetary',
    'lineamount',
  ],
  quantity: ['quantity', 'qty', 'units', 'cds', 'numberofcds'],
  unitPrice: ['unitprice', 'price', 'itemprice'],
};

const LABEL: Record<Role, string> = {
  customerId: 'customer id',
  timestamp: 'timestamp',
  orderId: 'order id',
  amount: 'amount',
  quantity: 'quantity',
  unitPrice: 'unit price',
};

const normalise = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Column indexes of a resolved mapping (-1: not mapped). */
export interface ResolvedMapping {
  mapping: TransactionColumnMapping;
  index: Record<Role, number>;
}

/**
 * Resolves the column mapping against a header: names given by the user must exist exactly (after
 * trimming); roles not given are detected from common header names.
 *
 * @throws IngestError naming the column and listing the header when a mapped column is missing or a required role cannot be found.
 */
export function resolveTransactionMapping(
  headers: readonly string[],
  given: Partial<TransactionColumnMapping> = {},
): ResolvedMapping {
  const list = headers.join(', ');
  const index = { customerId: -1, timestamp: -1, orderId: -1, amount: -1, quantity: -1, unitPrice: -1 } as Record<
    Role,
    number
  >;
  for (const role of Object.keys(index) as Role[]) {
    const name = given[role];
    if (name === undefined) continue;
    const at = headers.indexOf(name.trim());
    if (at < 0)
      throw new IngestError(`the mapped ${LABEL[role]} column '${name}' is not in the header (columns: ${list})`);
    index[role] = at;
  }
  const detect = (role: Role) => {
    if (index[role] >= 0) return;
    const taken = new Set(Object.values(index));
    const normalised = headers.map(normalise);
    for (const candidate of CANDIDATES[role]) {
      const at = normalised.findIndex((h, i) => h === candidate && !taken.has(i));
      if (at >= 0) {
        index[role] = at;
        return;
      }
    }
  };
  const userPricing = given.quantity !== undefined || given.unitPrice !== undefined;
  (['customerId', 'timestamp', 'orderId'] as Role[]).forEach(detect);
  if (given.amount === undefined && userPricing) {
    detect('quantity');
    detect('unitPrice');
  } else {
    detect('amount');
    detect('quantity');
    if (index.amount < 0) detect('unitPrice');
  }
  const missing = (role: Role, hint: string) =>
    new IngestError(
      `no ${LABEL[role]} column found (looked for ${CANDIDATES[role].join(', ')}); ${hint} (columns: ${list})`,
    );
  if (index.customerId < 0) throw missing('customerId', 'map it with mapping.customerId');
  if (index.timestamp < 0) throw missing('timestamp', 'map it with mapping.timestamp');
  if (index.amount < 0 && (index.quantity < 0 || index.unitPrice < 0)) {
    throw new IngestError(
      `no amount column found, nor both quantity and unit price (looked for ${CANDIDATES.amount.join(', ')} / ${CANDIDATES.quantity.join(', ')} + ${CANDIDATES.unitPrice.join(', ')}); map mapping.amount or mapping.quantity and mapping.unitPrice (columns: ${list})`,
    );
  }
  if (index.amount >= 0) index.unitPrice = -1;
  const mapping: TransactionColumnMapping = {
    customerId: headers[index.customerId],
    timestamp: headers[index.timestamp],
  };
  for (const role of ['amount', 'quantity', 'unitPrice', 'orderId'] as Role[])
    if (index[role] >= 0) mapping[role] = headers[index[role]];
  return { mapping, index };
}

const ISO = /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}([ T]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?Z?)?$/;
const COMPACT = /^\d{8}$/;
const SLASHED = /^(\d{1,2})[-/.](\d{1,2})[-/.]\d{4}([ T]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?Z?)?$/;

/**
 * Picks the date format of a column from sample values. Day-first and month-first dates are told
 * apart only by a value above 12 in one position; when no sample shows one, this refuses to guess.
 *
 * @throws IngestError when the samples fit no format, mix day-first and month-first, or are ambiguous.
 */
export function detectDateFormat(column: string, samples: readonly string[], lines?: readonly number[]): DateFormat {
  const lineOf = new Map<string, number>();
  samples.forEach((s, i) => lines && !lineOf.has(s.trim()) && lineOf.set(s.trim(), lines[i]));
  const values = samples.map((s) => s.trim()).filter((s) => s !== '');
  const at = (v: string) => (lineOf.has(v) ? `line ${lineOf.get(v)}: ` : '');
  const choose = `set dateFormat to one of ${DATE_FORMATS.join(', ')}`;
  if (values.length === 0)
    throw new IngestError(
      `cannot detect the date format of column '${column}': the first rows have no dates; ${choose}`,
    );
  if (values.every((v) => COMPACT.test(v))) return 'YYYYMMDD';
  if (values.every((v) => ISO.test(v))) return 'YYYY-MM-DD';
  if (values.every((v) => SLASHED.test(v))) {
    const part = (v: string, i: 1 | 2) => Number(SLASHED.exec(v)?.[i]);
    const dayFirst = values.find((v) => part(v, 1) > 12);
    const monthFirst = values.find((v) => part(v, 2) > 12);
    if (dayFirst && monthFirst) {
      throw new IngestError(
        `the dates in column '${column}' mix day-first ('${dayFirst}') and month-first ('${monthFirst}') values; fix the file or ${choose}`,
      );
    }
    if (dayFirst) return 'DD/MM/YYYY';
    if (monthFirst) return 'MM/DD/YYYY';
    throw new IngestError(
      `the dates in column '${column}' are ambiguous: '${values[0]}' could be DD/MM/YYYY or MM/DD/YYYY (no day above 12 in the first ${values.length} rows); set dateFormat: 'DD/MM/YYYY' or 'MM/DD/YYYY'`,
    );
  }
  // The values fit no one format. Quote what is wrong: a value that fits none, else the first value in a
  // shape other than the most common one (never a valid date of the column's own format).
  const shapes = [COMPACT, ISO, SLASHED];
  const odd = values.find((v) => !shapes.some((shape) => shape.test(v)));
  if (odd !== undefined)
    throw new IngestError(`cannot detect the date format of column '${column}' (${at(odd)}'${odd}'); ${choose}`);
  const counts = shapes.map((shape) => values.filter((v) => shape.test(v)).length);
  const common = shapes[counts.indexOf(Math.max(...counts))];
  const other = values.find((v) => !common.test(v)) as string;
  throw new IngestError(
    `the dates in column '${column}' mix formats: ${at(other)}'${other}' is not in the format of the others (e.g. '${values.find((v) => common.test(v))}'); fix the file or ${choose}`,
  );
}
