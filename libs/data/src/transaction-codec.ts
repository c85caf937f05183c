import { createHash } from 'node:crypto';
import type { IdList, TransactionTable } from './transaction-table';

// Layout 'WBT2': 'WBT2' | u32 header length | header JSON (counts and the section layout: a few hundred bytes,
// whatever the row count) | zero padding to 8 bytes | sections, each 8-byte aligned:
// the row columns (customer index, order index, timestamp, amount, isReturn, quantity?) and the two id
// dictionaries as binary string tables (u32 end offsets, then the UTF-8 bytes of all ids back to back).
// No JSON holds row-sized data: V8 cannot build a string of tens of millions of ids, and parsing one is slow.
// Only the data goes in (no report, no line numbers), so the bytes — and their hash — do not depend on how the
// file was written (CRLF, BOM, quoting, column order, rejected rows).
// 'WBT1' (ids as JSON in the header) is still read, so versions stored before WBT2 load.
const MAGIC = 'WBT2';
const MAGIC_V1 = 'WBT1';
const align8 = (n: number) => (n + 7) & ~7;
const PADDING = new Uint8Array(8);

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
type SectionType = 'int32' | 'uint32' | 'float64' | 'uint8';
interface SectionHeader {
  name: SectionName;
  type: SectionType;
  offset: number;
  byteLength: number;
}
interface Header {
  rowCount: number;
  customerCount: number;
  orderCount: number;
  columns: SectionHeader[];
}
type Section = Int32Array | Uint32Array | Float64Array | Uint8Array;

const SIZE: Record<SectionType, number> = { int32: 4, uint32: 4, float64: 8, uint8: 1 };

/**
 * Ids of a dictionary read from a binary string table: decoded one at a time when asked for, so a table of
 * tens of millions of order ids costs its bytes, not a string each.
 */
export class StringTable implements IdList {
  constructor(
    /** `ends[i]`: where id `i`'s UTF-8 bytes end in `bytes` (they start where id `i − 1`'s end). */
    private readonly ends: Uint32Array,
    private readonly bytes: Uint8Array,
  ) {}

  get length(): number {
    return this.ends.length;
  }

  at(index: number): string | undefined {
    if (index < 0) index += this.ends.length;
    if (!(index >= 0 && index < this.ends.length)) return undefined;
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength).toString(
      'utf8',
      index === 0 ? 0 : this.ends[index - 1],
      this.ends[index],
    );
  }

  /** Every id, as strings. */
  toArray(): string[] {
    const text = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    const out = new Array<string>(this.ends.length);
    let start = 0;
    for (let i = 0; i < this.ends.length; i++) {
      out[i] = text.toString('utf8', start, this.ends[i]);
      start = this.ends[i];
    }
    return out;
  }
}

/** The binary string table of `ids`: end offsets (u32) and the UTF-8 bytes, written id by id (never one joined string). */
function stringTable(ids: IdList): { ends: Uint32Array; bytes: Uint8Array } {
  const ends = new Uint32Array(ids.length);
  let total = 0;
  for (let i = 0; i < ids.length; i++) {
    total += Buffer.byteLength(ids.at(i) as string, 'utf8');
    if (total > 0xffff_ffff)
      throw new Error(
        `id dictionary of ${ids.length} ids is larger than 4 GiB of text; ids that long are not supported`,
      );
    ends[i] = total;
  }
  const bytes = Buffer.allocUnsafe(total);
  for (let i = 0, at = 0; i < ids.length; i++) at += bytes.write(ids.at(i) as string, at, 'utf8');
  return { ends, bytes };
}

/**
 * The encoding of a transactions table as parts (a small header, then views of the columns and the id tables,
 * with padding between): stored or hashed as their concatenation without building it. Equal tables give equal bytes.
 */
