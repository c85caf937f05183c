/** One column of a {@link renderTable}: numbers read best right-aligned, so their digits line up. */
export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/**
 * Renders rows as a plain-text table: a header, a rule of dashes, then one line per row, columns
 * separated by two spaces and padded to their widest cell. Trailing spaces are trimmed.
 */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string[] {
  const widths = columns.map((c, j) => Math.max(c.header.length, ...rows.map((r) => (r[j] ?? '').length)));
  const line = (cells: readonly string[]) =>
    columns
      .map((c, j) => (c.align === 'right' ? (cells[j] ?? '').padStart(widths[j]) : (cells[j] ?? '').padEnd(widths[j])))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}
