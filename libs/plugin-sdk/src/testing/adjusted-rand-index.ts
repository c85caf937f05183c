/**
 * Adjusted Rand index of two partitions of the same rows (Hubert & Arabie 1985, "Comparing partitions",
 * J. Classification 2:193–218, eq. 5), from the contingency table: 1 means the same partition up to
 * renaming the clusters.
 */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`partitions of ${a.length} and ${b.length} rows cannot be compared`);
  const n = a.length;
  const pairs = (m: number): number => (m * (m - 1)) / 2;
  const table = new Map<string, number>();
  const rowSums = new Map<number, number>();
  const columnSums = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${a[i]},${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    rowSums.set(a[i], (rowSums.get(a[i]) ?? 0) + 1);
    columnSums.set(b[i], (columnSums.get(b[i]) ?? 0) + 1);
  }
  const sumCells = [...table.values()].reduce((s, m) => s + pairs(m), 0);
  const sumRows = [...rowSums.values()].reduce((s, m) => s + pairs(m), 0);
  const sumColumns = [...columnSums.values()].reduce((s, m) => s + pairs(m), 0);
  const expected = (sumRows * sumColumns) / pairs(n);
  const maximum = (sumRows + sumColumns) / 2;
  return maximum === expected ? 1 : (sumCells - expected) / (maximum - expected);
}
