import type { TransactionColumns } from '@workbench/plugin-sdk';
import { dayOf, isoBound, monthIndexOfDay, monthLabel, MS_PER_DAY } from './calendar';

/** Most month columns after acquisition a cohort matrix can have (a 32-bit activity mask per customer). */
export const MAX_MATRIX_MONTHS = 31;

/** Acquisition month and monthly activity of every customer (frame row). */
export interface CustomerCohorts {
  /** Month index (year·12 + month − 1) of the first purchase before the reference date; −1 when none. */
  acquisitionMonth: Int32Array;
  /** Bit k set when the customer purchased in acquisition month + k (k ≤ maxMonths). */
  activeMonths: Uint32Array;
  maxMonths: number;
  /** Month index of the last month that ended on or before the reference date. */
  lastCompleteMonth: number;
}

/**
 * Two passes over the transactions (the acquisition month must be known before activity can be placed
 * relative to it). Purchases are the lines not marked as returns, before the reference date, over the
 * whole history (acquisition is not limited to a measurement window).
 */
export function customerCohorts(
  tx: TransactionColumns,
  rowCount: number,
  referenceDate: number,
  maxMonths: number,
): CustomerCohorts {
  if (!(Number.isInteger(maxMonths) && maxMonths >= 0 && maxMonths <= MAX_MATRIX_MONTHS)) {
    throw new RangeError(`maxMonths must be an integer in [0, ${MAX_MATRIX_MONTHS}], got ${maxMonths}`);
  }
  const { customerRow, timestamp, isReturn } = tx;
  const first = new Float64Array(rowCount).fill(Infinity);
  let earliest = Infinity;
  let latest = -Infinity;
  for (let t = 0; t < customerRow.length; t++) {
    const row = customerRow[t];
    if (row < 0 || row >= rowCount || isReturn[t] !== 0 || !(timestamp[t] < referenceDate)) continue;
    const ts = timestamp[t];
    if (ts < first[row]) first[row] = ts;
    if (ts < earliest) earliest = ts;
    if (ts > latest) latest = ts;
  }
  // Month of every day in the data's range, so the second pass looks months up instead of computing them per line.
  const firstDay = earliest === Infinity ? 0 : Math.floor(earliest / MS_PER_DAY);
  const monthOfDay = new Int32Array(earliest === Infinity ? 0 : Math.floor(latest / MS_PER_DAY) - firstDay + 1);
  for (let d = 0; d < monthOfDay.length; d++) monthOfDay[d] = monthIndexOfDay(firstDay + d);
  const acquisitionMonth = new Int32Array(rowCount);
  for (let row = 0; row < rowCount; row++)
    acquisitionMonth[row] = first[row] === Infinity ? -1 : monthIndexOfDay(Math.floor(first[row] / MS_PER_DAY));
  const activeMonths = new Uint32Array(rowCount);
  for (let t = 0; t < customerRow.length; t++) {
    const row = customerRow[t];
    if (row < 0 || row >= rowCount || isReturn[t] !== 0 || !(timestamp[t] < referenceDate)) continue;
    const k = monthOfDay[Math.floor(timestamp[t] / MS_PER_DAY) - firstDay] - acquisitionMonth[row];
    if (k <= maxMonths) activeMonths[row] |= 1 << k;
  }
  return { acquisitionMonth, activeMonths, maxMonths, lastCompleteMonth: monthIndexOfDay(dayOf(referenceDate)) - 1 };
}

/** Pooled retention at month k = 1..maxMonths per dense segment (index `segmentCount` = all), over customers whose month k is complete. */
export interface PooledCohortRetention {
  /** `(segmentCount + 1) × (maxMonths + 1)`, row-major: customers whose month k after acquisition is complete / who purchased in it. */
  eligible: Float64Array;
  active: Float64Array;
  /** Earliest acquisition month among the customers (−1 when none). */
  firstMonth: number;
}

