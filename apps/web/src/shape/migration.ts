import type { Comparison } from '../api/types';

type Migration = NonNullable<Comparison['migration']>;

/**
 * Sankey nodes and links of the migration matrix: A's segments on the left, B's on the right (names
 * prefixed, since both runs may use the same labels), one link per non-empty cell.
 */
export function sankeyData(m: Migration, nameA = 'A', nameB = 'B') {
  const left = m.labelsA.map((l) => `${nameA}: ${l}`);
  const right = m.labelsB.map((l) => `${nameB}: ${l}`);
  const links: { source: string; target: string; value: number }[] = [];
  m.counts.forEach((row, i) =>
    row.forEach((count, j) => {
      if (count > 0) links.push({ source: left[i], target: right[j], value: count });
    }),
  );
  return { nodes: [...left, ...right].map((name) => ({ name })), links };
}

/** Heatmap cells of the matrix: [column (B), row (A), row % (0–100), count]; the colour is the row %. */
export function migrationCells(m: Migration): [number, number, number, number][] {
  return m.counts.flatMap((row, i) =>
    row.map((count, j) => [j, i, m.rowPercent[i]?.[j] ?? 0, count] as [number, number, number, number]),
  );
}

/** The newest finished or pending comparison of exactly run A with run B, if any. */
export function findComparison(list: readonly Comparison[], runA: string, runB: string): Comparison | undefined {
  return list
    .filter((c) => c.runA.id === runA && c.runB.id === runB && c.status !== 'failed')
    .sort((x, y) => (x.createdAt < y.createdAt ? 1 : -1))[0];
}