export function encodeTransactionParts(table: TransactionTable): Uint8Array[] {
  const customerIds = stringTable(table.customerIds);
  const orderIds = stringTable(table.orderIds);
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
  const columns: SectionHeader[] = [];
  let offset = 0;
  for (const [name, type, array] of sections) {
    columns.push({ name, type, offset, byteLength: array.byteLength });
    offset += align8(array.byteLength);
  }
  const header: Header = {
    rowCount: table.rowCount,
    customerCount: table.customerIds.length,
    orderCount: table.orderIds.length,
    columns,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const head = new Uint8Array(align8(8 + json.length));
  head.set(Buffer.from(MAGIC, 'latin1'), 0);
  new DataView(head.buffer).setUint32(4, json.length, true);
  head.set(json, 8);
  const parts: Uint8Array[] = [head];
  for (const [, , array] of sections) {
    parts.push(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    if (array.byteLength % 8) parts.push(PADDING.subarray(0, align8(array.byteLength) - array.byteLength));
  }
  return parts;
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
  const magic = head.length >= 8 ? Buffer.from(head.subarray(0, 4)).toString('latin1') : '';
  if (magic !== MAGIC && magic !== MAGIC_V1)
    throw new Error(`not a workbench transactions table (bad magic bytes${what})`);
  return { magic, headerLength: new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(4, true) };
}

function tableOf(
  header: Header,
  section: (name: SectionName) => Section | null,
  v1Ids?: { customerIds: string[]; orderIds: string[] },
): TransactionTable {
  const ids = (ends: SectionName, bytes: SectionName) =>
    new StringTable(section(ends) as Uint32Array, section(bytes) as Uint8Array);
  return {
    rowCount: header.rowCount,
    customerIds: v1Ids?.customerIds ?? ids('customerIdEnds', 'customerIdBytes').toArray(),
    orderIds: v1Ids?.orderIds ?? ids('orderIdEnds', 'orderIdBytes'),
    customer: section('customer') as Int32Array,
    order: section('order') as Int32Array,
    timestamp: section('timestamp') as Float64Array,
    amount: section('amount') as Float64Array,
    quantity: section('quantity') as Float64Array | null,
    isReturn: section('isReturn') as Uint8Array,
  };
}

const typed = (type: SectionType, buffer: ArrayBufferLike, offset: number, byteLength: number): Section => {
  const length = byteLength / SIZE[type];
  return type === 'int32'
    ? new Int32Array(buffer, offset, length)
    : type === 'uint32'
      ? new Uint32Array(buffer, offset, length)
      : type === 'float64'
        ? new Float64Array(buffer, offset, length)
        : new Uint8Array(buffer, offset, length);
};

/** Reads bytes written by {@link encodeTransactions}: columns are views into `bytes` where aligned, copies otherwise. */
export function decodeTransactions(bytes: Uint8Array): TransactionTable {
  const { magic, headerLength } = parseHeader(bytes, '');
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString('utf8')) as Header & {
    customerIds?: string[];
    orderIds?: string[];
  };
  const dataStart = align8(8 + headerLength);
  const section = (name: SectionName): Section | null => {
    const c = header.columns.find((h) => h.name === name);
    if (!c) return null;
    const start = bytes.byteOffset + dataStart + c.offset;
    // A view when the bytes are aligned for the type (the usual case): tens of millions of rows exist once.
    return start % SIZE[c.type] === 0
      ? typed(c.type, bytes.buffer, start, c.byteLength)
      : typed(c.type, bytes.slice(dataStart + c.offset, dataStart + c.offset + c.byteLength).buffer, 0, c.byteLength);
  };
  return tableOf(
    header,
    section,
    magic === MAGIC_V1 ? { customerIds: header.customerIds ?? [], orderIds: header.orderIds ?? [] } : undefined,
  );
}

/** Reads a stored table section by section (each into its own buffer), so no buffer of the whole table is needed. */
export async function readTransactions(source: ByteSource): Promise<TransactionTable> {
  const head = new Uint8Array(Math.min(8, source.size));
  await source.read(head, 0);
  const { magic, headerLength } = parseHeader(head, ` in a ${source.size}-byte source`);
  if (magic === MAGIC_V1) {
    const all = new Uint8Array(source.size);
    await source.read(all, 0);
    return decodeTransactions(all);
  }
  const json = new Uint8Array(headerLength);
  await source.read(json, 8);
  const header = JSON.parse(Buffer.from(json).toString('utf8')) as Header;
  const dataStart = align8(8 + headerLength);
  const sections = new Map<SectionName, Section>();
  for (const c of header.columns) {
    const buffer = new ArrayBuffer(c.byteLength);
    await source.read(new Uint8Array(buffer), dataStart + c.offset);
    sections.set(c.name, typed(c.type, buffer, 0, c.byteLength));
  }
  return tableOf(header, (name) => sections.get(name) ?? null);
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
