import {
  IsIn,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  Validate,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { Describe } from '@workbench/plugin-sdk';
import { TIME_UNITS, type TimeUnit } from './clv';

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

@ValidatorConstraint({ name: 'holdoutAfterObservationEnd' })
class HoldoutAfterObservationEnd implements ValidatorConstraintInterface {
  validate(holdoutEnd: unknown, args: ValidationArguments): boolean {
    const observationEnd = (args.object as KpiClvParams).observationEnd;
    return typeof holdoutEnd !== 'string' || (typeof observationEnd === 'string' && holdoutEnd > observationEnd);
  }
  defaultMessage(args: ValidationArguments): string {
    const observationEnd = (args.object as KpiClvParams).observationEnd;
    return observationEnd === undefined
      ? 'holdoutEnd needs observationEnd: the holdout period starts the day after the calibration period ends'
      : `holdoutEnd (${String(args.value)}) must be after observationEnd (${observationEnd})`;
  }
}

/**
 * Parameters of kpi-clv. Property initialisers are the defaults: lifetimes' column names, weekly
 * summaries, a 12-month horizon discounted at 1% a month.
 *
 * @example
 * { timeUnit: 'week', horizon: 12, horizonUnit: 'month', discountRatePerPeriod: 0.01 }
 * { frequencyFeature: 'repeat_orders', recencyFeature: 'last_order_age_days', ageFeature: 'tenure_days',
 *   monetaryFeature: 'avg_repeat_order_value', timeUnit: 'day', horizon: 52, horizonUnit: 'week', discountRatePerPeriod: 0.002 }
 * { observationEnd: '1997-09-30', holdoutEnd: '1998-06-30' } // CDNOW's calibration/holdout study, from the transactions
 */
export class KpiClvParams {
  /** Numeric feature holding x, the number of repeat purchases in the calibration period. */
  @Describe('Numeric feature holding x, the number of repeat purchases in the calibration period.')
  @IsString()
  @MinLength(1)
  frequencyFeature = 'x';

  /** Numeric feature holding t_x, the time from the first to the last purchase (0 when x = 0), in `timeUnit`. */
  @Describe('Numeric feature holding t_x, the time from the first to the last purchase (0 when x = 0), in `timeUnit`.')
  @IsString()
  @MinLength(1)
  recencyFeature = 't_x';

  /** Numeric feature holding T, the time from the first purchase to the end of the calibration period, in `timeUnit`. */
  @Describe(
    'Numeric feature holding T, the time from the first purchase to the end of the calibration period, in `timeUnit`.',
  )
  @IsString()
  @MinLength(1)
  ageFeature = 'T';

  /** Numeric feature holding z̄, the mean value of the repeat purchases (ignored, may be missing, when x = 0). */
  @Describe('Numeric feature holding z̄, the mean value of the repeat purchases (ignored, may be missing, when x = 0).')
  @IsString()
  @MinLength(1)
  monetaryFeature = 'monetary_value';

  /** Unit in which recency and T are measured; the fitted α is in this unit. */
  @Describe('Unit in which recency and T are measured; the fitted α is in this unit.')
  @IsIn(TIME_UNITS)
  timeUnit: TimeUnit = 'week';

  /** Length of the prediction horizon, in `horizonUnit`s. */
  @Describe('Length of the prediction horizon, in `horizonUnit`s.')
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.001)
  @Max(10_000)
  horizon = 12;

  /** Unit of `horizon` and of one discounting period. */
  @Describe('Unit of `horizon` and of one discounting period.')
  @IsIn(TIME_UNITS)
  horizonUnit: TimeUnit = 'month';

  /** Discount rate per `horizonUnit` (0.01 = 1% a period), applied to each period's expected spend. */
  @Describe("Discount rate per `horizonUnit` (0.01 = 1% a period), applied to each period's expected spend.")
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  discountRatePerPeriod = 0.01;

  /**
   * `timeUnit`s per `horizonUnit`, overriding the calendar conversion (1 month = 365.25/12 days).
   * Set it only to reproduce another tool's convention, e.g. 4.345 weeks a month as lifetimes does.
   */
  @Describe(
    "`timeUnit`s per `horizonUnit`, overriding the calendar conversion (1 month = 365.25/12 days). Set it only to reproduce another tool's convention, e.g. 4.345 weeks a month as lifetimes does.",
  )
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1e-6)
  timeUnitsPerHorizonUnit?: number;

  /**
   * Last day (ISO date, inclusive) of the calibration period. When given, x, t_x, T and z̄ are built from the
   * dataset's transactions up to this day (same-day transactions are one purchase; T runs to this day)
   * instead of being read from the feature columns, so a calibration/holdout study can be reproduced.
   * Absent: the features as the data has them (calibration ends the day after the last purchase).
   */
  @Describe(
    "Last day (ISO date, inclusive) of the calibration period. When given, x, t_x, T and z̄ are built from the dataset's transactions up to this day (same-day transactions are one purchase; T runs to this day) instead of being read from the feature columns, so a calibration/holdout study can be reproduced. Absent: the features as the data has them (calibration ends the day after the last purchase).",
  )
  @IsOptional()
  @Matches(ISO_DAY, { message: 'observationEnd must be a date as YYYY-MM-DD, e.g. 1997-09-30' })
  @IsISO8601({ strict: true }, { message: 'observationEnd must be a real calendar date (YYYY-MM-DD)' })
  observationEnd?: string;

  /**
   * Last day (ISO date, inclusive) of a holdout period that starts the day after `observationEnd`. When given,
   * the result adds the calibration-vs-holdout check: actual and predicted purchases in the holdout per
   * calibration frequency (0, 1, …, 6, 7+), as lifetimes and BTYD plot it.
   */
  @Describe(
    'Last day (ISO date, inclusive) of a holdout period that starts the day after `observationEnd`. When given, the result adds the calibration-vs-holdout check: actual and predicted purchases in the holdout per calibration frequency (0, 1, …, 6, 7+), as lifetimes and BTYD plot it.',
  )
  @IsOptional()
  @Matches(ISO_DAY, { message: 'holdoutEnd must be a date as YYYY-MM-DD, e.g. 1998-06-30' })
  @IsISO8601({ strict: true }, { message: 'holdoutEnd must be a real calendar date (YYYY-MM-DD)' })
  @Validate(HoldoutAfterObservationEnd)
  holdoutEnd?: string;
}
