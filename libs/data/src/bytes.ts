// Parsing values straight from the bytes of a field, so ingest creates no string per number or date.

/** Powers of ten exact as doubles: `m / 10^k` of a mantissa of up to 15 digits is one correctly rounded division. */
export const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];
const MS_PER_DAY = 86_400_000;

/** Index of the first byte after leading spaces/tabs. */
export function trimStart(b: Uint8Array, s: number, e: number): number {
  while (s < e && (b[s] === 32 || b[s] === 9)) s++;
  return s;
}

/** Index after the last byte that is not a space/tab. */
export function trimEnd(b: Uint8Array, s: number, e: number): number {
  while (e > s && (b[e - 1] === 32 || b[e - 1] === 9)) e--;
  return e;
}

/** Length of a currency symbol (`$`, `£`, `€` in UTF-8) at `s`, else 0. */
function currencyAt(b: Uint8Array, s: number, e: number): number {
  const c = b[s];
  if (c === 0x24) return 1;
  if (c === 0xc2 && s + 1 < e && b[s + 1] === 0xa3) return 2;
  if (c === 0xe2 && s + 2 < e && b[s + 1] === 0x82 && b[s + 2] === 0xac) return 3;
  return 0;
}

/**
 * A decimal number from bytes `[s, e)`: optional sign, digits with `decimal` (46 for `.`, 44 for `,`)
 * as the decimal separator, and an exponent when the separator is `.`. NaN when the field is blank or
 * not a number. Two things are accepted only when asked for, so that a stray `£30` or `1,234` in a
 * file is reported rather than guessed at: `thousands` (a byte such as 44 for `,`; -1 for none)
 * separating groups of exactly three digits (`1,234,567.5`), and `currency`: a `$`, `£` or `€`
 * before or after the number (`£5`, `-$5`, `£-5`, `5 €`).
 * With up to 15 significant digits `m / 10^k` is one correctly rounded division, so the result is
 * the same double as `Number(text)`; longer numbers fall back to `Number`.
 */
export function parseNumber(
  b: Uint8Array,
  s: number,
  e: number,
  decimal: number,
  thousands = -1,
  currency = false,
): number {
  s = trimStart(b, s, e);
  e = trimEnd(b, s, e);
  let negative = false;
  if (b[s] === 45) {
    negative = true;
    s++;
  } else if (b[s] === 43) s++;
  if (currency) {
    s += currencyAt(b, s, e);
    if (!negative && b[s] === 45) {
      negative = true;
      s++;
    }
  }
  const digitsStart = s;
  let mantissa = 0;
  let digits = 0;
  let fraction = 0;
  let seenDecimal = false;
  // Digits since the last thousands separator (-1: none seen yet).
  let group = -1;
  for (; s < e; s++) {
    const c = b[s];
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (seenDecimal) fraction++;
      else if (group >= 0) group++;
    } else if (c === decimal && !seenDecimal) {
      if (group >= 0 && group !== 3) return Number.NaN;
      seenDecimal = true;
    } else if (c === thousands && !seenDecimal && digits > 0 && (group < 0 ? digits <= 3 : group === 3)) {
      group = 0;
    } else break;
  }
  if (digits === 0 || (group >= 0 && !seenDecimal && group !== 3)) return Number.NaN;
  if (s < e) {
    if ((b[s] === 101 || b[s] === 69) && decimal === 46 && group < 0) return slowNumber(b, digitsStart, e, negative);
    if (!currency) return Number.NaN;
    s = trimStart(b, s, e);
    s += currencyAt(b, s, e);
    if (s < e) return Number.NaN;
  }
  if (digits > 15) return group >= 0 ? Number.NaN : slowNumber(b, digitsStart, e, negative, decimal);
  const value = fraction > 0 ? mantissa / POW10[fraction] : mantissa;
  return negative ? -value : value;
}

/** True when the text holds a currency symbol (`$`, `£`, `€`), to suggest the `currency` option. */
export function hasCurrencySymbol(text: string): boolean {
  return /[$£€]/.test(text);
}

