import { dayOf, monthOfDay } from './bytes';

/** Every per-customer feature the pass computes; a build keeps the columns of the feature sets it was asked for. */
export const FEATURE_COLUMNS = [
  'recency_days',
  'frequency',
  'monetary',
  'mean_order_value',
  'tenure_days',
  'mean_interpurchase_days',
  'active_months',
  'x',
  't_x',
  'T',
  'monetary_value',
] as const;

export type FeatureColumns = Record<(typeof FEATURE_COLUMNS)[number], Float64Array>;

/** A table's rows grouped by customer (customer c's rows are `rows[offsets[c]]…rows[offsets[c + 1] − 1]`, in file order), with the row columns they index. */
export interface CustomerRowGroups {
  offsets: Int32Array;
  rows: Int32Array;
  timestamp: Float64Array;
  amount: Float64Array;
  order: Int32Array;
  isReturn: Uint8Array;
  /** Distinct order indexes of the table (`order` holds 0…orderCount − 1, or −1 for none). */
  orderCount: number;
  /** The day features are computed as of (days since the epoch, UTC). */
  refDay: number;
}

/** Rows gathered at a time in customer order: ~340 KB of columns, within a core's cache (4K to 64K measured alike). */
const GATHER_ROWS = 1 << 14;

/**
 * The features of customers `from`…`to − 1`, each at its customer index in `out`; a customer without a purchase is
 * left as it was (`frequency` stays 0: a customer with a purchase has at least one order, so that is how the caller
 * tells them apart). Pauses (`yield`) every `step` rows or so. A customer's figures depend on their rows alone, so ranges may be
 * computed apart, on several threads writing to the same shared columns: the result is the one of a single range.
 */
export function* customerFeatureRange(
  groups: CustomerRowGroups,
  from: number,
  to: number,
  out: FeatureColumns,
  step: number,
): Generator<void, void, void> {
  const { offsets, rows, refDay } = groups;
  // The customer (+ 1) who last counted each order, 0 for none: the array starts zeroed, with no pass to fill it.
  const orderSeen = new Int32Array(groups.orderCount);
  let largest = 0;
  for (let c = from; c < to; c++) largest = Math.max(largest, offsets[c + 1] - offsets[c]);
  // A customer's purchases (their places in the gathered block below), reused for every customer.
  const purchases = new Int32Array(largest);
  yield;
  // The rows of the next customers, gathered into small columns in customer order by a loop that does nothing
  // else: its reads of the table's columns, scattered over hundreds of MB, then overlap one another, where read
  // one customer at a time between the work on them they wait one after another (per customer: 4.1-4.8 s at 10M
  // rows, 3.0-3.3 s gathered). A customer's rows always fit (capacity ≥ largest); a block need not end on one.
  const capacity = Math.max(largest, GATHER_ROWS);
  const timestamp = new Float64Array(capacity);
  const amount = new Float64Array(capacity);
  const orderOf = new Int32Array(capacity);
  const isReturn = new Uint8Array(capacity);
  const rangeEnd = offsets[to];
  let blockStart = 0;
  let blockEnd = offsets[from];
  let pauseAt = offsets[from] + step;
  for (let c = from; c < to; c++) {
    if (offsets[c] >= pauseAt) {
      pauseAt = offsets[c] + step;
      yield;
    }
    if (offsets[c + 1] > blockEnd) {
      blockStart = offsets[c];
      blockEnd = Math.min(rangeEnd, blockStart + capacity);
      for (let k = blockStart; k < blockEnd; k++) {
        const i = rows[k];
        timestamp[k - blockStart] = groups.timestamp[i];
        amount[k - blockStart] = groups.amount[i];
        orderOf[k - blockStart] = groups.order[i];
        isReturn[k - blockStart] = groups.isReturn[i];
      }
    }
    // Indexes into the gathered block from here on.
    let monetary = 0;
    let count = 0;
    for (let k = offsets[c] - blockStart; k < offsets[c + 1] - blockStart; k++) {
      monetary += amount[k];
      if (isReturn[k] === 0) purchases[count++] = k;
    }
    if (count === 0) continue;
    // The grouping keeps file order, and exports are usually in time order: sort only when they are not
    // (with Array's stable sort, so rows of equal time keep file order).
    let inOrder = true;
    for (let k = 1; k < count && inOrder; k++) inOrder = timestamp[purchases[k]] >= timestamp[purchases[k - 1]];
    if (!inOrder) purchases.set(Array.from(purchases.subarray(0, count)).sort((a, b) => timestamp[a] - timestamp[b]));
    let orders = 0;
    let days = 0;
    let months = 0;
    let previousDay = Number.NaN;
    let previousMonth = Number.NaN;
    let previousTimestamp = Number.NaN;
    let repeatDayTotal = 0;
    for (let k = 0; k < count; k++) {
      const i = purchases[k];
      const order = orderOf[i];
      if (order >= 0) {
        if (orderSeen[order] !== c + 1) {
          orderSeen[order] = c + 1;
          orders++;
        }
      } else if (timestamp[i] !== previousTimestamp) orders++;
      previousTimestamp = timestamp[i];
      const day = dayOf(timestamp[i]);
      if (day !== previousDay) {
        days++;
        previousDay = day;
        const month = monthOfDay(day);
        if (month !== previousMonth) {
          months++;
          previousMonth = month;
        }
      }
      if (days > 1) repeatDayTotal += amount[i];
    }
    const firstDay = dayOf(timestamp[purchases[0]]);
    const lastPurchaseDay = dayOf(timestamp[purchases[count - 1]]);
    out.recency_days[c] = refDay - lastPurchaseDay;
    out.frequency[c] = orders;
    out.monetary[c] = monetary;
    out.mean_order_value[c] = monetary / orders;
    out.tenure_days[c] = refDay - firstDay;
    out.mean_interpurchase_days[c] = days > 1 ? (lastPurchaseDay - firstDay) / (days - 1) : Number.NaN;
    out.active_months[c] = months;
    out.x[c] = days - 1;
    out.t_x[c] = (lastPurchaseDay - firstDay) / 7;
    out.T[c] = (refDay - firstDay) / 7;
    out.monetary_value[c] = days > 1 ? repeatDayTotal / (days - 1) : 0;
  }
}

/** A range of customers for a worker thread (features.thread): the groups and the output are in shared memory. */
export interface FeatureRangeJob {
  groups: CustomerRowGroups;
  out: FeatureColumns;
  from: number;
  to: number;
}

/** Computes a range in one go (on a worker thread, where nothing waits for turns). */
export function computeFeatureRange(job: FeatureRangeJob): void {
  const steps = customerFeatureRange(job.groups, job.from, job.to, job.out, Number.POSITIVE_INFINITY);
  while (!steps.next().done);
}
