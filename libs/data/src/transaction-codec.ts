import { contentHash } from './frame-codec';
import type { TransactionTable } from './transaction-table';

// Layout: 'WBT1' | u32 header length | header JSON | zero padding to 8 bytes | column buffers (8-byte aligned).
// Only the data goes in (no report, no line numbers), so the bytes — and their hash — do not depend on
// how the file was written (CRLF, BOM, quoting, column order, rejected rows).
const MAGIC = 'WBT1';
const align8 = (n: number) => (n + 7) & ~7;

type ColumnName = 'customer' | 'order' | 'timestamp' | 'amount' | 'quantity' | 'isReturn';
interface ColumnHeader {
  name: ColumnName;
  type: 'int32' | 'float64' | 'uint8';
  offset: number;
  byteLength: number;
}

/** Serialises a transactions table; equal tables give equal bytes. Loading is a copy per column, not a parse. */
export function encodeTransactions(table: TransactionTable): Uint8Array {
  const arrays: [ColumnName, ColumnHeader['type'], Int32Array | Float64Array | Uint8Array][] = [
    ['customer', 'int32', table.customer],
    ['order', 'int32', table.order],
    ['timestamp', 'float64', table.timestamp],
    ['amount', 'float64', table.amount],
    ['isReturn', 'uint8', table.isReturn],
  ];
  if (table.quantity) arrays.push(['quantity', 'float64', table.quantity]);
  const columns: ColumnHeader[] = [];
  let offset = 0;
  for (const [name, type, array] of arrays) {
    columns.push({ name, type, offset, byteLength: array.byteLength });
    offset += align8(array.byteLength);
  }
  const header = Buffer.from(JSON.stringify({ rowCount: table.rowCount, customerIds: table.customerIds, orderIds: table.orderIds, columns }), 'utf8');
  const dataStart = align8(8 + header.length);
  const out = new Uint8Array(dataStart + offset);
  out.set(Buffer.from(MAGIC, 'latin1'), 0);
  new DataView(out.buffer).setUint32(4, header.length, true);
  out.set(header, 8);
  arrays.forEach(([, , array], i) => out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), dataStart + columns[i].offset));
  return out;
}

/** Reads bytes written by {@link encodeTransactions}. */
export function decodeTransactions(bytes: Uint8Array): TransactionTable {
  if (bytes.length < 8 || Buffer.from(bytes.subarray(0, 4)).toString('latin1') !== MAGIC) {
    throw new Error('not a workbench transactions table (bad magic bytes)');
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString('utf8')) as {
    rowCount: number;
    customerIds: string[];
    orderIds: string[];
    columns: ColumnHeader[];
  };
  const dataStart = align8(8 + headerLength);
  const column = (name: ColumnName) => {
    const c = header.columns.find((h) => h.name === name);
    if (!c) return null;
    const start = bytes.byteOffset + dataStart + c.offset;
    const size = c.type === 'int32' ? 4 : c.type === 'float64' ? 8 : 1;
    // A view into the bytes when they are aligned for the column's type (the usual case: a file read whole);
    // a copy otherwise. A view keeps tens of millions of rows from existing twice while they load.
    const [buffer, offset] = start % size === 0 ? [bytes.buffer, start] : [bytes.slice(dataStart + c.offset, dataStart + c.offset + c.byteLength).buffer, 0];
    const length = c.byteLength / size;
    return c.type === 'int32' ? new Int32Array(buffer, offset, length) : c.type === 'float64' ? new Float64Array(buffer, offset, length) : new Uint8Array(buffer, offset, length);
  };
  return {
    rowCount: header.rowCount,
    customerIds: header.customerIds,
    orderIds: header.orderIds,
    customer: column('customer') as Int32Array,
    order: column('order') as Int32Array,
    timestamp: column('timestamp') as Float64Array,
    amount: column('amount') as Float64Array,
    quantity: column('quantity') as Float64Array | null,
    isReturn: column('isReturn') as Uint8Array,
  };
}

/** The content hash of a transactions table: SHA-256 (hex) of its encoding. */
export function transactionsHash(table: TransactionTable): string {
  return contentHash(encodeTransactions(table));
}
