/**
 * Seeded transactions as typed columns (no CSV), for the KPI benchmark: `orders` orders placed in time
 * order by customers drawn uniformly from [0, customers), 1–10 lines each, until `lines` lines exist.
 * A share `returnRate` of the orders are returns: all their lines are negative and flagged. Segments are
 * a uniform random assignment to k segments. The counts it returns are what a correct aggregation finds.
 */
import { seededRandom, type TransactionColumns } from '@workbench/plugin-sdk';

export interface KpiTransactionsOptions {
  lines: number;
  customers: number;
  segments: number;
  seed: number;
  /** Share of orders that are returns. Default 0.03. */
  returnRate?: number;
}

export interface KpiTransactions {
  transactions: TransactionColumns;
  /** Segment of each customer (frame row). */
  segment: Int32Array;
  /** The day after the last transaction (epoch ms, UTC midnight). */
  referenceDate: number;
  known: { lines: number; orders: number; purchaseOrders: number; returnLines: number; customersWithPurchase: number };
}

const START = Date.UTC(2023, 0, 1);
const DAY = 86_400_000;

export function generateKpiTransactions(options: KpiTransactionsOptions): KpiTransactions {
  const { lines, customers, segments, seed } = options;
  const returnRate = options.returnRate ?? 0.03;
  const rand = seededRandom(seed);
  const customerRow = new Int32Array(lines);
  const order = new Int32Array(lines);
  const timestamp = new Float64Array(lines);
  const amount = new Float64Array(lines);
  const isReturn = new Uint8Array(lines);
  const bought = new Uint8Array(customers);
  const known = { lines, orders: 0, purchaseOrders: 0, returnLines: 0, customersWithPurchase: 0 };
  // ~5.5 lines an order: a mean gap of 80 s spreads 5M lines over about two years.
  let time = START;
  let t = 0;
  while (t < lines) {
    const o = known.orders++;
    const customer = Math.floor(rand() * customers);
    const returned = rand() < returnRate;
    time += Math.floor(rand() * 160) * 1000;
    const count = Math.min(lines - t, 1 + Math.floor(rand() * 10));
    for (let l = 0; l < count; l++, t++) {
      customerRow[t] = customer;
      order[t] = o;
      timestamp[t] = time;
      const value = (1 + Math.floor(rand() * 24)) * ((1 + Math.floor(rand() * 2000)) / 100);
      amount[t] = returned ? -value : value;
      isReturn[t] = returned ? 1 : 0;
    }
    if (returned) known.returnLines += count;
    else {
      known.purchaseOrders++;
      if (!bought[customer]) {
        bought[customer] = 1;
        known.customersWithPurchase++;
      }
    }
  }
  const segment = new Int32Array(customers);
  for (let c = 0; c < customers; c++) segment[c] = Math.floor(rand() * segments);
  return {
    transactions: { customerRow, order, timestamp, amount, isReturn },
    segment,
    referenceDate: (Math.floor(time / DAY) + 1) * DAY,
    known,
  };
}
