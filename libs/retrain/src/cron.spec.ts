import { lastCronTime, nextCronTime, parseCronExpression } from './cron';
import { CronExpressionError } from './errors';

const next = (expression: string, after: string): string => nextCronTime(expression, new Date(after)).toISOString();

describe('nextCronTime', () => {
  it('finds the next Monday 03:00 UTC after a Wednesday', () => {
    expect(next('0 3 * * 1', '2024-06-12T10:00:00Z')).toBe('2024-06-17T03:00:00.000Z');
  });

  it('steps every 15 minutes', () => {
    expect(next('*/15 * * * *', '2024-06-12T10:07:30Z')).toBe('2024-06-12T10:15:00.000Z');
    expect(next('*/15 * * * *', '2024-06-12T10:59:00Z')).toBe('2024-06-12T11:00:00.000Z');
  });

  it('returns a time strictly after the given one, ignoring seconds', () => {
    expect(next('*/15 * * * *', '2024-06-12T10:15:00Z')).toBe('2024-06-12T10:30:00.000Z');
    expect(next('* * * * *', '2024-06-12T10:00:59.999Z')).toBe('2024-06-12T10:01:00.000Z');
  });

  it('rolls over the month and the year', () => {
    expect(next('0 0 1 * *', '2024-12-15T08:00:00Z')).toBe('2025-01-01T00:00:00.000Z');
    expect(next('59 23 31 12 *', '2024-12-31T23:59:00Z')).toBe('2025-12-31T23:59:00.000Z');
  });

  it('waits for the next 29 February', () => {
    expect(next('0 0 29 2 *', '2024-03-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
  });

  it('fires on either day field when both are restricted (Vixie OR): the 13th, a Monday, before Friday the 17th', () => {
    expect(next('0 0 13 * 5', '2025-01-11T00:00:00Z')).toBe('2025-01-13T00:00:00.000Z');
  });

  it('fires on either day field: a Friday before the 13th', () => {
    expect(next('0 0 13 * 5', '2024-09-01T00:00:00Z')).toBe('2024-09-06T00:00:00.000Z');
  });

  it('requires both day fields when one starts with * (Vixie DOM_STAR): odd days that are Fridays', () => {
    // Odd days after 1 Sep 2024: 3, 5, 7, …; Fridays: 6, 13, 20, 27 → the 13th.
    expect(next('0 0 */2 * 5', '2024-09-01T00:00:00Z')).toBe('2024-09-13T00:00:00.000Z');
  });

  it('finds a 29 February that is a Sunday when both day fields start with *', () => {
    expect(next('0 0 29 2 */7', '2024-01-01T00:00:00Z')).toBe('2032-02-29T00:00:00.000Z');
  });

  it('reads 7 and sun as Sunday, and month names', () => {
    expect(next('0 12 * * 7', '2024-06-12T00:00:00Z')).toBe('2024-06-16T12:00:00.000Z');
    expect(next('0 12 * * SUN', '2024-06-12T00:00:00Z')).toBe('2024-06-16T12:00:00.000Z');
    expect(next('30 8 1 jan-mar *', '2024-06-12T00:00:00Z')).toBe('2025-01-01T08:30:00.000Z');
  });

  it('takes lists, ranges and stepped ranges', () => {
    // Hours 9, 13, 17 at :00 and :30 on weekdays: after Friday 17:30 comes Monday 09:00, then 09:30 and 13:00.
    expect(nextCronTime('0,30 9-17/4 * * 1-5', new Date('2024-06-14T17:30:00Z')).toISOString()).toBe(
      '2024-06-17T09:00:00.000Z',
    );
    expect(next('0,30 9-17/4 * * 1-5', '2024-06-17T09:00:00Z')).toBe('2024-06-17T09:30:00.000Z');
    expect(next('0,30 9-17/4 * * 1-5', '2024-06-17T09:30:00Z')).toBe('2024-06-17T13:00:00.000Z');
  });

  it('expands the macros', () => {
    expect(next('@weekly', '2024-06-12T10:00:00Z')).toBe('2024-06-16T00:00:00.000Z');
    expect(next('@hourly', '2024-06-12T10:00:00Z')).toBe('2024-06-12T11:00:00.000Z');
  });

  it('accepts a parsed schedule', () => {
    expect(nextCronTime(parseCronExpression('0 3 * * 1'), new Date('2024-06-12T10:00:00Z')).toISOString()).toBe(
      '2024-06-17T03:00:00.000Z',
    );
  });

  it('rejects an invalid date', () => {
    expect(() => nextCronTime('* * * * *', new Date('nope'))).toThrow(
      new CronExpressionError("'after' is not a valid date"),
    );
  });
});

describe('lastCronTime', () => {
  const last = (expression: string, atOrBefore: string): string | undefined =>
    lastCronTime(expression, new Date(atOrBefore))?.toISOString();

  it('counts a match in the very minute given, and none after it', () => {
    expect(last('0 3 * * 1', '2024-06-17T03:00:00Z')).toBe('2024-06-17T03:00:00.000Z');
    expect(last('0 3 * * 1', '2024-06-17T03:00:59.999Z')).toBe('2024-06-17T03:00:00.000Z');
    expect(last('0 3 * * 1', '2024-06-17T02:59:59.999Z')).toBe('2024-06-10T03:00:00.000Z');
  });

  it('applies the Vixie day rule backwards too: odd days that are Fridays', () => {
    expect(last('0 0 */2 * 5', '2024-09-30T00:00:00Z')).toBe('2024-09-27T00:00:00.000Z');
  });

  it('rejects an invalid date', () => {
    expect(() => lastCronTime('* * * * *', new Date('nope'))).toThrow(
      new CronExpressionError("'atOrBefore' is not a valid date"),
    );
  });
});

describe('parseCronExpression', () => {
  const cases: [string, string][] = [
    ['0 3 * *', "'0 3 * *' has 4 fields; expected 5: minute hour day-of-month month day-of-week (no seconds, no year)"],
    [
      '0 0 3 * * 1',
      "'0 0 3 * * 1' has 6 fields; expected 5: minute hour day-of-month month day-of-week (no seconds, no year)",
    ],
    ['', 'the cron expression is empty; expected 5 fields: minute hour day-of-month month day-of-week'],
    ['60 * * * *', "field 1 (minute) of '60 * * * *': 60 is out of range 0–59"],
    ['0 24 * * *', "field 2 (hour) of '0 24 * * *': 24 is out of range 0–23"],
    ['0 0 0 * *', "field 3 (day-of-month) of '0 0 0 * *': 0 is out of range 1–31"],
    ['0 0 * 13 *', "field 4 (month) of '0 0 * 13 *': 13 is out of range 1–12"],
    ['0 0 * * 8', "field 5 (day-of-week) of '0 0 * * 8': 8 is out of range 0–7"],
    [
      '0 0 * * fri-mon',
      "field 5 (day-of-week) of '0 0 * * fri-mon': range 'fri-mon' goes backwards; ranges do not wrap around (write it as two ranges in a list)",
    ],
    [
      '5/15 * * * *',
      "field 1 (minute) of '5/15 * * * *': step '/15' needs a range or '*' before it (write '5-59/15' or '*/15')",
    ],
    ['*/0 * * * *', "field 1 (minute) of '*/0 * * * *': step '0' in '*/0' must be a whole number ≥ 1"],
    ['1,,2 * * * *', "field 1 (minute) of '1,,2 * * * *': empty list item in '1,,2'"],
    [
      '0 0 * foo *',
      "field 4 (month) of '0 0 * foo *': 'foo' is not a number or a name (jan, feb, mar, apr, may, jun, jul, aug, sep, oct, nov, dec)",
    ],
    ['0 0 30 2 *', "'0 0 30 2 *' never fires: day-of-month 30 does not occur in February"],
    [
      '@reboot',
      "unknown cron macro '@reboot'; known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly",
    ],
  ];
  it.each(cases)('rejects %j', (expression, message) => {
    expect(() => parseCronExpression(expression)).toThrow(new CronExpressionError(message));
  });
});
