import { dayOf } from './bytes';
import type { IdList } from './string-table';

/**
 * A transactions table stored by column. Row `i` is a line of a purchase (or a return):
 * `customerIds.at(customer[i])` bought for `amount[i]` at `timestamp[i]` (epoch ms, UTC) in order
 * `orderIds.at(order[i])` (`order[i]` is -1 when the file has no order id column).
 */
export interface TransactionTable {
  rowCount: number;
  /**
   * A `string[]` when read back from storage (runs need every customer's id); as the ingest writes it, a string table
   * (a million ids are their bytes, not a million strings made to be encoded again when the table is stored).
   */
  customerIds: IdList;
  /** Decoded one by one when asked for: features and KPIs need only the order indexes and their count. */
  orderIds: IdList;
  customer: Int32Array;
  order: Int32Array;
  timestamp: Float64Array;
  /** Signed: returns and cancellations are negative. */
  amount: Float64Array;
  /** Present when a quantity column was mapped. */
  quantity: Float64Array | null;
  /** 1 for a recognised return or cancellation (kept only under `returns: 'net'`). */
  isReturn: Uint8Array;
}

/** UTC day number of each row's timestamp (helper for day-level features). */
export function transactionDays(table: TransactionTable): Int32Array {
  const out = new Int32Array(table.rowCount);
  for (let i = 0; i < table.rowCount; i++) out[i] = dayOf(table.timestamp[i]);
  return out;
}
