import { IsInt, IsNumber, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { Describe } from '@workbench/plugin-sdk';

/** Most months after acquisition the cohort KPIs report (`cohort_retention_m1` … `cohort_retention_m12`). */
export const MAX_COHORT_MONTHS = 12;

/**
 * Parameters of kpi-standard. Property initialisers are the defaults.
 *
 * @example
 * {}                                                     // whole history, 90-day activity window
 * { windowDays: 365, activeDays: 30, marginRate: 0.35 }  // last year; monthly retention; margin-based CLV
 * { channelFeature: 'channel', signupFeature: 'first_order_month', bootstrapResamples: 2000 }
 * { bootstrapMaxCustomers: 0 }                         // analytic intervals everywhere (no bootstrap)
 */
export class KpiStandardParams {
  /**
   * Length of the measurement window in days, ending at the reference date: orders, revenue, AOV,
   * frequency, CLV and repeat rate count transactions in [ref − windowDays, ref). Absent: the whole
   * history before the reference date.
   */
  @Describe(
    'Length of the measurement window in days, ending at the reference date: orders, revenue, AOV, frequency, CLV and repeat rate count transactions in [ref − windowDays, ref). Absent: the whole history before the reference date.',
  )
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(36_500)
  windowDays?: number;

  /**
   * Activity window w (days) of retention and churn: a customer who purchased in [ref − 2w, ref − w)
   * is retained when they purchase again in [ref − w, ref).
   */
  @Describe(
    'Activity window w (days) of retention and churn: a customer who purchased in [ref − 2w, ref − w) is retained when they purchase again in [ref − w, ref).',
  )
  @IsInt()
  @Min(1)
  @Max(3650)
  activeDays = 90;

  /** Gross margin rate in (0, 1]: when given, historical CLV is margin (revenue × marginRate) per customer instead of revenue. */
  @Describe(
    'Gross margin rate in (0, 1]: when given, historical CLV is margin (revenue × marginRate) per customer instead of revenue.',
  )
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1e-6)
  @Max(1)
  marginRate?: number;

  /** Bootstrap resamples B for the intervals of AOV, frequency and CLV; 0 leaves those intervals out (bootstrap and analytic alike). */
  @Describe(
    'Bootstrap resamples B for the intervals of AOV, frequency and CLV; 0 leaves those intervals out (bootstrap and analytic alike).',
  )
  @IsInt()
  @Min(0)
  @Max(100_000)
  bootstrapResamples = 1000;

  /**
   * Largest group (a segment, or all customers) whose AOV, frequency and CLV intervals are bootstrapped.
   * A larger group gets analytic intervals instead (normal approximation for the two means, delta method
   * for the AOV ratio): the central limit theorem makes them agree with the bootstrap there, at O(n)
   * instead of O(B·n). 0 = never bootstrap (analytic everywhere).
   */
  @Describe(
    'Largest group (a segment, or all customers) whose AOV, frequency and CLV intervals are bootstrapped. A larger group gets analytic intervals instead (normal approximation for the two means, delta method for the AOV ratio): the central limit theorem makes them agree with the bootstrap there, at O(n) instead of O(B·n). 0 = never bootstrap (analytic everywhere).',
  )
  @IsInt()
  @Min(0)
  bootstrapMaxCustomers = 20_000;

  /** Confidence level of every interval. */
  @Describe('Confidence level of every interval.')
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.5)
  @Max(0.999)
  confidenceLevel = 0.95;

  /** Months after acquisition reported as `cohort_retention_m1` … `cohort_retention_m{cohortMonths}`. */
  @Describe('Months after acquisition reported as `cohort_retention_m1` … `cohort_retention_m{cohortMonths}`.')
  @IsInt()
  @Min(1)
  @Max(MAX_COHORT_MONTHS)
  cohortMonths = MAX_COHORT_MONTHS;

  /** Categorical customer column naming the acquisition channel, matched to `marketing_spend.channel`. */
  @Describe('Categorical customer column naming the acquisition channel, matched to `marketing_spend.channel`.')
  @IsString()
  @MinLength(1)
  channelFeature = 'acquisition_channel';

  /** Categorical customer column with the signup month 'YYYY-MM' (a longer ISO date is cut to its month), matched to `marketing_spend.period`. */
  @Describe(
    "Categorical customer column with the signup month 'YYYY-MM' (a longer ISO date is cut to its month), matched to `marketing_spend.period`.",
  )
  @IsString()
  @MinLength(1)
  signupFeature = 'signup_month';
}
