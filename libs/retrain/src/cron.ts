import { Cron } from 'croner';
import { CronExpressionError } from './errors';

/**
 * A validated 5-field cron expression (minute hour day-of-month month day-of-week), evaluated in UTC by
 * croner. The day fields follow Vixie cron: when either field's text starts with `*` (so `*` and also `*／2`)
 * a day must match both; when neither does, it must match either one. croner decides AND or OR per schedule
 * (`domAndDow`), so the flag is set here from the text, as Vixie's DOM_STAR / DOW_STAR do.
 */
export interface CronSchedule {
  expression: string;
  /** The schedule croner evaluates (paused: it never runs a function, it only answers next and previous times). */
  cron: Cron;
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
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
    namesFrom: 1,
  },
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

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
/** Longest possible month (February: 29 in leap years). */
const MAX_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function parseValue(text: string, spec: FieldSpec, where: string): number {
  if (/^\d+$/.test(text)) {
    const v = Number(text);
    if (v < spec.min || v > spec.max)
      throw new CronExpressionError(`${where}: ${v} is out of range ${spec.min}–${spec.max}`);
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
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0)
        throw new CronExpressionError(`${where}: step '${stepText}' in '${item}' must be a whole number ≥ 1`);
      step = Number(stepText);
    }
    let low: number;
    let high: number;
    if (range === '*') {
      low = spec.min;
      high = spec.max;
    } else if (range.includes('-')) {
      const [a, b, more] = range.split('-');
      if (more !== undefined || a === '' || b === '')
        throw new CronExpressionError(`${where}: '${range}' is not a range like 1-5`);
      low = parseValue(a, spec, where);
      high = parseValue(b, spec, where);
      if (low > high)
        throw new CronExpressionError(
          `${where}: range '${range}' goes backwards; ranges do not wrap around (write it as two ranges in a list)`,
        );
    } else {
      if (stepText !== undefined) {
        throw new CronExpressionError(
          `${where}: step '/${stepText}' needs a range or '*' before it (write '${range}-${spec.max}/${stepText}' or '*/${stepText}')`,
        );
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
  if (trimmed === '')
    throw new CronExpressionError(
      'the cron expression is empty; expected 5 fields: minute hour day-of-month month day-of-week',
    );
  let text = trimmed;
  if (trimmed.startsWith('@')) {
    const macro = MACROS[trimmed.toLowerCase()];
    if (!macro)
      throw new CronExpressionError(`unknown cron macro '${trimmed}'; known: ${Object.keys(MACROS).join(', ')}`);
    text = macro;
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5) {
    throw new CronExpressionError(
      `'${expression}' has ${fields.length} field${fields.length === 1 ? '' : 's'}; expected 5: minute hour day-of-month month day-of-week (no seconds, no year)`,
    );
  }
  // Our own reading of each field is for the wording only: croner's messages neither name the field's position
  // nor keep 1-based days and months ('Invalid value for day: -1' for a 0). The schedule itself is croner's.
  const [, , dayOfMonth, month] = fields.map((f, i) => parseField(f, FIELDS[i], i + 1, expression));
  const domAndDow = fields[2].startsWith('*') || fields[4].startsWith('*');
  // With a day-of-week that does not decide on its own, the day-of-month must fit in one of the months.
  if (!fields[2].startsWith('*') && fields[4].startsWith('*') && !month.some((m) => dayOfMonth[0] <= MAX_DAYS[m - 1])) {
    throw new CronExpressionError(
      `'${expression}' never fires: day-of-month ${dayOfMonth.join(',')} does not occur in ${month.map((m) => MONTH_NAMES[m - 1]).join(', ')}`,
    );
  }
  try {
    return { expression, cron: new Cron(text, { timezone: 'UTC', mode: '5-part', domAndDow, paused: true }) };
  } catch (e) {
    throw new CronExpressionError(`'${expression}': ${(e as Error).message.replace(/^CronPattern: /, '')}`);
  }
}

const asSchedule = (expression: string | CronSchedule): CronSchedule =>
  typeof expression === 'string' ? parseCronExpression(expression) : expression;

function checkDate(date: Date, name: string): void {
  if (!Number.isFinite(date.getTime())) throw new CronExpressionError(`'${name}' is not a valid date`);
}

/**
 * The first time strictly after `after` (at a whole minute, UTC) that the expression matches.
 *
 * @example
 * nextCronTime('0 3 * * 1', new Date('2024-06-12T10:00:00Z')) // 2024-06-17T03:00:00.000Z (Monday)
 */
export function nextCronTime(expression: string | CronSchedule, after: Date): Date {
  const s = asSchedule(expression);
  checkDate(after, 'after');
  const next = s.cron.nextRun(after);
  if (!next) throw new CronExpressionError(`'${s.expression}' never fires after ${after.toISOString()}`);
  return next;
}

/**
 * The last time at or before `atOrBefore` (at a whole minute, UTC) that the expression matched, or null when
 * it never did: the schedule time a tick at `atOrBefore` is due for.
 *
 * @example
 * lastCronTime('0 3 * * 1', new Date('2024-06-17T03:00:20Z')) // 2024-06-17T03:00:00.000Z
 */
export function lastCronTime(expression: string | CronSchedule, atOrBefore: Date): Date | null {
  const s = asSchedule(expression);
  checkDate(atOrBefore, 'atOrBefore');
  // croner looks strictly before its reference, with the milliseconds dropped: a reference one second later
  // counts a match in `atOrBefore`'s own minute, and none after it.
  return s.cron.previousRuns(1, new Date(atOrBefore.getTime() + 1000))[0] ?? null;
}
