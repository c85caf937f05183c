import { ComparisonInputError } from './errors';

/**
 * The migration matrix between two labelings of the same customers: `counts[i * kB + j]` customers
 * are in A's segment i and B's segment j. Row-major, kA × kB; empty segments keep their row/column.
 */
export interface ContingencyTable {
  kA: number;
  kB: number;
  counts: Float64Array;
  /** Customers per segment of A (row sums). */
  rowTotals: Float64Array;
  /** Customers per segment of B (column sums). */
  colTotals: Float64Array;
  total: number;
}

function checkLabels(name: string, labels: Int32Array, k: number): void {
  if (!Number.isInteger(k) || k < 1)
    throw new ComparisonInputError(`${name}: the number of segments must be a positive integer, got ${k}`);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label < 0 || label >= k)
      throw new ComparisonInputError(`${name}[${i}] = ${label} is not a segment index in [0, ${k})`);
  }
}

/**
 * Counts how A's segments map onto B's for customers labelled in both (`labelsA[c]`, `labelsB[c]`).
 *
 * @example
 * contingencyTable(Int32Array.of(0, 0, 1), 2, Int32Array.of(1, 1, 0), 2).counts // [0, 2, 1, 0]
 */
export function contingencyTable(labelsA: Int32Array, kA: number, labelsB: Int32Array, kB: number): ContingencyTable {
  if (labelsA.length !== labelsB.length)
    throw new ComparisonInputError(
      `labelsA has ${labelsA.length} customers but labelsB has ${labelsB.length}; both must label the same matched customers`,
    );
  checkLabels('labelsA', labelsA, kA);
  checkLabels('labelsB', labelsB, kB);
  const counts = new Float64Array(kA * kB);
  const rowTotals = new Float64Array(kA);
  const colTotals = new Float64Array(kB);
  for (let c = 0; c < labelsA.length; c++) {
    const a = labelsA[c];
    const b = labelsB[c];
    counts[a * kB + b] += 1;
    rowTotals[a] += 1;
    colTotals[b] += 1;
  }
  return { kA, kB, counts, rowTotals, colTotals, total: labelsA.length };
}

/** Builds a table from a dense matrix of counts (rows: A's segments, columns: B's). */
export function contingencyTableFromRows(rows: readonly (readonly number[])[]): ContingencyTable {
  const kA = rows.length;
  const kB = kA === 0 ? 0 : rows[0].length;
  const counts = new Float64Array(kA * kB);
  const rowTotals = new Float64Array(kA);
  const colTotals = new Float64Array(kB);
  let total = 0;
  rows.forEach((row, i) => {
    if (row.length !== kB) throw new ComparisonInputError(`row ${i} has ${row.length} columns, expected ${kB}`);
    row.forEach((count, j) => {
      if (!Number.isInteger(count) || count < 0)
        throw new ComparisonInputError(`cell (${i}, ${j}) = ${count} is not a non-negative integer count`);
      counts[i * kB + j] = count;
      rowTotals[i] += count;
      colTotals[j] += count;
      total += count;
    });
  });
  return { kA, kB, counts, rowTotals, colTotals, total };
}

/** The counts as nested arrays (rows: A's segments), e.g. for JSON. */
export function tableRows(table: ContingencyTable): number[][] {
  return Array.from({ length: table.kA }, (_, i) =>
    Array.from(table.counts.subarray(i * table.kB, (i + 1) * table.kB)),
  );
}

/**
 * Row percentages of the migration matrix: where A's segment i went, in % of its customers.
 * A segment of A with no matched customers gets a row of zeros.
 */
export function rowPercentages(table: ContingencyTable): number[][] {
  return tableRows(table).map((row, i) => {
    const rowTotal = table.rowTotals[i];
    return row.map((count) => (rowTotal === 0 ? 0 : (100 * count) / rowTotal));
  });
}
