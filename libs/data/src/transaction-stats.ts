import { columnStats, type ColumnStats } from './stats';
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

/** Row, customer and order counts, date range and amount/quantity statistics of a table. */
export function transactionStats(table: TransactionTable): TransactionStats {
  let first = Infinity;
  let last = -Infinity;
  let returnRows = 0;
  for (let i = 0; i < table.rowCount; i++) {
    const t = table.timestamp[i];
    if (t < first) first = t;
    if (t > last) last = t;
    returnRows += table.isReturn[i];
  }
  const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);
  return {
    rows: table.rowCount,
    customers: table.customerIds.length,
    orders: table.orderIds.length,
    returnRows,
    firstTimestamp: iso(first),
    lastTimestamp: iso(last),
    amount: columnStats('amount', { kind: 'numeric', values: table.amount }),
    quantity: table.quantity ? columnStats('quantity', { kind: 'numeric', values: table.quantity }) : null,
  };
}
