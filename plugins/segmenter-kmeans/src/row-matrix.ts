/** A row-major `n × d` matrix of float64: row i is `values[i*d .. i*d+d)`. */
export interface RowMatrix {
  readonly values: Float64Array;
  readonly n: number;
  readonly d: number;
}

/** Wraps a flat row-major array as an `n × d` matrix, checking that the length fits. */
export function rowMatrix(values: Float64Array, d: number): RowMatrix {
  if (d < 1 || values.length % d !== 0)
    throw new RangeError(`a row-major matrix with ${d} columns cannot hold ${values.length} values`);
  return { values, n: values.length / d, d };
}

/** Squared euclidean distance between row `i` of `a` and row `j` of `b` (both with `d` columns). */
export function squaredDistance(a: Float64Array, i: number, b: Float64Array, j: number, d: number): number {
  let sum = 0;
  const ai = i * d;
  const bj = j * d;
  for (let t = 0; t < d; t++) {
    const diff = a[ai + t] - b[bj + t];
    sum += diff * diff;
  }
  return sum;
}
