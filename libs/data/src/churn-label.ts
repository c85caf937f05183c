import { FeatureRequirementError } from '@workbench/plugin-sdk';
import { dayOf } from './bytes';
import type { TransactionTable } from './transaction-table';

/** Labels of `churnLabelFromPurchaseDays`, one entry per customer in input order. */
export interface ChurnLabels {
  /** 1 = no purchase in the observation window (churned), 0 = bought again. Meaningful only where `hasHistory` is 1. */
  churned: Uint8Array;
  /**
   * 1 = at least one purchase on or before the calibration end: the customer has features as of that day and
   * belongs in the training frame. 0 = first purchase later (or none): leave the customer out.
   */
  hasHistory: Uint8Array;
}

/**
 * The churn label from transactions, with a calibration / observation split (the "no purchase in the next
 * N days" definition): features describe each customer as of `calibrationEndDay` (purchases on that day
 * included), and a customer with such history churned when they make no purchase in the observation window
 * `(calibrationEndDay, calibrationEndDay + horizonDays]`. Purchases after the window are ignored.
 *
 * `purchaseDays[c]` are customer c's purchase days (integer day numbers, e.g. days since 1970-01-01 UTC, any
 * order, returns left out). The transactions must reach at least `calibrationEndDay + horizonDays`, or
 * customers would look churned only because their purchases were not recorded yet; the caller knows the
 * data's last day, this function does not.
 *
 * @example
 * churnLabelFromPurchaseDays([[10, 120], [20, 90], [101]], 100, 30)
 * // { churned: [0, 1, 1], hasHistory: [1, 1, 0] } — the third customer's row is left out
 */
export function churnLabelFromPurchaseDays(
  purchaseDays: ArrayLike<ArrayLike<number>>,
  calibrationEndDay: number,
  horizonDays: number,
): ChurnLabels {
  if (!Number.isInteger(calibrationEndDay))
    throw new FeatureRequirementError(`calibrationEndDay must be an integer day number (got ${calibrationEndDay})`);
  if (!Number.isInteger(horizonDays) || horizonDays < 1)
    throw new FeatureRequirementError(`horizonDays must be a whole number of days, at least 1 (got ${horizonDays})`);
  const observationEnd = calibrationEndDay + horizonDays;
  const churned = new Uint8Array(purchaseDays.length);
  const hasHistory = new Uint8Array(purchaseDays.length);
  for (let c = 0; c < purchaseDays.length; c++) {
    const days = purchaseDays[c];
    let boughtAgain = false;
    for (let k = 0; k < days.length; k++) {
      const day = days[k];
      if (!Number.isFinite(day))
        throw new FeatureRequirementError(`purchase ${k + 1} of customer ${c} has no valid day (got ${day})`);
      if (day <= calibrationEndDay) hasHistory[c] = 1;
      else if (day <= observationEnd) boughtAgain = true;
    }
    churned[c] = hasHistory[c] === 1 && !boughtAgain ? 1 : 0;
  }
  return { churned, hasHistory };
}

/**
 * The churn label of each customer of a transactions table, as of a calibration end day: purchase
 * days are the days of rows that are not returns. Keyed by customer id; customers without history by
 * then are absent.
 */
export function churnLabelsOfTable(
  table: TransactionTable,
  calibrationEndDay: number,
  horizonDays: number,
): Map<string, 0 | 1> {
  const days: number[][] = Array.from({ length: table.customerIds.length }, () => []);
  for (let i = 0; i < table.rowCount; i++)
    if (!table.isReturn[i]) days[table.customer[i]].push(dayOf(table.timestamp[i]));
  const { churned, hasHistory } = churnLabelFromPurchaseDays(days, calibrationEndDay, horizonDays);
  const out = new Map<string, 0 | 1>();
  for (let c = 0; c < days.length; c++)
    if (hasHistory[c]) out.set(table.customerIds.at(c) as string, churned[c] as 0 | 1);
  return out;
}

/**
 * The calibration end for a churn horizon: `horizonDays` before the table's last transaction day, so every
 * customer had the whole horizon to buy again. Throws when the data does not span the horizon plus a day.
 */
export function churnCalibrationEndDay(table: TransactionTable, horizonDays: number): number {
  let lastDay = -Infinity;
  let firstDay = Infinity;
  for (let i = 0; i < table.rowCount; i++) {
    const day = dayOf(table.timestamp[i]);
    if (day > lastDay) lastDay = day;
    if (day < firstDay) firstDay = day;
  }
  if (lastDay - horizonDays < firstDay) {
    throw new FeatureRequirementError(
      `the transactions span ${lastDay - firstDay + 1} days, fewer than the churn horizon of ${horizonDays} days plus a day of history`,
    );
  }
  return lastDay - horizonDays;
}
