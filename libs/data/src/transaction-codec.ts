import { createHash } from 'node:crypto';
import { collectGarbage } from './collect-garbage';
import {
  align8,
  readHead,
  readHeaderJson,
  sectionIn,
  sectionParts,
  typedSection,
  type Section,
  type SectionHeader as LaidOutSection,
  type SectionType,
} from './sections';
import { StringTable, type IdList } from './string-table';
import type { TransactionTable } from './transaction-table';

// Layout 'WBT2' (see sections.ts): the row columns (customer index, order index, timestamp, amount, isReturn,
// quantity?) and the two id dictionaries as binary string tables (u32 end offsets, then the UTF-8 bytes of all
// ids back to back). No JSON holds row-sized data: V8 cannot build a string of tens of millions of ids, and
// parsing one is slow. Only the data goes in (no report, no line numbers), so the bytes — and their hash — do not
// depend on how the file was written (CRLF, BOM, quoting, column order, rejected rows).
// 'WBT1' (ids as JSON in the header) is still read, so versions stored before WBT2 load.
const MAGIC = 'WBT2';
const MAGIC_V1 = 'WBT1';

type SectionName =
  | 'customer'
  | 'order'
  | 'timestamp'
  | 'amount'
  | 'quantity'
  | 'isReturn'
  | 'customerIdEnds'
  | 'customerIdBytes'
  | 'orderIdEnds'
  | 'orderIdBytes';
type SectionHeader = LaidOutSection<SectionName>;
interface Header {
  rowCount: number;
  customerCount: number;
  orderCount: number;
  columns: SectionHeader[];
}

/**
 * The encoding of a transactions table as parts (a small header, then views of the columns and the id tables,
 * with padding between): stored or hashed as their concatenation without building it. Equal tables give equal bytes.
 */
export function encodeTransactionParts(table: TransactionTable): Uint8Array[] {
  const customerIds = StringTable.of(table.customerIds);
  const orderIds = StringTable.of(table.orderIds);
  const sections: [SectionName, SectionType, Section][] = [
    ['customer', 'int32', table.customer.subarray(0, table.rowCount)],
    ['order', 'int32', table.order.subarray(0, table.rowCount)],
    ['timestamp', 'float64', table.timestamp.subarray(0, table.rowCount)],
    ['amount', 'float64', table.amount.subarray(0, table.rowCount)],
    ['isReturn', 'uint8', table.isReturn.subarray(0, table.rowCount)],
  ];
  if (table.quantity) sections.push(['quantity', 'float64', table.quantity.subarray(0, table.rowCount)]);
  sections.push(
    ['customerIdEnds', 'uint32', customerIds.ends],
    ['customerIdBytes', 'uint8', customerIds.bytes],
    ['orderIdEnds', 'uint32', orderIds.ends],
    ['orderIdBytes', 'uint8', orderIds.bytes],
  );
  // The header's keys in this order: the bytes, and so every stored version's content hash, stay as they were.
  return sectionParts(
    MAGIC,
    sections,
    (columns): Header => ({
      rowCount: table.rowCount,
      customerCount: table.customerIds.length,
      orderCount: table.orderIds.length,
      columns,
    }),
  );
}

/** Serialises a transactions table into one buffer (see {@link encodeTransactionParts} to avoid the copy). */
export function encodeTransactions(table: TransactionTable): Uint8Array {
  return Buffer.concat(encodeTransactionParts(table));
}

/** Where the bytes of a stored table come from: a buffer, or a reader of a stored artifact. */
export interface ByteSource {
  readonly size: number;
  /** Fills `target` with the bytes from `position` on. */
  read(target: Uint8Array, position: number): Promise<void>;
}

function parseHeader(head: Uint8Array, what: string): { magic: string; headerLength: number } {
  const { magic, headerLength } = readHead(head);
  if (magic !== MAGIC && magic !== MAGIC_V1)
    throw new Error(`not a workbench transactions table (bad magic bytes${what})`);
  return { magic, headerLength };
}

type SectionOf = (name: SectionName) => Section | null;

/** A table's row columns from its sections (the id dictionaries are read apart: they are not always wanted). */
function rowsOf(header: Header, section: SectionOf): Omit<TransactionTable, 'customerIds' | 'orderIds'> {
  return {
    rowCount: header.rowCount,
    customer: section('customer') as Int32Array,
    order: section('order') as Int32Array,
    timestamp: section('timestamp') as Float64Array,
    amount: section('amount') as Float64Array,
    quantity: section('quantity') as Float64Array | null,
    isReturn: section('isReturn') as Uint8Array,
  };
}

const stringsIn = (section: SectionOf, ends: SectionName, bytes: SectionName) =>
  new StringTable(section(ends) as Uint32Array, section(bytes) as Uint8Array);

/** Reads bytes written by {@link encodeTransactions}: columns are views into `bytes` where aligned, copies otherwise. */
export function decodeTransactions(bytes: Uint8Array): TransactionTable {
  const { magic, headerLength } = parseHeader(bytes, '');
  const header = readHeaderJson<Header & { customerIds?: string[]; orderIds?: string[] }>(bytes, headerLength);
  const section = (name: SectionName): Section | null => {
    const c = header.columns.find((h) => h.name === name);
    return c ? sectionIn(bytes, headerLength, c) : null;
  };
  return {
    ...rowsOf(header, section),
    ...(magic === MAGIC_V1
      ? { customerIds: header.customerIds ?? [], orderIds: header.orderIds ?? [] }
      : {
          customerIds: stringsIn(section, 'customerIdEnds', 'customerIdBytes').toArray(),
          orderIds: stringsIn(section, 'orderIdEnds', 'orderIdBytes'),
        }),
  };
}

