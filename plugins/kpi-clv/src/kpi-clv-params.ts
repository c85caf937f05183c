import { IsIn, IsNumber, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { TIME_UNITS, type TimeUnit } from './clv';

/**
 * Parameters of kpi-clv. Property initialisers are the defaults: lifetimes' column names, weekly
 * summaries, a 12-month horizon discounted at 1% a month.
 *
 * @example
 * { timeUnit: 'week', horizon: 12, horizonUnit: 'month', discountRatePerPeriod: 0.01 }
 * { frequencyFeature: 'repeat_orders', recencyFeature: 'last_order_age_days', ageFeature: 'tenure_days',
 *   monetaryFeature: 'avg_repeat_order_value', timeUnit: 'day', horizon: 52, horizonUnit: 'week', discountRatePerPeriod: 0.002 }
 */
export class KpiClvParams {
  /** Numeric feature holding x, the number of repeat purchases in the calibration period. */
  @IsString()
  @MinLength(1)
  frequencyFeature = 'x';

  /** Numeric feature holding t_x, the time from the first to the last purchase (0 when x = 0), in `timeUnit`. */
  @IsString()
  @MinLength(1)
  recencyFeature = 't_x';

  /** Numeric feature holding T, the time from the first purchase to the end of the calibration period, in `timeUnit`. */
  @IsString()
  @MinLength(1)
  ageFeature = 'T';

  /** Numeric feature holding z̄, the mean value of the repeat purchases (ignored, may be missing, when x = 0). */
  @IsString()
  @MinLength(1)
  monetaryFeature = 'monetary_value';

  /** Unit in which recency and T are measured; the fitted α is in this unit. */
  @IsIn(TIME_UNITS)
  timeUnit: TimeUnit = 'week';

  /** Length of the prediction horizon, in `horizonUnit`s. */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.001)
  @Max(10_000)
  horizon = 12;

  /** Unit of `horizon` and of one discounting period. */
  @IsIn(TIME_UNITS)
  horizonUnit: TimeUnit = 'month';

  /** Discount rate per `horizonUnit` (0.01 = 1% a period), applied to each period's expected spend. */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  discountRatePerPeriod = 0.01;

  /**
   * `timeUnit`s per `horizonUnit`, overriding the calendar conversion (1 month = 365.25/12 days).
   * Set it only to reproduce another tool's convention, e.g. 4.345 weeks a month as lifetimes does.
   */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1e-6)
  timeUnitsPerHorizonUnit?: number;
}
