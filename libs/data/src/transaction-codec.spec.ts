import { createHash } from 'node:crypto';
import {
  bytesSource,
  decodeTransactions,
  encodeTransactionParts,
  encodeTransactions,
  ingestTransactions,
  readTransactionColumns,
  readTransactions,
  StringTable,
  transactionsHash,
  type ByteSource,
  type TransactionTable,
} from './index';

const NOW = new Date('2024-01-01T00:00:00Z');
const load = async (text: string) => (await ingestTransactions(Buffer.from(text), { now: NOW })).table;
/** The table with its ids as plain arrays, so tables from either side compare with toEqual. */
const plain = (t: TransactionTable) => ({
  ...t,
  customerIds: StringTable.of(t.customerIds).toArray(),
  orderIds: StringTable.of(t.orderIds).toArray(),
});

/** A table built directly (no ingest): `ids` are both the customer and the order dictionary, one row per id. */
function tableOf(ids: string[]): TransactionTable {
  const n = ids.length;
  return {
    rowCount: n,
    customerIds: ids,
    orderIds: [...ids].reverse(),
    customer: Int32Array.from({ length: n }, (_, i) => i),
    order: Int32Array.from({ length: n }, (_, i) => n - 1 - i),
    timestamp: Float64Array.from({ length: n }, (_, i) => 1.7e12 + i * 1000),
    amount: Float64Array.from({ length: n }, (_, i) => (i % 7) - 2.5),
    quantity: null,
    isReturn: Uint8Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 1 : 0)),
  };
}

/** Reads through a source that hands out at most `chunk` bytes per call, as a chunked artifact reader does. */
function chunkedSource(bytes: Uint8Array, chunk: number): ByteSource & { calls: number } {
  const source = {
    size: bytes.byteLength,
    calls: 0,
    async read(target: Uint8Array, position: number) {
      for (let at = 0; at < target.byteLength; at += chunk) {
        source.calls++;
        target.set(bytes.subarray(position + at, position + Math.min(target.byteLength, at + chunk)), at);
      }
    },
  };
  return source;
}

