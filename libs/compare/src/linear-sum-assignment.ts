import { ComparisonInputError } from './errors';

/** An optimal assignment: row `rows[t]` is paired with column `cols[t]`; rows ascending, as in SciPy. */
export interface Assignment {
  rows: number[];
  cols: number[];
  /** Sum of the chosen entries of the original matrix. */
  total: number;
}

/**
 * Solves the rectangular linear assignment problem on a row-major `nRows × nCols` matrix: pairs
 * min(nRows, nCols) rows and columns one-to-one so the sum of chosen entries is minimal (or maximal
 * with `maximize`), like `scipy.optimize.linear_sum_assignment`.
 *
 * Hungarian algorithm with potentials and shortest augmenting paths (Kuhn 1955; the O(n²m)
 * formulation of Jonker & Volgenant 1987 as presented on e-maxx.ru, "Hungarian algorithm"): one
 * augmentation per row of the smaller side, each O(n·m), so O(k³) for k × k.
 */
export function linearSumAssignment(
  matrix: ArrayLike<number>,
  nRows: number,
  nCols: number,
  options: { maximize?: boolean } = {},
): Assignment {
  if (matrix.length !== nRows * nCols)
    throw new ComparisonInputError(
      `matrix has ${matrix.length} entries, expected ${nRows} × ${nCols} = ${nRows * nCols}`,
    );
  for (let i = 0; i < matrix.length; i++) {
    if (!Number.isFinite(matrix[i]))
      throw new ComparisonInputError(
        `matrix entry (${Math.floor(i / nCols)}, ${i % nCols}) = ${matrix[i]} is not a finite number`,
      );
  }
  const sign = options.maximize ? -1 : 1;
  // The algorithm needs rows ≤ columns; a tall matrix is solved transposed.
  const transposed = nRows > nCols;
  const n = transposed ? nCols : nRows;
  const m = transposed ? nRows : nCols;
  const cost = (i: number, j: number): number => sign * (transposed ? matrix[j * nCols + i] : matrix[i * nCols + j]);

  // 1-based arrays; column 0 is a virtual column holding the row being inserted.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const rowOfCol = new Int32Array(m + 1); // 0 = unassigned
  const way = new Int32Array(m + 1);
  const minSlack = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    rowOfCol[0] = i;
    let col0 = 0;
    minSlack.fill(Infinity);
    used.fill(0);
    do {
      used[col0] = 1;
      const row0 = rowOfCol[col0];
      let delta = Infinity;
      let col1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const slack = cost(row0 - 1, j - 1) - u[row0] - v[j];
        if (slack < minSlack[j]) {
          minSlack[j] = slack;
          way[j] = col0;
        }
        if (minSlack[j] < delta) {
          delta = minSlack[j];
          col1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[rowOfCol[j]] += delta;
          v[j] -= delta;
        } else {
          minSlack[j] -= delta;
        }
      }
      col0 = col1;
    } while (rowOfCol[col0] !== 0);
    // Flip the augmenting path back to the virtual column.
    do {
      const col1 = way[col0];
      rowOfCol[col0] = rowOfCol[col1];
      col0 = col1;
    } while (col0 !== 0);
  }

  const pairs: [number, number][] = [];
  for (let j = 1; j <= m; j++) {
    if (rowOfCol[j] === 0) continue;
    const small = rowOfCol[j] - 1;
    pairs.push(transposed ? [j - 1, small] : [small, j - 1]);
  }
  pairs.sort((p, q) => p[0] - q[0]);
  let total = 0;
  for (const [r, c] of pairs) total += matrix[r * nCols + c];
  return { rows: pairs.map((p) => p[0]), cols: pairs.map((p) => p[1]), total };
}
