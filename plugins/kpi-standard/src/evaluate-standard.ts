import {
  seededRandom,
  throwIfAborted,
  type KpiInput,
  type KpiResult,
  type RunContext,
  type TransactionColumns,
} from '@workbench/plugin-sdk';
import { cacResults } from './acquisition';
import { dayOf, isoBound, monthStart, MS_PER_DAY } from './calendar';
import { customerCohorts, poolCohortRetention } from './cohort-retention';
import { customerActivity, segmentFigures, type CustomerActivity, type SegmentFigures } from './customer-activity';
import {
  analyticCustomerIntervals,
  bootstrapCustomerStatistics,
  percentileInterval,
  wilsonInterval,
  type CustomerIntervals,
} from './intervals';
import { COHORT_KPI_PREFIX } from './kpi-definitions';
import type { KpiStandardParams } from './kpi-standard-params';
import { satisfactionResults } from './satisfaction';
import { keyOf, kpiResult, segmentLayout, type SegmentLayout } from './segment-layout';

/** KPIs that need the transactions table, in report order. */
const TRANSACTION_KPIS = [
  'orders',
  'revenue',
  'revenue_share',
  'average_order_value',
  'purchase_frequency',
  'recency_days',
  'historical_clv',
  'repeat_purchase_rate',
  'retention_rate',
  'churn_rate',
] as const;

/** Rows of each dense segment (and all rows at index `count`), grouped by a counting sort. */
function rowsBySegment(layout: SegmentLayout): Int32Array[] {
  const counts = new Int32Array(layout.count);
  for (let row = 0; row < layout.segmentOfRow.length; row++) counts[layout.segmentOfRow[row]]++;
  const groups = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(layout.count);
  for (let row = 0; row < layout.segmentOfRow.length; row++) {
    const s = layout.segmentOfRow[row];
    groups[s][fill[s]++] = row;
  }
  // A plain loop: Int32Array.from over the keys() iterator took ~0.15 s at 1M rows (CPU profile of a run).
  const all = new Int32Array(layout.segmentOfRow.length);
  for (let row = 0; row < all.length; row++) all[row] = row;
  groups.push(all);
  return groups;
}

/** A seed per segment key, so a segment's intervals do not depend on which other segments exist. */
function segmentSeed(seed: number, key: number | null): number {
  return (seed ^ Math.imul((key ?? -1) + 2, 0x9e3779b1)) >>> 0;
}

const day = (ms: number) => dayOf(ms) * MS_PER_DAY;

/**
 * AOV, frequency and CLV intervals of one group: the percentile bootstrap up to `bootstrapMaxCustomers`
 * customers (small groups, where the normal approximation can be poor), analytic intervals above it
 * (normal approximation / delta method: accurate there by the CLT, O(n) instead of O(B·n)).
 * Null when `bootstrapResamples` is 0 or the group is empty.
 */
function customerIntervals(
  rows: Int32Array,
  activity: CustomerActivity,
  params: KpiStandardParams,
  seed: number,
  signal: AbortSignal,
): CustomerIntervals | null {
  if (params.bootstrapResamples === 0 || rows.length === 0) return null;
  throwIfAborted(signal);
  const valueFactor = params.marginRate ?? 1;
  const level = params.confidenceLevel;
  if (rows.length > params.bootstrapMaxCustomers)
    return analyticCustomerIntervals(rows, activity.revenue, activity.orders, valueFactor, level);
  const boot = bootstrapCustomerStatistics(
    rows,
    activity.revenue,
    activity.orders,
    valueFactor,
    params.bootstrapResamples,
    seededRandom(seed),
  );
  const label = `${params.bootstrapResamples} resamples of customers`;
  return {
    averageOrderValue: percentileInterval(boot.averageOrderValue, level, `${label}, ratio of resampled sums`),
    purchaseFrequency: percentileInterval(boot.purchaseFrequency, level, label),
    valuePerCustomer: percentileInterval(boot.valuePerCustomer, level, label),
  };
}