describe('transactions codec', () => {
  it('round-trips every column and both dictionaries', async () => {
    const table = await load(
      'InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n1,a,2010-12-01,2,1.5\nC2,b,2010-12-02,-1,1.5\n',
    );
    const back = decodeTransactions(encodeTransactions(table));
    expect(plain(back)).toEqual(plain(table));
    expect(plain(await readTransactions(bytesSource(encodeTransactions(table))))).toEqual(plain(table));
  });

  it('reads bytes that sit at any offset of their buffer (views when aligned, copies when not)', async () => {
    const table = await load(
      'InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n1,a,2010-12-01,2,1.5\nC2,b,2010-12-02,-1,1.5\n',
    );
    const bytes = encodeTransactions(table);
    for (const shift of [1, 3, 8]) {
      const shifted = new Uint8Array(bytes.length + shift).subarray(shift);
      shifted.set(bytes);
      expect(plain(decodeTransactions(shifted))).toEqual(plain(table));
    }
  });

  it('round-trips a table without quantity', async () => {
    const table = await load('customer_id,date,amount\n1,2010-12-01,5\n');
    expect(plain(decodeTransactions(encodeTransactions(table)))).toEqual(plain(table));
  });

  it('round-trips ids of every byte width from 0 to 300, and unicode of 1- to 4-byte characters', async () => {
    const widths = Array.from({ length: 301 }, (_, w) => 'x'.repeat(w));
    const unicode = [
      'é',
      'Ω',
      '€',
      '中文客户',
      '🙂',
      'a🙂b',
      'Ünïcödé-ÿ',
      '\u0000nul',
      'é'.repeat(200),
      '𝄞'.repeat(100),
      ' spaced ',
      '"quoted",comma',
    ];
    const table = tableOf([...widths, ...unicode]);
    for (const back of [
      decodeTransactions(encodeTransactions(table)),
      await readTransactions(bytesSource(encodeTransactions(table))),
    ]) {
      expect(back.customerIds).toEqual(table.customerIds);
      expect(plain(back).orderIds).toEqual(table.orderIds);
      expect(plain(back)).toEqual(plain(table));
    }
  });

  it('round-trips dictionaries past 2^8 and 2^16 ids (indexes of every width)', async () => {
    const table = tableOf(Array.from({ length: 70_000 }, (_, i) => String(10_000_000 + i)));
    const back = await readTransactions(bytesSource(encodeTransactions(table)));
    expect(back.customerIds.length).toBe(70_000);
    const ids = plain(table).customerIds;
    expect(plain(back).customerIds.filter((id, i) => id !== ids[i])).toEqual([]);
    expect([
      back.orderIds.length,
      back.orderIds.at(0),
      back.orderIds.at(255),
      back.orderIds.at(256),
      back.orderIds.at(65_536),
      back.orderIds.at(69_999),
    ]).toEqual([
      70_000,
      table.orderIds.at(0),
      table.orderIds.at(255),
      table.orderIds.at(256),
      table.orderIds.at(65_536),
      table.orderIds.at(69_999),
    ]);
    expect(Buffer.compare(Buffer.from(back.customer.buffer), Buffer.from(table.customer.buffer))).toBe(0);
    expect(Buffer.compare(Buffer.from(back.order.buffer), Buffer.from(table.order.buffer))).toBe(0);
  });

  it('reads a table spanning many chunks (13 bytes per read) back equal, section by section', async () => {
    const table = await load(
      'InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n' +
        Array.from(
          { length: 500 },
          (_, i) =>
            `${i % 2 ? 'C' : ''}${1000 + (i >> 1)},cust-${i % 37}-é,2010-12-${String(1 + (i % 28)).padStart(2, '0')},${1 + (i % 5)},${(i % 9) + 0.25}`,
        ).join('\n') +
        '\n',
    );
    const bytes = encodeTransactions(table);
    const source = chunkedSource(bytes, 13);
    expect(plain(await readTransactions(source))).toEqual(plain(table));
    expect(source.calls).toBeGreaterThan(bytes.length / 13);
  });

  it('reads a table without its order ids, or only its row columns, leaving those bytes unread', async () => {
    const table = tableOf(Array.from({ length: 5000 }, (_, i) => `order-and-customer-${i}`));
    const bytes = encodeTransactions(table);
    const counting = () => {
      const source = { ...bytesSource(bytes), bytesRead: 0 };
      const read = source.read;
      source.read = (target, position) => {
        source.bytesRead += target.byteLength;
        return read(target, position);
      };
      return source;
    };
    const idBytes = (ids: readonly string[]) => ids.reduce((sum, id) => sum + 4 + Buffer.byteLength(id), 0);
    const all = counting();
    await readTransactions(all);

    const withoutOrders = counting();
    const back = await readTransactions(withoutOrders, { orderIds: false });
    const { orderIds, ...rest } = back;
    const { orderIds: _, ...expected } = table;
    expect(rest).toEqual(expected);
    expect(orderIds.length).toBe(5000);
    expect(() => orderIds.at(0)).toThrow('the 5000 order ids of this table were not read');
    expect(all.bytesRead - withoutOrders.bytesRead).toBe(idBytes(table.orderIds as string[]));

    const rowsOnly = counting();
    const columns = await readTransactionColumns(rowsOnly);
    const { rowCount, customer, order, timestamp, amount, isReturn } = table;
    expect(columns).toEqual({ rowCount, customer, order, timestamp, amount, isReturn });
    expect(all.bytesRead - rowsOnly.bytesRead).toBe(
      idBytes(table.orderIds as string[]) + idBytes(table.customerIds as string[]),
    );
    // Each column in a buffer of its own: one can be moved to another thread without the others.
    const buffers = [columns.customer, columns.order, columns.timestamp, columns.amount, columns.isReturn].map(
      (c) => c.buffer,
    );
    expect(new Set(buffers).size).toBe(5);
  });

  it('encodes as parts whose concatenation is the encoding, and hashes that', async () => {
    const table = await load(
      'InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n1,a,2010-12-01,2,1.5\nC2,b,2010-12-02,-1,1.5\n',
    );
    const parts = encodeTransactionParts(table);
    expect(Buffer.compare(Buffer.concat(parts), Buffer.from(encodeTransactions(table)))).toBe(0);
    expect(transactionsHash(table)).toBe(createHash('sha256').update(encodeTransactions(table)).digest('hex'));
    // No part holds row-sized JSON: the header is the first part and stays small.
    expect(parts[0].length).toBeLessThan(1024);
  });

  it('still reads the WBT1 layout (ids as JSON in the header) that versions stored before WBT2 use', () => {
    // A one-row WBT1 table, as the previous encoder wrote it (hex of its bytes).
    const header = JSON.stringify({
      rowCount: 1,
      customerIds: ['a'],
      orderIds: ['o1'],
      columns: [
        { name: 'customer', type: 'int32', offset: 0, byteLength: 4 },
        { name: 'order', type: 'int32', offset: 8, byteLength: 4 },
        { name: 'timestamp', type: 'float64', offset: 16, byteLength: 8 },
        { name: 'amount', type: 'float64', offset: 24, byteLength: 8 },
        { name: 'isReturn', type: 'uint8', offset: 32, byteLength: 1 },
      ],
    });
    const start = (8 + header.length + 7) & ~7;
    const bytes = new Uint8Array(start + 40);
    bytes.set(Buffer.from('WBT1', 'latin1'));
    new DataView(bytes.buffer).setUint32(4, header.length, true);
    bytes.set(Buffer.from(header), 8);
    new DataView(bytes.buffer).setFloat64(start + 16, 1.7e12, true);
    new DataView(bytes.buffer).setFloat64(start + 24, 9.5, true);
    const t = decodeTransactions(bytes);
    expect([
      t.rowCount,
      t.customerIds,
      t.orderIds.at(0),
      t.customer[0],
      t.order[0],
      t.timestamp[0],
      t.amount[0],
      t.isReturn[0],
      t.quantity,
    ]).toEqual([1, ['a'], 'o1', 0, 0, 1.7e12, 9.5, 0, null]);
  });

  it('hashes different content differently', async () => {
    const a = await load('customer_id,date,amount\n1,2010-12-01,5\n');
    const b = await load('customer_id,date,amount\n1,2010-12-01,6\n');
    expect(transactionsHash(a)).not.toBe(transactionsHash(b));
  });

  it('refuses bytes that are not a transactions table', async () => {
    expect(() => decodeTransactions(new Uint8Array(8))).toThrow('not a workbench transactions table');
    await expect(readTransactions(bytesSource(new Uint8Array(3)))).rejects.toThrow(
      'not a workbench transactions table (bad magic bytes in a 3-byte source)',
    );
  });
});