function slowNumber(b: Uint8Array, s: number, e: number, negative: boolean, decimal = 46): number {
  let text = Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('latin1');
  if (decimal === 44) text = text.replace(',', '.');
  const value = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : Number.NaN;
  return negative ? -value : value;
}

/**
 * A non-negative integer id of up to 15 digits, with an optional all-zero fraction (`17850.0`), and
 * no leading zero (so `00042` stays a text id and is not merged with `42`). -1 when the bytes are not such an id.
 */
export function parseIntegerId(b: Uint8Array, s: number, e: number): number {
  if (e - s > 17 || s >= e) return -1;
  if (b[s] === 48 && e - s > 1 && b[s + 1] !== 46) return -1;
  let value = 0;
  let digits = 0;
  for (; s < e; s++) {
    const c = b[s];
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
    } else break;
  }
  if (digits === 0 || digits > 15) return -1;
  if (s < e) {
    if (b[s] !== 46 || s + 1 === e) return -1;
    for (s++; s < e; s++) if (b[s] !== 48) return -1;
  }
  return value;
}

/**
 * The integer of an id that is `prefix` then the digits of an integer as `String` writes it (no sign, no leading zero,
 * at most 15 digits), e.g. a cancellation's invoice `C536379`; -1 for any other id. Keyed by that integer, such ids
 * are the prefix and its digits again when written out, byte for byte.
 */
export function parsePrefixedId(b: Uint8Array, s: number, e: number, prefix: Uint8Array): number {
  const digits = e - s - prefix.length;
  if (prefix.length === 0 || digits < 1 || digits > 15) return -1;
  for (let k = 0; k < prefix.length; k++) if (b[s + k] !== prefix[k]) return -1;
  s += prefix.length;
  if (b[s] === 48 && digits > 1) return -1;
  let value = 0;
  for (; s < e; s++) {
    const c = b[s];
    if (c < 48 || c > 57) return -1;
    value = value * 10 + (c - 48);
  }
  return value;
}

/** Date formats understood by ingest. Times (`HH:MM[:SS[.fff]]`) may follow any of them; all are read as UTC. */
export type DateFormat = 'YYYY-MM-DD' | 'YYYYMMDD' | 'DD/MM/YYYY' | 'MM/DD/YYYY';
export const DATE_FORMATS: readonly DateFormat[] = ['YYYY-MM-DD', 'YYYYMMDD', 'DD/MM/YYYY', 'MM/DD/YYYY'];

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-compatible low-level date algorithms", days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * A read position in bytes `[pos, end)`: the date parser advances it field by field without making
 * substrings. One per parse, owned by the caller, so no state outlives a call or is shared between callers.
 */
class ByteCursor {
  constructor(
    private readonly b: Uint8Array,
    public pos: number,
    private readonly end: number,
  ) {}

  /** Between `min` and `max` digits as a number, or -1 when fewer than `min` are there. */
  digits(min: number, max: number): number {
    const { b, end } = this;
    let value = 0;
    let n = 0;
    while (this.pos < end && n < max) {
      const c = b[this.pos];
      if (c < 48 || c > 57) break;
      value = value * 10 + (c - 48);
      this.pos++;
      n++;
    }
    return n >= min ? value : -1;
  }

  /** Skips one date separator (`/`, `-` or `.`); false when there is none. */
  separator(): boolean {
    if (this.pos >= this.end) return false;
    const c = this.b[this.pos];
    if (c === 47 || c === 45 || c === 46) {
      this.pos++;
      return true;
    }
    return false;
  }

