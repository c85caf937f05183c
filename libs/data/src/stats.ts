import type { FeatureColumn } from '@workbench/plugin-sdk';

export interface ColumnSchema {
  /** Feature name used by models (normalised). */
  name: string;
  /** Header in the source file. */
  source: string;
  type: 'numeric' | 'categorical';
  /** `revenue`: the customer's revenue, summed per segment for revenue shares. */
  role?: 'revenue';
}

export type ColumnStats =
  | {
      name: string;
      type: 'numeric';
      count: number;
      missing: number;
      min: number | null;
      max: number | null;
      mean: number | null;
      std: number | null;
    }
  | {
      name: string;
      type: 'categorical';
      count: number;
      missing: number;
      distinct: number;
      top: { value: string; count: number }[];
    };

/** Summary statistics of one column (population standard deviation; missing values excluded). */
export function columnStats(name: string, column: FeatureColumn): ColumnStats {
  if (column.kind === 'numeric') {
    let count = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    // Indexed loops: an iterator over tens of millions of values costs more than the sums.
    const values = column.values;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== v) continue;
      count++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const mean = count > 0 ? sum / count : null;
    let squares = 0;
    if (mean !== null)
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v === v) squares += (v - mean) ** 2;
      }
    return {
      name,
      type: 'numeric',
      count,
      missing: column.values.length - count,
      min: count > 0 ? min : null,
      max: count > 0 ? max : null,
      mean,
      std: count > 0 ? Math.sqrt(squares / count) : null,
    };
  }
  const counts = new Array<number>(column.levels.length).fill(0);
  let missing = 0;
  for (const c of column.codes) {
    if (c < 0) missing++;
    else counts[c]++;
  }
  const top = counts
    .map((count, i) => ({ value: column.levels[i], count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
    .slice(0, 10);
  return {
    name,
    type: 'categorical',
    count: column.codes.length - missing,
    missing,
    distinct: column.levels.length,
    top,
  };
}