export function poolCohortRetention(
  cohorts: CustomerCohorts,
  segmentOfRow: Int32Array,
  segmentCount: number,
): PooledCohortRetention {
  const width = cohorts.maxMonths + 1;
  const eligible = new Float64Array((segmentCount + 1) * width);
  const active = new Float64Array((segmentCount + 1) * width);
  const all = segmentCount * width;
  let firstMonth = Infinity;
  for (let row = 0; row < cohorts.acquisitionMonth.length; row++) {
    const a = cohorts.acquisitionMonth[row];
    if (a < 0) continue;
    if (a < firstMonth) firstMonth = a;
    const base = segmentOfRow[row] * width;
    const observed = Math.min(cohorts.maxMonths, cohorts.lastCompleteMonth - a);
    for (let k = 0; k <= observed; k++) {
      const bit = (cohorts.activeMonths[row] >>> k) & 1;
      eligible[base + k]++;
      active[base + k] += bit;
      eligible[all + k]++;
      active[all + k] += bit;
    }
  }
  return { eligible, active, firstMonth: firstMonth === Infinity ? -1 : firstMonth };
}

/** The acquisition-month × months-since matrix, as the API shows it. */
export interface CohortRetentionMatrix {
  /** Acquisition months 'YYYY-MM', ascending; only months in which a customer was acquired. */
  cohorts: string[];
  /** Customers acquired in each cohort month. */
  sizes: number[];
  /** Columns k = 0 … months − 1: months since acquisition (k = 0 is the acquisition month itself). */
  months: number;
  /** active[c][k]: customers of cohort c with a purchase in calendar month cohort + k. */
  active: number[][];
  /** retention[c][k] = active / size; null where month cohort + k had not ended by the reference date. */
  retention: (number | null)[][];
  /** ISO reference date the matrix is computed as of. */
  referenceDate: string;
}

export interface CohortRetentionOptions {
  /** Epoch ms: purchases at or after it are left out, and only months ended by it are reported. */
  referenceDate: number;
  /** Frame rows (customers); transactions of other rows are left out. */
  rowCount: number;
  /** Last column k; default 12, at most 31. */
  maxMonths?: number;
  /** Restricts the matrix to rows with `include[row] === 1` (e.g. the customers of one segment). */
  include?: Uint8Array;
}

/**
 * Cohort retention matrix: customers grouped by the UTC calendar month of their first purchase
 * (acquisition month); cell (c, k) is the share of cohort c who purchased in the k-th calendar month
 * after acquisition. Returns are not purchases. Months that had not ended by the reference date are null.
 *
 * @example
 * const m = cohortRetentionMatrix(input.transactions, { referenceDate: input.referenceDate, rowCount: input.frame.rowCount, maxMonths: 6 });
 * m.cohorts[0]; // '1997-01'
 * m.retention[0][1]; // share of the January cohort who bought again in February
 */
export function cohortRetentionMatrix(
  transactions: TransactionColumns,
  options: CohortRetentionOptions,
): CohortRetentionMatrix {
  const maxMonths = options.maxMonths ?? 12;
  const cohorts = customerCohorts(transactions, options.rowCount, options.referenceDate, maxMonths);
  const width = maxMonths + 1;
  const byMonth = new Map<number, { size: number; active: number[] }>();
  for (let row = 0; row < options.rowCount; row++) {
    const a = cohorts.acquisitionMonth[row];
    if (a < 0 || (options.include && options.include[row] !== 1)) continue;
    let cohort = byMonth.get(a);
    if (!cohort) {
      cohort = { size: 0, active: new Array<number>(width).fill(0) };
      byMonth.set(a, cohort);
    }
    cohort.size++;
    for (let k = 0; k < width; k++) cohort.active[k] += (cohorts.activeMonths[row] >>> k) & 1;
  }
  const months = [...byMonth.keys()].sort((x, y) => x - y);
  return {
    cohorts: months.map(monthLabel),
    sizes: months.map((m) => (byMonth.get(m) as { size: number }).size),
    months: width,
    active: months.map((m) => (byMonth.get(m) as { active: number[] }).active),
    retention: months.map((m) => {
      const cohort = byMonth.get(m) as { size: number; active: number[] };
      return cohort.active.map((count, k) => (m + k <= cohorts.lastCompleteMonth ? count / cohort.size : null));
    }),
    referenceDate: isoBound(options.referenceDate),
  };
}
