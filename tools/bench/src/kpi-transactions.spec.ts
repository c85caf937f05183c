import { generateKpiTransactions } from './kpi-transactions';

describe('generateKpiTransactions', () => {
  const options = { lines: 20_000, customers: 500, segments: 8, seed: 3 };

  it('has the requested shape and counts what it wrote', () => {
    const g = generateKpiTransactions(options);
    expect(g.transactions.amount).toHaveLength(20_000);
    expect(g.segment).toHaveLength(500);
    expect(new Set(g.segment).size).toBe(8);
    const returns = g.transactions.isReturn.reduce((s, v) => s + v, 0);
    expect(returns).toBe(g.known.returnLines);
    expect(new Set(g.transactions.order).size).toBe(g.known.orders);
    expect(g.referenceDate).toBeGreaterThan(g.transactions.timestamp[19_999]);
  });

  it('gives the same data for the same seed', () => {
    const a = generateKpiTransactions(options);
    const b = generateKpiTransactions(options);
    expect(Buffer.from(b.transactions.amount.buffer).equals(Buffer.from(a.transactions.amount.buffer))).toBe(true);
    expect(Array.from(b.segment)).toEqual(Array.from(a.segment));
  });
});
