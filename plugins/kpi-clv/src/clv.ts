import { bgNbdConditionalExpectedTransactions, type BgNbdParams, type PurchaseHistory } from './bg-nbd';

/** The time units the plugin knows. Every time quantity is paired with one: a bare number of "periods" is how weekly data gets discounted as if it were daily. */
export type TimeUnit = 'day' | 'week' | 'month';
export const TIME_UNITS: readonly TimeUnit[] = ['day', 'week', 'month'];

/** Days per unit; a month is a mean Julian month, 365.25/12 days (so 4.348 weeks). */
export const DAYS_PER_UNIT: Readonly<Record<TimeUnit, number>> = { day: 1, week: 7, month: 365.25 / 12 };

/** How many `modelUnit`s one `period` lasts, e.g. modelUnitsPerPeriod('month', 'week') = 4.348. */
export function modelUnitsPerPeriod(period: TimeUnit, modelUnit: TimeUnit): number {
  return DAYS_PER_UNIT[period] / DAYS_PER_UNIT[modelUnit];
}

/**
 * A CLV horizon, its discounting and the time unit of the fitted model, all explicit.
 *
 * @example
 * // 12 months at 1% a month, BG/NBD fitted on weekly summaries:
 * { modelTimeUnit: 'week', periodUnit: 'month', horizonPeriods: 12, discountRatePerPeriod: 0.01 }
 */
export interface ClvSchedule {
  /** Unit of x's recency/T and of the BG/NBD α the model was fitted in. */
  modelTimeUnit: TimeUnit;
  /** Unit of one discounting period (and of the horizon). */
  periodUnit: TimeUnit;
  /** Horizon in periods; a fractional last period is cashed and discounted at the horizon itself. */
  horizonPeriods: number;
  /** Discount rate per period, e.g. 0.01 = 1% a period. */
  discountRatePerPeriod: number;
  /**
   * Model time units per period; overrides the calendar conversion of {@link modelUnitsPerPeriod}.
   * lifetimes' `_customer_lifetime_value` uses 4.345 for weekly data ('W') and 30 for daily ('D').
   */
  modelUnitsPerPeriodOverride?: number;
}

/** The model-unit length of one period under `schedule`. */
export function periodLength(schedule: ClvSchedule): number {
  const length =
    schedule.modelUnitsPerPeriodOverride ?? modelUnitsPerPeriod(schedule.periodUnit, schedule.modelTimeUnit);
  if (!(length > 0))
    throw new RangeError(`a period must last a positive time (got ${length} ${schedule.modelTimeUnit}s)`);
  return length;
}

/**
 * Discounted expected value of future transactions over the horizon (the "predictive CLV" of lifetimes'
 * `customer_lifetime_value` and Fader, Hardie & Lee 2005b, JMR 42(4), without a lifetime-to-infinity
 * closed form): with L model units per period and E(t) the conditional expected transactions in
 * (T, T+t] (FHL 2005 eq. (10)),
 *   CLV = Σ_{k=1..K} m · [E(t_k·L) − E(t_{k−1}·L)] / (1+d)^{t_k},  t_k = min(k, H), t_0 = 0, K = ⌈H⌉,
 * where m is the expected mean transaction value (Gamma-Gamma) and d the discount rate per period.
 */
export function customerLifetimeValue(
  params: BgNbdParams,
  history: PurchaseHistory,
  expectedSpend: Float64Array,
  schedule: ClvSchedule,
): Float64Array {
  const { horizonPeriods: H, discountRatePerPeriod: d } = schedule;
  if (!(H > 0) || !Number.isFinite(H)) throw new RangeError(`horizonPeriods must be a positive number (got ${H})`);
  if (!(d > -1) || !Number.isFinite(d)) throw new RangeError(`discountRatePerPeriod must be above −1 (got ${d})`);
  if (expectedSpend.length !== history.frequency.length) {
    throw new RangeError(
      `expectedSpend has ${expectedSpend.length} values but there are ${history.frequency.length} customers`,
    );
  }
  const L = periodLength(schedule);
  const steps = Math.ceil(H);
  const out = new Float64Array(history.frequency.length);
  for (let i = 0; i < out.length; i++) {
    const x = history.frequency[i];
    const tx = history.recency[i];
    const T = history.T[i];
    let previous = 0;
    let value = 0;
    for (let k = 1; k <= steps; k++) {
      const tk = Math.min(k, H);
      const cumulative = bgNbdConditionalExpectedTransactions(params, tk * L, x, tx, T);
      value += (expectedSpend[i] * (cumulative - previous)) / Math.pow(1 + d, tk);
      previous = cumulative;
    }
    out[i] = value;
  }
  return out;
}
