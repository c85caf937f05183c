import { FeatureRequirementError } from './errors';
import type { FeatureFrame } from './frame';

/**
 * What a model plugin does with a missing numeric value (NaN), chosen by its `impute` param:
 * fill it with the training rows' `median` or `mean` of that feature, or `zero`; or `drop` the row
 * from the fit. A plugin without the param refuses missing values, naming the customer.
 */
export const IMPUTE_METHODS = ['median', 'mean', 'zero', 'drop'] as const;
export type ImputeMethod = (typeof IMPUTE_METHODS)[number];
/** The methods that fill a value (the others leave it out). */
export type FillMethod = Exclude<ImputeMethod, 'drop'>;

/** One sentence for a params class's doc comment and the error below: what `impute` offers. */
export const IMPUTE_HINT =
  "set the plugin's impute param ('median', 'mean', 'zero' or 'drop') or fill the value before the run";

/**
 * The value that replaces a missing entry of `values`: the median (mean of the two middle values for an
 * even count, as numpy and pandas) or the mean of the present values among `rows` (all rows when absent),
 * or 0. Throws when `rows` hold no present value to take a median or mean of.
 *
 * @example
 * fillValue(Float64Array.from([1, NaN, 3, 10]), 'median') // 3
 */
export function fillValue(
  values: Float64Array,
  method: FillMethod,
  rows?: ArrayLike<number>,
  name = 'feature',
): number {
  if (method === 'zero') return 0;
  const count = rows ? rows.length : values.length;
  const present: number[] = [];
  for (let t = 0; t < count; t++) {
    const v = values[rows ? rows[t] : t];
    if (!Number.isNaN(v)) present.push(v);
  }
  if (present.length === 0)
    throw new FeatureRequirementError(
      `feature '${name}' has no value at all, so there is no ${method} to impute it with`,
    );
  if (method === 'mean') {
    let sum = 0;
    for (const v of present) sum += v;
    return sum / present.length;
  }
  present.sort((a, b) => a - b);
  const mid = present.length >> 1;
  return present.length % 2 === 1 ? present[mid] : (present[mid - 1] + present[mid]) / 2;
}

/** Number of missing (NaN) values of each named numeric column, in `names` order. */
export function missingCounts(frame: FeatureFrame, names: readonly string[]): number[] {
  return names.map((name) => {
    const column = frame.columns[name];
    if (column?.kind !== 'numeric') return 0;
    let missing = 0;
    for (const v of column.values) if (Number.isNaN(v)) missing++;
    return missing;
  });
}

/** Rows (ascending) where every named numeric column has a value. */
export function completeRows(frame: FeatureFrame, names: readonly string[]): Int32Array {
  const columns = names
    .map((name) => frame.columns[name])
    .filter((c) => c?.kind === 'numeric')
    .map((c) => (c as { values: Float64Array }).values);
  const rows: number[] = [];
  for (let i = 0; i < frame.rowCount; i++) if (columns.every((values) => !Number.isNaN(values[i]))) rows.push(i);
  return Int32Array.from(rows);
}
