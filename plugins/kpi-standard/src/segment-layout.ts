import { FeatureRequirementError, type KpiInput, type KpiResult } from '@workbench/plugin-sdk';
import type { Interval } from './intervals';
import { unitOf } from './kpi-definitions';

/** Segments as dense indices 0..count−1, so accumulators are typed arrays indexed by segment; index `count` is "all customers". */
export interface SegmentLayout {
  /** Segment key of each dense index, ascending. */
  keys: number[];
  count: number;
  /** Dense segment index of each frame row. */
  segmentOfRow: Int32Array;
}

/** Dense layout of the segments declared in `segments` and those found in the assignments. */
export function segmentLayout(input: Pick<KpiInput<object>, 'frame' | 'assignments' | 'segments'>): SegmentLayout {
  const { frame, assignments, segments } = input;
  if (assignments.segment.length !== frame.rowCount) {
    throw new FeatureRequirementError(
      `assignments have ${assignments.segment.length} rows but the frame has ${frame.rowCount}`,
    );
  }
  const keySet = new Set<number>(segments.map((s) => s.key));
  for (let row = 0; row < frame.rowCount; row++) keySet.add(assignments.segment[row]);
  const keys = [...keySet].sort((a, b) => a - b);
  const index = new Map(keys.map((k, i) => [k, i]));
  const segmentOfRow = new Int32Array(frame.rowCount);
  for (let row = 0; row < frame.rowCount; row++) segmentOfRow[row] = index.get(assignments.segment[row]) as number;
  return { keys, count: keys.length, segmentOfRow };
}

/** Segment key of a dense index (`count` → null, all customers). */
export function keyOf(layout: SegmentLayout, s: number): number | null {
  return s === layout.count ? null : layout.keys[s];
}

export interface ResultExtras {
  interval?: Interval | null;
  window?: { start: string; end: string };
  note?: string;
}

/**
 * One KpiResult with the manifest's unit. A value that is not a finite number becomes null with a
 * note, so no NaN or Infinity ever reaches the KPI table.
 */
export function kpiResult(
  segmentKey: number | null,
  kpi: string,
  value: number | null,
  n: number,
  extras: ResultExtras = {},
): KpiResult {
  const result: KpiResult = { segmentKey, kpi, value, unit: unitOf(kpi), n };
  if (value !== null && !Number.isFinite(value)) {
    result.value = null;
    result.note = `not computable: the value would be ${value}${extras.note ? `; ${extras.note}` : ''}`;
  } else if (extras.note) result.note = extras.note;
  if (
    result.value !== null &&
    extras.interval &&
    Number.isFinite(extras.interval.lower) &&
    Number.isFinite(extras.interval.upper)
  ) {
    result.interval = extras.interval;
  }
  if (extras.window) result.window = extras.window;
  return result;
}
