export const MS_PER_DAY = 86_400_000;

/** UTC day number (days since 1970-01-01) of an epoch-millisecond timestamp. */
export function dayOf(epochMs: number): number {
  return Math.floor(epochMs / MS_PER_DAY);
}

/**
 * Month index year·12 + (month − 1) of a UTC day number, by integer arithmetic so that a pass over
 * millions of timestamps allocates no Date. H. Hinnant, "chrono-Compatible Low-Level Date
 * Algorithms", civil_from_days.
 */
export function monthIndexOfDay(day: number): number {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return year * 12 + month - 1;
}

/** Epoch ms of the first instant (UTC) of a month index. */
export function monthStart(monthIndex: number): number {
  return Date.UTC(Math.floor(monthIndex / 12), monthIndex % 12, 1);
}

/** 'YYYY-MM' of a month index. */
export function monthLabel(monthIndex: number): string {
  return `${String(Math.floor(monthIndex / 12)).padStart(4, '0')}-${String((monthIndex % 12) + 1).padStart(2, '0')}`;
}

const MONTH = /^(\d{4})-(\d{2})/;

/** Month index of 'YYYY-MM' (or an ISO date starting so); NaN when the text is not one. */
export function parseMonth(text: string): number {
  const match = MONTH.exec(text.trim());
  if (!match) return Number.NaN;
  const month = Number(match[2]);
  return month >= 1 && month <= 12 ? Number(match[1]) * 12 + month - 1 : Number.NaN;
}

/** ISO text of a window bound: the date alone at midnight UTC, the full timestamp otherwise. */
export function isoBound(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return epochMs % MS_PER_DAY === 0 ? iso.slice(0, 10) : iso;
}