  /** Skips `c` when it is the next byte. */
  skip(c: number): boolean {
    if (this.pos < this.end && this.b[this.pos] === c) {
      this.pos++;
      return true;
    }
    return false;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** Milliseconds into the day of an optional ` HH:MM[:SS[.fff]]` or `THH:MM…Z` tail; -1 when malformed. */
  time(): number {
    const { b, end } = this;
    if (this.pos >= end) return 0;
    if (b[this.pos] !== 32 && b[this.pos] !== 84) return -1;
    while (this.pos < end && (b[this.pos] === 32 || b[this.pos] === 84)) this.pos++;
    const h = this.digits(1, 2);
    if (h < 0 || h > 23 || !this.skip(58)) return -1;
    const mi = this.digits(2, 2);
    if (mi < 0 || mi > 59) return -1;
    let ms = (h * 60 + mi) * 60_000;
    if (this.skip(58)) {
      const sec = this.digits(2, 2);
      if (sec < 0 || sec > 59) return -1;
      ms += sec * 1000;
      if (this.skip(46)) {
        const start = this.pos;
        const frac = this.digits(1, 9);
        if (frac < 0) return -1;
        ms += Math.floor((frac / POW10[this.pos - start]) * 1000);
      }
    }
    this.skip(90);
    return this.atEnd ? ms : -1;
  }
}

/** Two digits at `i` as a number, or -1. */
function twoDigits(b: Uint8Array, i: number): number {
  const tens = b[i] - 48;
  const ones = b[i + 1] - 48;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : -1;
}

/**
 * The one layout of most files, `YYYY-MM-DD HH:MM:SS` (or with a `T`), read at fixed places: what the general
 * reader below gives for it, NaN for anything else (which the general reader then reads).
 */
function isoDateTime(b: Uint8Array, s: number): number {
  const t = b[s + 10];
  if (b[s + 4] !== 45 || b[s + 7] !== 45 || (t !== 32 && t !== 84) || b[s + 13] !== 58 || b[s + 16] !== 58)
    return Number.NaN;
  const century = twoDigits(b, s);
  const year = twoDigits(b, s + 2);
  const m = twoDigits(b, s + 5);
  const d = twoDigits(b, s + 8);
  const h = twoDigits(b, s + 11);
  const mi = twoDigits(b, s + 14);
  const sec = twoDigits(b, s + 17);
  if (century < 0 || year < 0 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return Number.NaN;
  const y = century * 100 + year;
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return Number.NaN;
  return daysFromCivil(y, m, d) * MS_PER_DAY + ((h * 60 + mi) * 60_000 + sec * 1000);
}

/** Epoch milliseconds (UTC) of a date in `format` in bytes `[s, e)`, NaN when it is not a valid date in that format. */
export function parseDate(b: Uint8Array, s: number, e: number, format: DateFormat): number {
  s = trimStart(b, s, e);
  e = trimEnd(b, s, e);
  if (format === 'YYYY-MM-DD' && e - s === 19) {
    const ms = isoDateTime(b, s);
    if (ms === ms) return ms;
  }
  const at = new ByteCursor(b, s, e);
  let y: number;
  let m: number;
  let d: number;
  if (format === 'YYYYMMDD') {
    y = at.digits(4, 4);
    m = at.digits(2, 2);
    d = at.digits(2, 2);
  } else if (format === 'YYYY-MM-DD') {
    y = at.digits(4, 4);
    if (!at.separator()) return Number.NaN;
    m = at.digits(1, 2);
    if (!at.separator()) return Number.NaN;
    d = at.digits(1, 2);
  } else {
    const first = at.digits(1, 2);
    if (!at.separator()) return Number.NaN;
    const second = at.digits(1, 2);
    if (!at.separator()) return Number.NaN;
    y = at.digits(4, 4);
    if (format === 'DD/MM/YYYY') {
      d = first;
      m = second;
    } else {
      m = first;
      d = second;
    }
  }
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return Number.NaN;
  const time = at.time();
  if (time < 0) return Number.NaN;
  return daysFromCivil(y, m, d) * MS_PER_DAY + time;
}

/** UTC day number (days since 1970-01-01) of epoch milliseconds. */
export function dayOf(epochMs: number): number {
  return Math.floor(epochMs / MS_PER_DAY);
}

/**
 * The calendar month (UTC) of a day number as `year × 12 + month0` (what `getUTCFullYear() * 12 + getUTCMonth()`
 * gives), by integer arithmetic (H. Hinnant's civil_from_days) instead of a Date per call: feature builds ask
 * this for every purchase day of every customer.
 */
export function monthOfDay(day: number): number {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month0 = mp < 10 ? mp + 2 : mp - 10;
  return (yoe + era * 400 + (month0 < 2 ? 1 : 0)) * 12 + month0;
}

export { MS_PER_DAY };
