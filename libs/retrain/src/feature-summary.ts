import type { CategoricalColumn } from '@workbench/plugin-sdk';
import { finiteOrNull } from './drift-format';
import { levelCounts, quantileSorted, sortedFinite } from './psi';

/** Sample statistics of one numeric feature on one side; null when there are too few values. */
export interface NumericSummary {
  /** Rows, missing included. */
  n: number;
  missing: number;
  mean: number | null;
  /** Sample standard deviation (n − 1 denominator); null below two values. */
  std: number | null;
  min: number | null;
  max: number | null;
  /** Percentiles by linear interpolation (numpy's default). */
  p05: number | null;
  p50: number | null;
  p95: number | null;
}

export interface LevelShare {
  level: string;
  count: number;
  /** count / rows (missing included), as in the PSI. */
  share: number;
}

export interface CategoricalSummary {
  n: number;
  missing: number;
  levelCount: number;
  /** Most frequent levels, by count descending then name. */
  topLevels: LevelShare[];
}

/** n, missing, mean, sample std (two-pass), min, max and the 5th/50th/95th percentiles of a numeric column. */
export function summarizeNumeric(values: Float64Array, name = 'value'): NumericSummary {
  const sorted = sortedFinite(values, name);
  const m = sorted.length;
  let sum = 0;
  for (const x of sorted) sum += x;
  const mean = m > 0 ? sum / m : Number.NaN;
  let ss = 0;
  for (const x of sorted) ss += (x - mean) * (x - mean);
  return {
    n: values.length,
    missing: values.length - m,
    mean: finiteOrNull(mean),
    std: m >= 2 ? Math.sqrt(ss / (m - 1)) : null,
    min: m > 0 ? sorted[0] : null,
    max: m > 0 ? sorted[m - 1] : null,
    p05: finiteOrNull(quantileSorted(sorted, 0.05)),
    p50: finiteOrNull(quantileSorted(sorted, 0.5)),
    p95: finiteOrNull(quantileSorted(sorted, 0.95)),
  };
}

/** n, missing, number of levels that occur, and the `top` most frequent levels of a categorical column. */
export function summarizeCategorical(column: Pick<CategoricalColumn, 'codes' | 'levels'>, top = 5): CategoricalSummary {
  const { counts, missing } = levelCounts(column.codes, column.levels);
  const n = column.codes.length;
  const occurring = [...counts].filter(([, c]) => c > 0);
  occurring.sort(([a, ca], [b, cb]) => cb - ca || (a < b ? -1 : a > b ? 1 : 0));
  return {
    n,
    missing,
    levelCount: occurring.length,
    topLevels: occurring.slice(0, top).map(([level, count]) => ({ level, count, share: count / n })),
  };
}
