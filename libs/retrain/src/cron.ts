import { CronExpressionError } from './errors';

/**
 * A parsed 5-field cron expression (minute hour day-of-month month day-of-week), evaluated in UTC. Each
 * field holds its allowed values, sorted; day-of-week uses 0 = Sunday … 6 = Saturday (7 is read as 0).
 * Plain JSON, so a policy can store it.
 */
export interface CronSchedule {
  expression: string;
  minute: number[];
  hour: number[];
  dayOfMonth: number[];
  month: number[];
  dayOfWeek: number[];
  /**
   * Vixie cron's DOM_STAR / DOW_STAR flags: the field text starts with `*` (so `*` and also `*／2`). When
   * either is set a day must match both day fields; when neither is, it must match either one.
   */
  dayOfMonthStar: boolean;
  dayOfWeekStar: boolean;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Index of names[0]. */
  namesFrom?: number;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'], namesFrom: 1 },
  { name: 'day-of-week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], namesFrom: 0 },
];

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** Longest possible month (February: 29 in leap years). */
const MAX_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function parseValue(text: string, spec: FieldSpec, where: string): number {
  if (/^\d+$/.test(text)) {
    const v = Number(text);
    if (v < spec.min || v > spec.max) throw new CronExpressionError(`${where}: ${v} is out of range ${spec.min}–${spec.max}`);
    return v;
  }
  const index = spec.names?.indexOf(text.toLowerCase()) ?? -1;
  if (index >= 0) return index + (spec.namesFrom as number);
  const hint = spec.names ? ` or a name (${spec.names.join(', ')})` : '';
  throw new CronExpressionError(`${where}: '${text}' is not a number${hint}`);
}

function parseField(text: string, spec: FieldSpec, position: number, expression: string): number[] {
  const where = `field ${position} (${spec.name}) of '${expression}'`;
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') throw new CronExpressionError(`${where}: empty list item in '${text}'`);
    const [range, stepText, extra] = item.split('/');
    if (extra !== undefined) throw new CronExpressionError(`${where}: '${item}' has more than one '/'`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) throw new CronExpressionError(`${where}: step '${stepText}' in '${item}' must be a whole number ≥ 1`);
      step = Number(stepText);
    }
    let low: number;
    let high: number;
    if (range === '*') {
      low = spec.min;
      high = spec.max;
    } else if (range.includes('-')) {
      const [a, b, more] = range.split('-');
      if (more !== undefined || a === '' || b === '') throw new CronExpressionError(`${where}: '${range}' is not a range like 1-5`);
      low = parseValue(a, spec, where);
      high = parseValue(b, spec, where);
      if (low > high) throw new CronExpressionError(`${where}: range '${range}' goes backwards; ranges do not wrap around (write it as two ranges in a list)`);
    } else {
      if (stepText !== undefined) {
        throw new CronExpressionError(`${where}: step '/${stepText}' needs a range or '*' before it (write '${range}-${spec.max}/${stepText}' or '*/${stepText}')`);
      }
      low = high = parseValue(range, spec, where);
    }
    for (let v = low; v <= high; v += step) values.add(spec.name === 'day-of-week' && v === 7 ? 0 : v);
  }
  return [...values].sort((a, b) => a - b);
}

/**
 * Parses and validates a standard 5-field cron expression (`*`, lists `1,15`, ranges `1-5`, steps `*／15` and
 * `0-30/10`, month and day names `jan` / `mon`, and the macros `@hourly` `@daily` `@weekly` `@monthly` `@yearly`).
 * Throws {@link CronExpressionError} naming the field and the problem; also refuses day-of-month / month
 * combinations that never occur (`0 0 30 2 *`).
 */
export function parseCronExpression(expression: string): CronSchedule {
  const trimmed = expression.trim();
  if (trimmed === '') throw new CronExpressionError('the cron expression is empty; expected 5 fields: minute hour day-of-month month day-of-week');
  let text = trimmed;
  if (trimmed.startsWith('@')) {
    const macro = MACROS[trimmed.toLowerCase()];
    if (!macro) throw new CronExpressionError(`unknown cron macro '${trimmed}'; known: ${Object.keys(MACROS).join(', ')}`);
    text = macro;
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5) {
    throw new CronExpressionError(`'${expression}' has ${fields.length} field${fields.length === 1 ? '' : 's'}; expected 5: minute hour day-of-month month day-of-week (no seconds, no year)`);
  }
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields.map((f, i) => parseField(f, FIELDS[i], i + 1, expression));
  const schedule: CronSchedule = {
    expression,
    minute,
    hour,
    dayOfMonth,
    month,
    dayOfWeek,
    dayOfMonthStar: fields[2].startsWith('*'),
    dayOfWeekStar: fields[4].startsWith('*'),
  };
  // With a day-of-week that does not decide on its own, the day-of-month must fit in one of the months.
  if (!schedule.dayOfMonthStar && schedule.dayOfWeekStar) {
    const fits = month.some((m) => dayOfMonth[0] <= MAX_DAYS[m - 1]);
    if (!fits) {
      throw new CronExpressionError(
        `'${expression}' never fires: day-of-month ${dayOfMonth.join(',')} does not occur in ${month.map((m) => MONTH_NAMES[m - 1]).join(', ')}`,
      );
    }
  }
  return schedule;
}

/** Whether a UTC calendar day matches, with Vixie cron's rule for the two day fields (see {@link CronSchedule}). */
function dayMatches(s: CronSchedule, dayOfMonth: number, dayOfWeek: number): boolean {
  const dom = s.dayOfMonth.includes(dayOfMonth);
  const dow = s.dayOfWeek.includes(dayOfWeek);
  return s.dayOfMonthStar || s.dayOfWeekStar ? dom && dow : dom || dow;
}

const MINUTE = 60_000;
/** The Gregorian calendar repeats every 400 years (146 097 days, a whole number of weeks): no match in that span means none ever. */
const SEARCH_YEARS = 401;

/**
 * The first time strictly after `after` (at a whole minute, UTC) that the expression matches.
 *
 * @example
 * nextCronTime('0 3 * * 1', new Date('2024-06-12T10:00:00Z')) // 2024-06-17T03:00:00.000Z (Monday)
 */
export function nextCronTime(expression: string | CronSchedule, after: Date): Date {
  const s = typeof expression === 'string' ? parseCronExpression(expression) : expression;
  const start = after.getTime();
  if (!Number.isFinite(start)) throw new CronExpressionError(`'after' is not a valid date`);
  const limitYear = new Date(start).getUTCFullYear() + SEARCH_YEARS;
  let t = Math.floor(start / MINUTE) * MINUTE + MINUTE;
  for (;;) {
    const d = new Date(t);
    const year = d.getUTCFullYear();
    if (year > limitYear) throw new CronExpressionError(`'${s.expression}' never fires (no matching time in ${SEARCH_YEARS - 1} years after ${after.toISOString()})`);
    const month = d.getUTCMonth();
    const day = d.getUTCDate();
    const hour = d.getUTCHours();
    if (!s.month.includes(month + 1)) {
      t = Date.UTC(year, month + 1, 1);
    } else if (!dayMatches(s, day, d.getUTCDay())) {
      t = Date.UTC(year, month, day + 1);
    } else if (!s.hour.includes(hour)) {
      t = Date.UTC(year, month, day, hour + 1);
    } else {
      const minute = d.getUTCMinutes();
      const nextMinute = s.minute.find((m) => m >= minute);
      if (nextMinute === minute) return d;
      t = nextMinute === undefined ? Date.UTC(year, month, day, hour + 1) : Date.UTC(year, month, day, hour, nextMinute);
    }
  }
}
