import type { Kpi, Segment } from '../api/types';

export interface KpiCell {
  value: number | null;
  interval: { lower: number; upper: number } | null;
  n: number | null;
  note: string | null;
}

export interface KpiRow {
  kpi: string;
  title: string;
  unit: string;
  definition: string | null;
  higherIsBetter: boolean | null;
  /** Overall first, then one cell per segment in the order of `segments`. */
  cells: KpiCell[];
  /** Why the KPI has no value ("not available: needs …"), when it has none anywhere. */
  unavailable: string | null;
}

/** The KPI table: one row per KPI, a column for all customers and one per segment. */
export function kpiTable(kpis: readonly Kpi[], segments: readonly Segment[]): KpiRow[] {
  const byKpi = new Map<string, Kpi[]>();
  for (const k of kpis) byKpi.set(k.kpi, [...(byKpi.get(k.kpi) ?? []), k]);
  const cell = (k: Kpi | undefined): KpiCell => ({
    value: k?.value ?? null,
    interval: k?.interval ?? null,
    n: k?.n ?? null,
    note: k?.note ?? null,
  });
  return [...byKpi.entries()].map(([kpi, values]) => {
    const first = values[0];
    const allMissing = values.every((v) => v.value === null);
    return {
      kpi,
      title: first.title ?? kpi,
      unit: first.unit,
      definition: first.definition,
      higherIsBetter: first.higherIsBetter,
      cells: [
        cell(values.find((v) => v.segmentKey === null)),
        ...segments.map((s) => cell(values.find((v) => v.segmentKey === s.key))),
      ],
      unavailable: allMissing ? (values.find((v) => v.note)?.note ?? 'not available') : null,
    };
  });
}

/** Bars with 95% error bars for one KPI across segments: [label, value, lower, upper]. */
export function kpiBars(
  row: KpiRow,
  segments: readonly Segment[],
): { label: string; value: number; lower: number | null; upper: number | null }[] {
  return segments
    .map((s, i) => ({ label: s.label, cell: row.cells[i + 1] }))
    .filter((x) => x.cell.value !== null)
    .map((x) => ({
      label: x.label,
      value: x.cell.value as number,
      lower: x.cell.interval?.lower ?? null,
      upper: x.cell.interval?.upper ?? null,
    }));
}
