import { columnStats } from './stats';
import { transactionStats } from './transaction-stats';
import type { TransactionTable } from './transaction-table';

describe('transactionStats', () => {
  it('gives in slices (2.5M rows, a turn after each million) what one pass over the columns gives, to the bit', async () => {
    const rowCount = 2_500_000;
    const amount = new Float64Array(rowCount);
    const quantity = new Float64Array(rowCount);
    const timestamp = new Float64Array(rowCount);
    const isReturn = new Uint8Array(rowCount);
    for (let i = 0; i < rowCount; i++) {
      amount[i] = ((i * 7919) % 100_003) / 7 - 300;
      quantity[i] = i % 1013 === 0 ? NaN : (i % 17) + 0.1;
      timestamp[i] = Date.UTC(2020, 0, 1) + ((i * 104_729) % 86_400_000) * 1000;
      isReturn[i] = amount[i] < 0 ? 1 : 0;
    }
    const table: TransactionTable = {
      rowCount,
      customerIds: ['a', 'b'],
      orderIds: ['x'],
      customer: new Int32Array(rowCount),
      order: new Int32Array(rowCount),
      timestamp,
      amount,
      quantity,
      isReturn,
    };
    let turns = 0;
    const counting = setInterval(() => turns++, 0);
    const stats = await transactionStats(table);
    clearInterval(counting);
    expect(stats).toEqual({
      rows: rowCount,
      customers: 2,
      orders: 1,
      returnRows: isReturn.reduce((n, r) => n + r, 0),
      firstTimestamp: new Date(timestamp.reduce((a, b) => Math.min(a, b))).toISOString(),
      lastTimestamp: new Date(timestamp.reduce((a, b) => Math.max(a, b))).toISOString(),
      amount: columnStats('amount', { kind: 'numeric', values: amount }),
      quantity: columnStats('quantity', { kind: 'numeric', values: quantity }),
    });
    expect(stats.quantity?.type === 'numeric' && stats.quantity.missing).toBe(Math.ceil(rowCount / 1013));
    expect(turns).toBeGreaterThan(0);
  });
});
