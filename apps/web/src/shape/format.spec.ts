import { describe, expect, it } from 'vitest';
import { formatDuration, formatIndex, formatInterval, formatNumber, formatPercent } from './format';

describe('formatting', () => {
  it('writes counts with separators and fractions with enough digits', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(480.76218709538097)).toBe('480.76');
    expect(formatNumber(2054.4)).toBe('2,054');
    expect(formatNumber(0.0123456)).toBe('0.0123');
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(Number.NaN)).toBe('—');
  });

  it('writes intervals, percentages, indices and durations', () => {
    expect(formatInterval({ lower: 437.53, upper: 529.58 })).toBe('[437.53, 529.58]');
    expect(formatInterval(null)).toBe('');
    expect(formatPercent(0.46923)).toBe('46.9%');
    expect(formatIndex(0.20244)).toBe('0.2024');
    expect(formatDuration(2515)).toBe('2.5 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });
});