function transactionResults(
  layout: SegmentLayout,
  activity: CustomerActivity,
  f: SegmentFigures,
  params: KpiStandardParams,
  referenceDate: number,
  intervals: (CustomerIntervals | null)[],
): KpiResult[] {
  const results: KpiResult[] = [];
  const level = params.confidenceLevel;
  const all = layout.count;
  const windowStart =
    params.windowDays !== undefined
      ? referenceDate - params.windowDays * MS_PER_DAY
      : day(Math.min(activity.firstTimestamp, referenceDate));
  const window = { start: isoBound(windowStart), end: isoBound(referenceDate) };
  const recencyWindow = {
    start: isoBound(day(Math.min(activity.earliestTimestamp, referenceDate))),
    end: isoBound(referenceDate),
  };
  const w = params.activeDays;
  const retentionWindow = { start: isoBound(referenceDate - w * MS_PER_DAY), end: isoBound(referenceDate) };
  const previousWindow = `[${isoBound(referenceDate - 2 * w * MS_PER_DAY)}, ${isoBound(referenceDate - w * MS_PER_DAY)})`;
  const left = activity.outsideFrame + activity.afterReference + activity.beforeWindow;
  const scope =
    `Orders counted by ${activity.orderBasis}; ${activity.returnLines} return line(s) net against revenue and are not orders.` +
    (left > 0
      ? ` Left out: ${activity.outsideFrame} line(s) of customers outside the run, ${activity.afterReference} at or after the reference date, ${activity.beforeWindow} before the window.`
      : '');
  const valueFactor = params.marginRate ?? 1;

  for (let s = 0; s <= all; s++) {
    const key = keyOf(layout, s);
    const customers = f.customers[s];
    const orders = f.orders[s];
    const revenue = f.revenue[s];
    const ci = intervals[s];
    results.push(kpiResult(key, 'orders', orders, customers, { window, note: scope }));
    results.push(kpiResult(key, 'revenue', revenue, customers, { window, note: scope }));
    results.push(
      f.revenue[all] === 0
        ? kpiResult(key, 'revenue_share', null, customers, {
            window,
            note: 'not computable: the net revenue of all customers in the window is 0',
          })
        : kpiResult(key, 'revenue_share', revenue / f.revenue[all], customers, { window }),
    );
    results.push(
      orders === 0
        ? kpiResult(key, 'average_order_value', null, customers, {
            window,
            note: `not computable: no order in the window. ${scope}`,
          })
        : kpiResult(key, 'average_order_value', revenue / orders, customers, {
            window,
            note: `${revenue.toFixed(2)} / ${orders} orders. ${scope}`,
            interval: ci?.averageOrderValue ?? null,
          }),
    );
    if (customers === 0) {
      const note = 'not computable: the segment has no customer';
      for (const kpi of ['purchase_frequency', 'recency_days', 'historical_clv', 'repeat_purchase_rate'] as const)
        results.push(kpiResult(key, kpi, null, 0, { window, note }));
    } else {
      results.push(
        kpiResult(key, 'purchase_frequency', orders / customers, customers, {
          window,
          note: `${orders} orders / ${customers} customers.`,
          interval: ci?.purchaseFrequency ?? null,
        }),
      );
      const recent = f.recencyCustomers[s];
      results.push(
        recent === 0
          ? kpiResult(key, 'recency_days', null, 0, {
              window: recencyWindow,
              note: 'not computable: no customer of the segment purchased before the reference date',
            })
          : kpiResult(key, 'recency_days', f.recencyDays[s] / recent, recent, {
              window: recencyWindow,
              note: `Mean over the ${recent} customers with a purchase before the reference date.`,
            }),
      );
      results.push(
        kpiResult(key, 'historical_clv', (revenue * valueFactor) / customers, customers, {
          window,
          note:
            params.marginRate !== undefined
              ? `Margin-based: net revenue ${revenue.toFixed(2)} × marginRate ${params.marginRate} / ${customers} customers.`
              : `Net revenue ${revenue.toFixed(2)} / ${customers} customers (no marginRate given: revenue, not margin).`,
          interval: ci?.valuePerCustomer ?? null,
        }),
      );
      const purchasers = f.purchasers[s];
      results.push(
        purchasers === 0
          ? kpiResult(key, 'repeat_purchase_rate', null, 0, {
              window,
              note: 'not computable: no customer of the segment ordered in the window',
            })
          : kpiResult(key, 'repeat_purchase_rate', f.repeaters[s] / purchasers, purchasers, {
              window,
              note: `${f.repeaters[s]} of ${purchasers} purchasing customers ordered twice or more.`,
              interval: wilsonInterval(f.repeaters[s], purchasers, level),
            }),
      );
    }
    const active = f.previouslyActive[s];
    if (active === 0) {
      const note = `not computable: no customer of the segment purchased in the previous window ${previousWindow} (activeDays = ${w})`;
      results.push(
        kpiResult(key, 'retention_rate', null, 0, { window: retentionWindow, note }),
        kpiResult(key, 'churn_rate', null, 0, { window: retentionWindow, note }),
      );
    } else {
      const retained = f.retained[s];
      const note = `${retained} of the ${active} customers who purchased in ${previousWindow} purchased again in [${retentionWindow.start}, ${retentionWindow.end}) (activeDays = ${w}).`;
      results.push(
        kpiResult(key, 'retention_rate', retained / active, active, {
          window: retentionWindow,
          note,
          interval: wilsonInterval(retained, active, level),
        }),
        kpiResult(key, 'churn_rate', 1 - retained / active, active, {
          window: retentionWindow,
          note,
          interval: wilsonInterval(active - retained, active, level),
        }),
      );
    }
  }
  return results;
}

