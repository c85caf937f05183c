import type { ContingencyTable } from './contingency-table';

/** n choose 2, in floating point (exact for n < 2^26). */
function pairs(n: number): number {
  return (n * (n - 1)) / 2;
}

/**
 * Adjusted Rand index of the two labelings behind `table` (Hubert & Arabie 1985, J. Classification
 * 2:193, eq. 5): (Σ C(n_ij,2) − Σ C(a_i,2) Σ C(b_j,2) / C(n,2)) / (½[Σ C(a_i,2) + Σ C(b_j,2)] − Σ C(a_i,2) Σ C(b_j,2) / C(n,2)).
 *
 * Edge cases follow scikit-learn 1.2 `adjusted_rand_score`: when no pair of customers is together on
 * one side and apart on the other (identical partitions, which covers one cluster vs one cluster,
 * all singletons vs all singletons, a single customer and no customers) the index is 1.0.
 */
export function adjustedRandIndex(table: ContingencyTable): number {
  let sumCells = 0;
  let sumCellSquares = 0;
  for (const count of table.counts) {
    sumCells += pairs(count);
    sumCellSquares += count * count;
  }
  let sumRows = 0;
  let sumRowSquares = 0;
  for (const count of table.rowTotals) {
    sumRows += pairs(count);
    sumRowSquares += count * count;
  }
  let sumCols = 0;
  let sumColSquares = 0;
  for (const count of table.colTotals) {
    sumCols += pairs(count);
    sumColSquares += count * count;
  }
  // sklearn's pair confusion matrix has fp = Σb² − Σn², fn = Σa² − Σn² (integer sums, exact here).
  if (sumRowSquares === sumCellSquares && sumColSquares === sumCellSquares) return 1.0;
  const expected = (sumRows * sumCols) / pairs(table.total);
  const maximum = (sumRows + sumCols) / 2;
  return (sumCells - expected) / (maximum - expected);
}

/** Entropy (natural log) of a distribution given by counts, written as sklearn's `entropy` does. */
function entropy(counts: Float64Array, total: number): number {
  const logTotal = Math.log(total);
  let h = 0;
  for (const count of counts) if (count > 0) h -= (count / total) * (Math.log(count) - logTotal);
  return h;
}

function nonEmpty(counts: Float64Array): number {
  let k = 0;
  for (const count of counts) if (count > 0) k++;
  return k;
}

/**
 * Mutual information (natural log) between the two labelings: Σ (n_ij/n) ln(n n_ij / (a_i b_j)).
 * Follows scikit-learn 1.2 `mutual_info_score`: 0 when either side has a single non-empty segment,
 * terms smaller than machine epsilon are dropped and the sum is clipped at 0.
 */
export function mutualInformation(table: ContingencyTable): number {
  if (nonEmpty(table.rowTotals) <= 1 || nonEmpty(table.colTotals) <= 1) return 0;
  const n = table.total;
  const logN = Math.log(n);
  let mi = 0;
  for (let i = 0; i < table.kA; i++) {
    for (let j = 0; j < table.kB; j++) {
      const count = table.counts[i * table.kB + j];
      if (count === 0) continue;
      const share = count / n;
      const term =
        share * (Math.log(count) - logN) + share * (-Math.log(table.rowTotals[i] * table.colTotals[j]) + logN + logN);
      if (Math.abs(term) >= Number.EPSILON) mi += term;
    }
  }
  return Math.max(mi, 0);
}

/**
 * Normalized mutual information with the arithmetic mean of the entropies, NMI = MI / ((H(A) + H(B)) / 2)
 * (Strehl & Ghosh 2002 with the arithmetic normalisation of Vinh, Epps & Bailey 2010; scikit-learn's
 * default `average_method='arithmetic'`).
 *
 * Edge cases follow scikit-learn 1.2 `normalized_mutual_info_score`, counting only segments that have
 * customers: 1.0 when both sides have one segment (or there are no customers); otherwise 0.0 when
 * MI is 0 — e.g. one segment vs several, or all singletons vs one segment.
 */
export function normalizedMutualInfo(table: ContingencyTable): number {
  const kA = nonEmpty(table.rowTotals);
  const kB = nonEmpty(table.colTotals);
  if ((kA === 1 && kB === 1) || (kA === 0 && kB === 0)) return 1.0;
  const mi = mutualInformation(table);
  if (mi === 0) return 0.0;
  const normalizer = (entropy(table.rowTotals, table.total) + entropy(table.colTotals, table.total)) / 2;
  return mi / normalizer;
}
