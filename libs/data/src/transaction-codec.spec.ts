import { decodeTransactions, encodeTransactions, ingestTransactions, transactionsHash } from './index';

const NOW = new Date('2024-01-01T00:00:00Z');
const load = async (text: string) => (await ingestTransactions(Buffer.from(text), { now: NOW })).table;

describe('transactions codec', () => {
  it('round-trips every column and both dictionaries', async () => {
    const table = await load('InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n1,a,2010-12-01,2,1.5\nC2,b,2010-12-02,-1,1.5\n');
    const back = decodeTransactions(encodeTransactions(table));
    expect(back).toEqual(table);
  });

  it('reads bytes that sit at any offset of their buffer (views when aligned, copies when not)', async () => {
    const table = await load('InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n1,a,2010-12-01,2,1.5\nC2,b,2010-12-02,-1,1.5\n');
    const bytes = encodeTransactions(table);
    for (const shift of [1, 3, 8]) {
      const shifted = new Uint8Array(bytes.length + shift).subarray(shift);
      shifted.set(bytes);
      expect(decodeTransactions(shifted)).toEqual(table);
    }
  });

  it('round-trips a table without quantity', async () => {
    const table = await load('customer_id,date,amount\n1,2010-12-01,5\n');
    expect(decodeTransactions(encodeTransactions(table))).toEqual(table);
  });

  it('hashes different content differently', async () => {
    const a = await load('customer_id,date,amount\n1,2010-12-01,5\n');
    const b = await load('customer_id,date,amount\n1,2010-12-01,6\n');
    expect(transactionsHash(a)).not.toBe(transactionsHash(b));
  });

  it('refuses bytes that are not a transactions table', () => {
    expect(() => decodeTransactions(new Uint8Array(8))).toThrow('not a workbench transactions table');
  });
});
