import type { KpiDelta } from '../api/types';

/**
 * What the "significant" column says of a KPI change: the direction where the interval excludes 0, and
 * whether that is better or worse when the evaluator says which way is good.
 */
export function deltaVerdict(d: Pick<KpiDelta, 'delta' | 'significant' | 'higherIsBetter'>): string {
  if (d.significant === null) return 'no interval';
  if (!d.significant || d.delta === null) return 'no';
  const up = d.delta > 0;
  const arrow = up ? '▲' : '▼';
  if (d.higherIsBetter === null) return `${arrow} yes`;
  return `${arrow} ${up === d.higherIsBetter ? 'better' : 'worse'}`;
}

/** The KPI changes worth a row: a value on at least one side (a KPI neither run could compute is left out). */
export const shownDeltas = (kpis: readonly KpiDelta[]): KpiDelta[] => kpis.filter((d) => d.a !== null || d.b !== null);
