import type { TransactionColumns } from '@workbench/plugin-sdk';

export const SERIES_PERIODS = ['month', 'week'] as const;
export type SeriesPeriod = (typeof SERIES_PERIODS)[number];

const DAY_MS = 86_400_000;

/** One period of a series: [start, end) in UTC, as `YYYY-MM-DD`, and its name (`2011-03`, or the week's Monday `2011-03-07`). */
export interface PeriodInterval {
  name: string;
  start: string;
  end: string;
}

/** A segment's figures in one period. */
export interface SeriesPoint {
  /** Sum of the period's transaction amounts; returns and cancellations are negative and net against it. */
  revenue: number;
  /** Distinct orders among the period's purchase lines (without order ids: distinct purchase days of a customer). */
  orders: number;
  /** Customers with a purchase in the period. */
  activeCustomers: number;
  /** revenue / orders; null without orders. */
  averageOrderValue: number | null;
  /** Customers whose first purchase falls in the period: the period's cohort. */
  newCustomers: number;
  /** Share of the period's cohort who purchase again in the next period; null without a cohort or a next period. */
  cohortRetention: number | null;
}

export interface KpiSeries {
  period: SeriesPeriod;
  periods: PeriodInterval[];
  /** Per segment key (0..k − 1), then all customers at index k: one point per period. */
  points: SeriesPoint[][];
}

const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Period index of a day: months since the first month, or weeks (Monday to Sunday, ISO) since the first week. */
function periodOf(period: SeriesPeriod, day: number, firstDay: number): number {
  if (period === 'week') return (weekStart(day) - weekStart(firstDay)) / 7;
  const d = new Date(day * DAY_MS);
  const f = new Date(firstDay * DAY_MS);
  return (d.getUTCFullYear() - f.getUTCFullYear()) * 12 + d.getUTCMonth() - f.getUTCMonth();
}

/** Day number of the Monday of `day`'s week: day 0 (1970-01-01) was a Thursday. */
const weekStart = (day: number) => day - ((day + 3) % 7);

function intervals(period: SeriesPeriod, firstDay: number, count: number): PeriodInterval[] {
  const out: PeriodInterval[] = [];
  if (period === 'week') {
    const monday = weekStart(firstDay);
    for (let p = 0; p < count; p++)
      out.push({ name: isoDay(monday + 7 * p), start: isoDay(monday + 7 * p), end: isoDay(monday + 7 * p + 7) });
    return out;
  }
  const f = new Date(firstDay * DAY_MS);
  for (let p = 0; p < count; p++) {
    const start = Date.UTC(f.getUTCFullYear(), f.getUTCMonth() + p, 1);
    const end = Date.UTC(f.getUTCFullYear(), f.getUTCMonth() + p + 1, 1);
    out.push({
      name: new Date(start).toISOString().slice(0, 7),
      start: isoDay(start / DAY_MS),
      end: isoDay(end / DAY_MS),
    });
  }
  return out;
}

/**
 * Revenue, orders, active customers, AOV and the retention of each period's cohort, per segment and period
 * (calendar months or ISO weeks, UTC), from a run's transactions and its customer → segment assignment.
 * Every period from the first transaction's to the last one's is present, empty ones with zeros, so the
 * revenue and orders of a segment summed over the periods are its totals over the whole history.
 * Transactions of customers outside the run (`customerRow` −1) are left out.
 */
export function kpiSeries(
  transactions: TransactionColumns,
  segmentOfRow: Int32Array,
  k: number,
  period: SeriesPeriod = 'month',
): KpiSeries {
  const { customerRow, order, timestamp, amount, isReturn } = transactions;
  const n = customerRow.length;
  let firstDay = Number.POSITIVE_INFINITY;
  let lastDay = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (customerRow[i] < 0) continue;
    const day = Math.floor(timestamp[i] / DAY_MS);
    if (day < firstDay) firstDay = day;
    if (day > lastDay) lastDay = day;
  }
  if (firstDay === Number.POSITIVE_INFINITY)
    return { period, periods: [], points: Array.from({ length: k + 1 }, () => []) };
  const count = periodOf(period, lastDay, firstDay) + 1;
  const groups = k + 1;
  const revenue = new Float64Array(groups * count);
  const orders = new Float64Array(groups * count);
  const active = new Float64Array(groups * count);
  const orderSeen = new Set<number>();
  // Per customer: the periods with a purchase (row · count + period) and the first of them.
  const purchased = new Set<number>();
  const firstPeriod = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const row = customerRow[i];
    if (row < 0) continue;
    const s = segmentOfRow[row];
    if (!(s >= 0 && s < k)) continue;
    const day = Math.floor(timestamp[i] / DAY_MS);
    const p = periodOf(period, day, firstDay);
    revenue[s * count + p] += amount[i];
    revenue[k * count + p] += amount[i];
    if (isReturn[i] === 1) continue;
    // Without order ids an order is a purchase day of the customer (kpi-standard's definition).
    const orderKey = order[i] >= 0 ? order[i] * count + p : -((row * 100_000 + (day - firstDay)) * count + p) - 1;
    if (!orderSeen.has(orderKey)) {
      orderSeen.add(orderKey);
      orders[s * count + p]++;
      orders[k * count + p]++;
    }
    const activeKey = row * count + p;
    if (!purchased.has(activeKey)) {
      purchased.add(activeKey);
      active[s * count + p]++;
      active[k * count + p]++;
    }
    const first = firstPeriod.get(row);
    if (first === undefined || p < first) firstPeriod.set(row, p);
  }
  const cohort = new Float64Array(groups * count);
  const retained = new Float64Array(groups * count);
  for (const [row, p] of firstPeriod) {
    const s = segmentOfRow[row];
    const back = purchased.has(row * count + p + 1) ? 1 : 0;
    for (const g of [s, k]) {
      cohort[g * count + p]++;
      retained[g * count + p] += back;
    }
  }
  const points = Array.from({ length: groups }, (_, g) =>
    Array.from({ length: count }, (_, p): SeriesPoint => {
      const at = g * count + p;
      return {
        revenue: revenue[at],
        orders: orders[at],
        activeCustomers: active[at],
        averageOrderValue: orders[at] > 0 ? revenue[at] / orders[at] : null,
        newCustomers: cohort[at],
        cohortRetention: cohort[at] > 0 && p + 1 < count ? retained[at] / cohort[at] : null,
      };
    }),
  );
  return { period, periods: intervals(period, firstDay, count), points };
}
