/** A number for a table cell: thousands separators, about 4 significant digits for fractions. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  const abs = Math.abs(value);
  if (Number.isInteger(value) && abs < 1e15) return value.toLocaleString('en-US');
  if (abs >= 1000) return value.toLocaleString('en-US', { maximumFractionDigits: 0 });
  if (abs >= 1) return value.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
  if (abs === 0) return '0';
  return value.toPrecision(3);
}

export const formatPercent = (fraction: number, digits = 1): string => `${(fraction * 100).toFixed(digits)}%`;

/** `[lower, upper]` of a 95% interval, or an empty string when there is none. */
export function formatInterval(interval: { lower: number; upper: number } | null | undefined): string {
  return interval ? `[${formatNumber(interval.lower)}, ${formatNumber(interval.upper)}]` : '';
}

/** Index figures (ARI, NMI, silhouette) with 4 decimals: enough to tell runs apart, as the CLI prints them. */
export const formatIndex = (value: number): string => value.toFixed(4);

export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
