import { isoBound, monthIndexOfDay, monthLabel, monthStart, parseMonth } from './calendar';

describe('calendar', () => {
  it('gives the same month as Date for every day from 1900 to 2100', () => {
    for (let day = Date.UTC(1900, 0, 1) / 86_400_000; day < Date.UTC(2100, 0, 1) / 86_400_000; day++) {
      const d = new Date(day * 86_400_000);
      if (monthIndexOfDay(day) !== d.getUTCFullYear() * 12 + d.getUTCMonth())
        throw new Error(`day ${day} (${d.toISOString()})`);
    }
  });

  it("parses 'YYYY-MM' and ISO dates, and refuses other text", () => {
    expect(parseMonth('2024-03')).toBe(2024 * 12 + 2);
    expect(parseMonth('2024-03-17')).toBe(2024 * 12 + 2);
    expect(parseMonth('2024-13')).toBeNaN();
    expect(parseMonth('March 2024')).toBeNaN();
    expect(monthLabel(2024 * 12 + 2)).toBe('2024-03');
    expect(isoBound(monthStart(2024 * 12 + 11))).toBe('2024-12-01');
  });
});
