import { FeatureRequirementError, type TransactionColumns } from '@workbench/plugin-sdk';
import type { PurchaseHistory } from './bg-nbd';
import { DAYS_PER_UNIT, type TimeUnit } from './clv';

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of an ISO date `YYYY-MM-DD` (UTC). */
export function isoDay(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

/** A calibration summary built from transactions, for the customers that have one. */
export interface CalibrationSummary {
  /** x, t_x, T (in `timeUnit`) and z̄ of each customer in `rows`, in that order. */
  history: PurchaseHistory & { monetary: Float64Array };
  /** Frame row of each summarised customer (ascending). */
  rows: Int32Array;
  /** Customers of the frame with no purchase before `observationEnd` (first purchase on it or later, or none). */
  withoutHistory: number;
  /** Purchase days of each summarised customer after `observationEnd` up to `holdoutEnd`, when one is given. */
  holdoutPurchases?: Float64Array;
  /** Length of the holdout period in `timeUnit`. */
  holdoutLength?: number;
}

/**
 * The calibration summary of Fader, Hardie & Lee (2005) from a transaction log, as BTYD and lifetimes build it:
 * transactions of one customer on one day are one purchase (their amounts summed; returns are not purchases);
 * x = purchase days − 1 up to and including `observationEnd`, t_x = last − first purchase day, T =
 * `observationEnd` − first purchase day, z̄ = mean value of the repeat purchase days (NaN when x = 0), all times
 * in `timeUnit`. With `holdoutEnd`, the purchase days in (observationEnd, holdoutEnd] are counted too.
 * Customers whose first purchase is on `observationEnd` or later have no history (T would be 0) and are left out.
 */
export function calibrationFromTransactions(
  tx: TransactionColumns,
  rowCount: number,
  observationEnd: string,
  holdoutEnd: string | undefined,
  timeUnit: TimeUnit,
): CalibrationSummary {
  const endDay = isoDay(observationEnd);
  const holdoutEndDay = holdoutEnd === undefined ? undefined : isoDay(holdoutEnd);
  const unit = DAYS_PER_UNIT[timeUnit];
  const order = Int32Array.from({ length: tx.customerRow.length }, (_, t) => t).filter((t) => tx.isReturn[t] === 0);
  const day = (t: number) => Math.floor(tx.timestamp[t] / DAY_MS);
  order.sort((s, t) => tx.customerRow[s] - tx.customerRow[t] || tx.timestamp[s] - tx.timestamp[t]);

  const rows: number[] = [];
  const frequency: number[] = [];
  const recency: number[] = [];
  const T: number[] = [];
  const monetary: number[] = [];
  const holdout: number[] = [];
  for (let at = 0; at < order.length; ) {
    const customer = tx.customerRow[order[at]];
    let first = Number.NaN;
    let last = Number.NaN;
    let days = 0;
    let repeatSpend = 0;
    let holdoutDays = 0;
    let previousDay = Number.NaN;
    for (; at < order.length && tx.customerRow[order[at]] === customer; at++) {
      const t = order[at];
      const d = day(t);
      if (d <= endDay) {
        if (d !== previousDay) {
          days++;
          if (days === 1) first = d;
          last = d;
        }
        if (days > 1) repeatSpend += tx.amount[t];
      } else if (holdoutEndDay !== undefined && d <= holdoutEndDay && d !== previousDay) {
        holdoutDays++;
      }
      previousDay = d;
    }
    if (days === 0 || first === endDay) continue;
    rows.push(customer);
    frequency.push(days - 1);
    recency.push((last - first) / unit);
    T.push((endDay - first) / unit);
    monetary.push(days > 1 ? repeatSpend / (days - 1) : Number.NaN);
    holdout.push(holdoutDays);
  }
  if (rows.length === 0)
    throw new FeatureRequirementError(
      `no customer has a purchase before observationEnd ${observationEnd}, so there is no calibration period to fit on`,
    );
  return {
    history: {
      frequency: Float64Array.from(frequency),
      recency: Float64Array.from(recency),
      T: Float64Array.from(T),
      monetary: Float64Array.from(monetary),
    },
    rows: Int32Array.from(rows),
    withoutHistory: rowCount - rows.length,
    ...(holdoutEndDay === undefined
      ? {}
      : { holdoutPurchases: Float64Array.from(holdout), holdoutLength: (holdoutEndDay - endDay) / unit }),
  };
}

/** One row of the calibration-vs-holdout check: customers with `frequency` repeat purchases in calibration. */
export interface HoldoutBucket {
  /** x in calibration: '0', '1', …, or the last bucket 'N+' */
  frequency: string;
  customers: number;
  /** Mean purchases in the holdout period, observed. */
  actual: number;
  /** Mean E[Y(holdout length) | x, t_x, T], BG/NBD. */
  predicted: number;
}

/**
 * Mean actual and predicted holdout purchases per calibration frequency 0, 1, …, `lastBucket` − 1 and
 * `lastBucket`+ (lifetimes' `plot_calibration_purchases_vs_holdout_purchases`, BTYD's
 * `bgnbd.PlotFreqVsConditionalExpectedFrequency`). Empty buckets are left out.
 */
export function holdoutBuckets(
  frequency: Float64Array,
  actual: Float64Array,
  predicted: Float64Array,
  lastBucket = 7,
): HoldoutBucket[] {
  const count = new Float64Array(lastBucket + 1);
  const sumActual = new Float64Array(lastBucket + 1);
  const sumPredicted = new Float64Array(lastBucket + 1);
  for (let i = 0; i < frequency.length; i++) {
    const b = Math.min(frequency[i], lastBucket);
    count[b]++;
    sumActual[b] += actual[i];
    sumPredicted[b] += predicted[i];
  }
  const buckets: HoldoutBucket[] = [];
  for (let b = 0; b <= lastBucket; b++) {
    if (count[b] === 0) continue;
    buckets.push({
      frequency: b === lastBucket ? `${b}+` : String(b),
      customers: count[b],
      actual: sumActual[b] / count[b],
      predicted: sumPredicted[b] / count[b],
    });
  }
  return buckets;
}

/** Pearson correlation of two equally long series (NaN when either is constant). */
export function correlation(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}
