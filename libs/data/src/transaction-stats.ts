import { NumericStats, type ColumnStats } from './stats';
import type { TransactionTable } from './transaction-table';

export interface TransactionStats {
  rows: number;
  customers: number;
  orders: number;
  returnRows: number;
  firstTimestamp: string | null;
  lastTimestamp: string | null;
  amount: ColumnStats;
  quantity: ColumnStats | null;
}

/** Rows a slice of {@link transactionStats} reads before the event loop gets a turn. */
const SLICE_ROWS = 1 << 20;

const turn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Row, customer and order counts, date range and amount/quantity statistics of a table; a slice of rows at a time,
 * with a turn for the event loop after each (the service computes them while the table's writes are in flight).
 */
export async function transactionStats(table: TransactionTable): Promise<TransactionStats> {
  let first = Infinity;
  let last = -Infinity;
  let returnRows = 0;
  for (let from = 0; from < table.rowCount; from += SLICE_ROWS) {
    for (let i = from, to = Math.min(table.rowCount, from + SLICE_ROWS); i < to; i++) {
      const t = table.timestamp[i];
      if (t < first) first = t;
      if (t > last) last = t;
      returnRows += table.isReturn[i];
    }
    await turn();
  }
  const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);
  return {
    rows: table.rowCount,
    customers: table.customerIds.length,
    orders: table.orderIds.length,
    returnRows,
    firstTimestamp: iso(first),
    lastTimestamp: iso(last),
    amount: await numericStats('amount', table.amount),
    quantity: table.quantity ? await numericStats('quantity', table.quantity) : null,
  };
}

async function numericStats(name: string, values: Float64Array): Promise<ColumnStats> {
  const stats = new NumericStats();
  for (let from = 0; from < values.length; from += SLICE_ROWS) {
    stats.addValues(values, from, Math.min(values.length, from + SLICE_ROWS));
    await turn();
  }
  for (let from = 0; from < values.length; from += SLICE_ROWS) {
    stats.addSquares(values, from, Math.min(values.length, from + SLICE_ROWS));
    await turn();
  }
  return stats.result(name, values.length);
}