function cohortResults(
  layout: SegmentLayout,
  tx: TransactionColumns,
  rowCount: number,
  params: KpiStandardParams,
  referenceDate: number,
): KpiResult[] {
  const cohorts = customerCohorts(tx, rowCount, referenceDate, params.cohortMonths);
  const pooled = poolCohortRetention(cohorts, layout.segmentOfRow, layout.count);
  const width = params.cohortMonths + 1;
  const window =
    pooled.firstMonth >= 0
      ? { start: isoBound(monthStart(pooled.firstMonth)), end: isoBound(monthStart(cohorts.lastCompleteMonth + 1)) }
      : undefined;
  const results: KpiResult[] = [];
  for (let s = 0; s <= layout.count; s++) {
    const key = keyOf(layout, s);
    for (let k = 1; k <= params.cohortMonths; k++) {
      const eligible = pooled.eligible[s * width + k];
      const active = pooled.active[s * width + k];
      const kpi = `${COHORT_KPI_PREFIX}${k}`;
      results.push(
        eligible === 0
          ? kpiResult(key, kpi, null, 0, {
              window,
              note: `not computable: no customer of the segment has had month ${k} after acquisition end before the reference date`,
            })
          : kpiResult(key, kpi, active / eligible, eligible, {
              window,
              note: `${active} of ${eligible} customers (cohorts pooled) purchased in month ${k} after their acquisition month. The full matrix: cohortRetentionMatrix().`,
              interval: wilsonInterval(active, eligible, params.confidenceLevel),
            }),
      );
    }
  }
  return results;
}

/**
 * Standard KPIs per segment and overall: customers and share from the frame; orders, revenue, AOV,
 * frequency, recency, historical CLV, repeat rate, retention/churn and cohort retention from the
 * transactions; CAC from `marketing_spend`; CSAT and NPS from `survey`. What cannot be computed is
 * null with a note, never 0 or NaN.
 */
export async function evaluateStandard(input: KpiInput<KpiStandardParams>, ctx: RunContext): Promise<KpiResult[]> {
  const { params, frame, transactions, referenceDate, tables } = input;
  const layout = segmentLayout(input);
  const n = frame.rowCount;
  const results: KpiResult[] = [];
  ctx.progress(0, 'counting customers');

  const customers = new Float64Array(layout.count + 1);
  for (let row = 0; row < n; row++) customers[layout.segmentOfRow[row]]++;
  customers[layout.count] = n;
  for (let s = 0; s <= layout.count; s++) {
    const key = keyOf(layout, s);
    results.push(kpiResult(key, 'customers', customers[s], customers[s]));
    results.push(
      n === 0
        ? kpiResult(key, 'customer_share', null, 0, { note: 'not computable: the run has no customer' })
        : kpiResult(key, 'customer_share', customers[s] / n, customers[s]),
    );
  }

  if (!transactions) {
    const note = 'not available: needs the transactions table of the dataset';
    for (let s = 0; s <= layout.count; s++) {
      for (const kpi of TRANSACTION_KPIS) results.push(kpiResult(keyOf(layout, s), kpi, null, 0, { note }));
      for (let k = 1; k <= params.cohortMonths; k++)
        results.push(kpiResult(keyOf(layout, s), `${COHORT_KPI_PREFIX}${k}`, null, 0, { note }));
    }
  } else {
    throwIfAborted(ctx.signal);
    ctx.progress(0.1, 'aggregating transactions');
    const windowStart = params.windowDays !== undefined ? referenceDate - params.windowDays * MS_PER_DAY : -Infinity;
    const activity = customerActivity(transactions, n, { referenceDate, windowStart, activeDays: params.activeDays });
    const figures = segmentFigures(activity, layout.segmentOfRow, layout.count, referenceDate);
    throwIfAborted(ctx.signal);
    ctx.progress(0.3, 'intervals');
    const groups = rowsBySegment(layout);
    const intervals = groups.map((rows, s) =>
      customerIntervals(rows, activity, params, segmentSeed(ctx.seed, keyOf(layout, s)), ctx.signal),
    );
    results.push(...transactionResults(layout, activity, figures, params, referenceDate, intervals));
    throwIfAborted(ctx.signal);
    ctx.progress(0.7, 'cohorts');
    results.push(...cohortResults(layout, transactions, n, params, referenceDate));
  }
  throwIfAborted(ctx.signal);
  ctx.progress(0.9, 'acquisition and satisfaction');
  results.push(...cacResults(frame, tables, layout, params));
  results.push(...satisfactionResults(frame, tables, layout, params.confidenceLevel));
  ctx.progress(1, 'done');
  return results;
}
