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
    const values = column.values;
    const stats = new NumericStats();
    stats.addValues(values, 0, values.length);
    stats.addSquares(values, 0, values.length);
    return stats.result(name, values.length);
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

/**
 * The statistics of a numeric column ({@link columnStats}), gathered a range of values at a time so that a caller can
 * give the event loop a turn between ranges: every value first, then the squares (they need the mean), in order, so
 * the sums are those of one pass.
 */
export class NumericStats {
  private count = 0;
  private sum = 0;
  private min = Infinity;
  private max = -Infinity;
  private squares = 0;

  addValues(values: ArrayLike<number>, from: number, to: number): void {
    let { count, sum, min, max } = this;
    // Indexed loops: an iterator over tens of millions of values costs more than the sums.
    for (let i = from; i < to; i++) {
      const v = values[i];
      if (v !== v) continue;
      count++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.count = count;
    this.sum = sum;
    this.min = min;
    this.max = max;
  }

  /** After every value was added. */
  addSquares(values: ArrayLike<number>, from: number, to: number): void {
    const mean = this.mean;
    if (mean === null) return;
    let squares = this.squares;
    for (let i = from; i < to; i++) {
      const v = values[i];
      if (v === v) squares += (v - mean) ** 2;
    }
    this.squares = squares;
  }

  /** The statistics of a column of `length` values (the missing ones included). */
  result(name: string, length: number): ColumnStats {
    const count = this.count;
    return {
      name,
      type: 'numeric',
      count,
      missing: length - count,
      min: count > 0 ? this.min : null,
      max: count > 0 ? this.max : null,
      mean: this.mean,
      std: count > 0 ? Math.sqrt(this.squares / count) : null,
    };
  }

  private get mean(): number | null {
    return this.count > 0 ? this.sum / this.count : null;
  }
}
