import {
  dayOf,
  daysFromCivil,
  monthOfDay,
  MS_PER_DAY,
  parseDate,
  parseIntegerId,
  parseNumber,
  parsePrefixedId,
} from './bytes';

const b = (text: string) => Buffer.from(text, 'utf8');
const number = (text: string, decimal = 46, thousands = -1, currency = false) =>
  parseNumber(b(text), 0, b(text).length, decimal, thousands, currency);
const id = (text: string) => parseIntegerId(b(text), 0, b(text).length);
const date = (text: string, format: Parameters<typeof parseDate>[3]) => parseDate(b(text), 0, b(text).length, format);

describe('parsing values from bytes', () => {
  it('parses decimals to the same double as Number()', () => {
    for (const text of ['2.55', '0.1', '-3.39', '168469.6', '1e3', '12345678901234567', '.5'])
      expect(number(text)).toBe(Number(text));
  });

  it('accepts currency symbols only when asked to, with signs on either side, and a decimal comma', () => {
    const money = (text: string) => number(text, 46, -1, true);
    expect([money('£2.55'), money('-$5'), money('£-5'), money('7 €'), number(' 3 '), number('3,10', 44)]).toEqual([
      2.55, -5, -5, 7, 3, 3.1,
    ]);
    expect([number('£2.55'), number('-$5'), number('7 €')]).toEqual([NaN, NaN, NaN]);
  });

  it('accepts thousands separators only when asked to, in groups of three', () => {
    const grouped = (text: string, decimal = 46, thousands = 44) => number(text, decimal, thousands);
    expect([
      grouped('1,234'),
      grouped('1,234,567.25'),
      grouped('-12,345.5'),
      grouped('1.234,5', 44, 46),
      grouped('999'),
    ]).toEqual([1234, 1234567.25, -12345.5, 1234.5, 999]);
    expect([
      grouped('1,23'),
      grouped('1,2345'),
      grouped('1234,567'),
      grouped(',123'),
      grouped('1,234.5,6'),
      number('1,234'),
    ]).toEqual([NaN, NaN, NaN, NaN, NaN, NaN]);
  });

  it('gives NaN for blanks and text', () => {
    expect([number(''), number(' '), number('six'), number('1.2.3'), number('1,5')]).toEqual([NaN, NaN, NaN, NaN, NaN]);
  });

  it('reads float-formatted integer ids and leaves other ids to text', () => {
    expect([id('17850.0'), id('17850'), id('0'), id('00042'), id('C536379'), id('1.5'), id('17850.')]).toEqual([
      17850, 17850, 0, -1, -1, -1, -1,
    ]);
  });

  it('counts days like Date.UTC', () => {
    for (const [y, m, d] of [
      [1970, 1, 1],
      [2000, 2, 29],
      [1997, 9, 30],
      [1900, 3, 1],
      [2038, 1, 19],
    ]) {
      expect(daysFromCivil(y, m, d) * 86_400_000).toBe(Date.UTC(y, m - 1, d));
    }
  });

  it('reads dates with optional times and refuses impossible ones', () => {
    expect(date('2010-12-01 08:26:00', 'YYYY-MM-DD')).toBe(Date.UTC(2010, 11, 1, 8, 26));
    expect(date('2010-12-01T08:26:00.5Z', 'YYYY-MM-DD')).toBe(Date.UTC(2010, 11, 1, 8, 26, 0, 500));
    expect(date('19970930', 'YYYYMMDD')).toBe(Date.UTC(1997, 8, 30));
    expect(date('31.12.2010', 'DD/MM/YYYY')).toBe(Date.UTC(2010, 11, 31));
    expect(date('2/29/2012 7:05', 'MM/DD/YYYY')).toBe(Date.UTC(2012, 1, 29, 7, 5));
    for (const [text, format] of [
      ['2011-02-29', 'YYYY-MM-DD'],
      ['2010-12-01 25:00', 'YYYY-MM-DD'],
      ['1997093', 'YYYYMMDD'],
      ['13/13/2010', 'DD/MM/YYYY'],
      ['2010-12-01x', 'YYYY-MM-DD'],
    ] as const) {
      expect(date(text, format)).toBeNaN();
    }
  });

  it('reads YYYY-MM-DD HH:MM:SS dates as Date.UTC does, every field at and past its limits', () => {
    const pad = (n: number, width = 2) => String(n).padStart(width, '0');
    const wrong: string[] = [];
    for (const y of [1600, 1900, 1970, 1999, 2000, 2023, 2024, 2100, 9999])
      for (let m = 0; m <= 13; m++)
        for (const d of [0, 1, 28, 29, 30, 31, 32])
          for (const [h, mi, sec] of [
            [0, 0, 0],
            [23, 59, 59],
            [24, 0, 0],
            [12, 60, 0],
            [12, 0, 60],
          ]) {
            for (const t of [' ', 'T']) {
              const text = `${pad(y, 4)}-${pad(m)}-${pad(d)}${t}${pad(h)}:${pad(mi)}:${pad(sec)}`;
              const utc = Date.UTC(y, m - 1, d, h, mi, sec);
              const at = new Date(utc);
              const valid =
                at.getUTCFullYear() === y &&
                at.getUTCMonth() === m - 1 &&
                at.getUTCDate() === d &&
                at.getUTCHours() === h &&
                at.getUTCMinutes() === mi &&
                at.getUTCSeconds() === sec;
              const got = date(text, 'YYYY-MM-DD');
              if (valid ? got !== utc : got === got) wrong.push(`${text}: ${got}`);
            }
          }
    expect(wrong).toEqual([]);
    // The same layout with other bytes where digits or separators go: read as the general reader reads them.
    expect(date('2023/01/02 09:14:04', 'YYYY-MM-DD')).toBe(Date.UTC(2023, 0, 2, 9, 14, 4));
    expect(date(' 2023-1-2 9:14:04  ', 'YYYY-MM-DD')).toBe(Date.UTC(2023, 0, 2, 9, 14, 4));
    for (const text of ['2023-01-02 09:14:0x', '2023-01-02x09:14:04', '2023-01-02 09-14:04', '2O23-01-02 09:14:04'])
      expect(date(text, 'YYYY-MM-DD')).toBeNaN();
  });

  it('gives the UTC calendar month of every day from 1700 to 2300 as a Date does', () => {
    const wrong: number[] = [];
    for (let day = dayOf(Date.UTC(1700, 0, 1)) - 1; day <= dayOf(Date.UTC(2300, 0, 1)); day++) {
      const d = new Date(day * MS_PER_DAY);
      if (monthOfDay(day) !== d.getUTCFullYear() * 12 + d.getUTCMonth()) wrong.push(day);
    }
    expect(wrong).toEqual([]);
  });
});

describe('parsePrefixedId', () => {
  const prefixed = (text: string, prefix = 'C') => parsePrefixedId(b(text), 0, b(text).length, b(prefix));
  it('reads the integer after the prefix when the rest is an integer as String writes it', () => {
    expect([prefixed('C536379'), prefixed('C0'), prefixed('CN17', 'CN'), prefixed('C999999999999999')]).toEqual([
      536379, 0, 17, 999_999_999_999_999,
    ]);
  });
  it('refuses any other id: no digits, a leading zero, a sign, a fraction, 16 digits, another prefix, no prefix', () => {
    for (const text of ['C', 'C007', 'C-5', 'C+5', 'C1.0', 'C1 ', 'C1234567890123456', 'c1', 'X1', '536379'])
      expect([text, prefixed(text)]).toEqual([text, -1]);
    expect(prefixed('C1', '')).toBe(-1);
  });
});