/** What to read of a stored table (see {@link readTransactions}). */
export interface ReadTransactionsOptions {
  /**
   * `false`: the order id dictionary is left in the store and only its count is read (the table's `orderIds.at`
   * then throws). Features and KPIs use the order indexes and their count alone, and the ids are most of a
   * table's id bytes: ~1 GiB at 75M orders.
   */
  orderIds?: boolean;
  /**
   * The row columns (customer, order, timestamp, amount, quantity, isReturn) in SharedArrayBuffers: worker threads
   * read them without a copy (the features' threads, see buildCustomerFeaturesYielding), and handed to a sandbox
   * thread they are shared, not moved.
   */
  shared?: boolean;
}

/** Shared memory from which the dead ArrayBuffers are collected first (see collectGarbage): ~10M rows. */
const COLLECT_BEFORE_SHARED_BYTES = 256 * 2 ** 20;

const ROW_SECTIONS: ReadonlySet<SectionName> = new Set([
  'customer',
  'order',
  'timestamp',
  'amount',
  'quantity',
  'isReturn',
]);

/** The row columns of a transactions table, without its id dictionaries (see {@link readTransactionColumns}). */
export type TransactionRowColumns = Pick<
  TransactionTable,
  'rowCount' | 'customer' | 'order' | 'timestamp' | 'amount' | 'isReturn'
>;

/**
 * The sections of a stored table that `wanted` names, each read into a buffer of its own (so no buffer of the whole
 * table is needed, and each section's memory is its own); null for a 'WBT1' table, which is decoded whole.
 */
async function readSections(
  source: ByteSource,
  wanted: (name: SectionName) => boolean,
  shared = false,
): Promise<{ header: Header; sections: Map<SectionName, Section> } | null> {
  const head = new Uint8Array(Math.min(8, source.size));
  await source.read(head, 0);
  const { magic, headerLength } = parseHeader(head, ` in a ${source.size}-byte source`);
  if (magic === MAGIC_V1) return null;
  const json = new Uint8Array(headerLength);
  await source.read(json, 8);
  const header = JSON.parse(Buffer.from(json).toString('utf8')) as Header;
  const dataStart = align8(8 + headerLength);
  const sharedBytes = shared
    ? header.columns.filter((c) => wanted(c.name) && ROW_SECTIONS.has(c.name)).reduce((n, c) => n + c.byteLength, 0)
    : 0;
  if (sharedBytes >= COLLECT_BEFORE_SHARED_BYTES) collectGarbage();
  const sections = new Map<SectionName, Section>();
  for (const c of header.columns) {
    if (!wanted(c.name)) continue;
    const buffer =
      shared && ROW_SECTIONS.has(c.name) ? new SharedArrayBuffer(c.byteLength) : new ArrayBuffer(c.byteLength);
    await source.read(new Uint8Array(buffer), dataStart + c.offset);
    sections.set(c.name, typedSection(c.type, buffer, 0, c.byteLength));
  }
  return { header, sections };
}

async function decodeWhole(source: ByteSource): Promise<TransactionTable> {
  const all = new Uint8Array(source.size);
  await source.read(all, 0);
  return decodeTransactions(all);
}

/** Reads a stored table section by section (each into its own buffer), so no buffer of the whole table is needed. */
export async function readTransactions(
  source: ByteSource,
  options: ReadTransactionsOptions = {},
): Promise<TransactionTable> {
  const withOrderIds = options.orderIds ?? true;
  const read = await readSections(
    source,
    (name) => withOrderIds || (name !== 'orderIdEnds' && name !== 'orderIdBytes'),
    options.shared,
  );
  if (!read) return decodeWhole(source);
  const section = (name: SectionName) => read.sections.get(name) ?? null;
  // Read by the API and worker processes: the customer ids (a million and more) are decoded with turns for the event loop.
  const customerIds = await stringsIn(section, 'customerIdEnds', 'customerIdBytes').toArrayYielding();
  const orderCount = read.header.orderCount;
  const orderIds: IdList = withOrderIds
    ? stringsIn(section, 'orderIdEnds', 'orderIdBytes')
    : {
        length: orderCount,
        at: () => {
          throw new Error(
            `the ${orderCount} order ids of this table were not read (readTransactions with orderIds: false)`,
          );
        },
      };
  return { ...rowsOf(read.header, section), customerIds, orderIds };
}

/**
 * The row columns of a stored table (customer and order indexes, timestamp, amount, isReturn), each in a buffer of
 * its own that the caller owns, without the id dictionaries: what a run's KPIs read, and may move to another thread.
 */
export async function readTransactionColumns(source: ByteSource): Promise<TransactionRowColumns> {
  const names = new Set<SectionName>(['customer', 'order', 'timestamp', 'amount', 'isReturn']);
  const read = await readSections(source, (name) => names.has(name));
  const table = read ? rowsOf(read.header, (name) => read.sections.get(name) ?? null) : await decodeWhole(source);
  const { rowCount, customer, order, timestamp, amount, isReturn } = table;
  return { rowCount, customer, order, timestamp, amount, isReturn };
}

/** A {@link ByteSource} over bytes in memory. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.byteLength,
    read: async (target, position) => {
      if (position < 0 || position + target.byteLength > bytes.byteLength)
        throw new Error(`reading ${target.byteLength} bytes at ${position} runs past the ${bytes.byteLength} bytes`);
      target.set(bytes.subarray(position, position + target.byteLength));
    },
  };
}

/** The content hash of a transactions table: SHA-256 (hex) of its encoding, hashed part by part. */
export function transactionsHash(table: TransactionTable): string {
  const hash = createHash('sha256');
  for (const part of encodeTransactionParts(table)) hash.update(part);
  return hash.digest('hex');
}
