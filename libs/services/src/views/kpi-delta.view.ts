import { estimateDifference } from '@workbench/compare';
import type { KpiValueView } from './kpi.view';
import type { RunRefView } from './comparison.view';

/** One KPI of an evaluator in two runs' segments (or over all customers): A's value, B's, and the change. */
export interface KpiDeltaView {
  kpi: string;
  /** The evaluator's name without version (a KPI is the same KPI across its evaluator's versions). */
  evaluator: string;
  title: string | null;
  unit: string;
  higherIsBetter: boolean | null;
  a: number | null;
  b: number | null;
  /** b − a; null when either value is. */
  delta: number | null;
  /** Interval of the change from the two values' intervals (`method: 'MOVER'`, Zou & Donner 2008); null when either value has none. */
  interval: { lower: number; upper: number; method: string } | null;
  /** The interval excludes 0; null without an interval. */
  significant: boolean | null;
}

export interface MatchedSegmentKpisView {
  a: { key: number; label: string };
  b: { key: number; label: string };
  kpis: KpiDeltaView[];
}

/** A comparison's KPI changes: over all customers, and per pair of segments the comparison matched. */
export interface ComparisonKpiDeltasView {
  comparison: string;
  runA: RunRefView;
  runB: RunRefView;
  overall: KpiDeltaView[];
  pairs: MatchedSegmentKpisView[];
}

const evaluatorName = (evaluator: string) => evaluator.split('@')[0];
const rowKey = (k: Pick<KpiValueView, 'evaluator' | 'kpi'>) => `${evaluatorName(k.evaluator)}\u0000${k.kpi}`;

/**
 * The KPI changes between segment `keyA` of run A and `keyB` of run B (null and null: all customers),
 * from the KPI evaluators' stored values: every KPI both runs have, in A's order.
 */
export function kpiDeltas(
  kpisA: readonly KpiValueView[],
  kpisB: readonly KpiValueView[],
  keyA: number | null,
  keyB: number | null,
): KpiDeltaView[] {
  const ofB = new Map(kpisB.filter((k) => k.segmentKey === keyB).map((k) => [rowKey(k), k]));
  return kpisA
    .filter((k) => k.segmentKey === keyA && ofB.has(rowKey(k)))
    .map((a) => {
      const b = ofB.get(rowKey(a)) as KpiValueView;
      const both = a.value !== null && b.value !== null;
      const difference =
        both && a.interval && b.interval
          ? estimateDifference({ value: a.value as number, ...a.interval }, { value: b.value as number, ...b.interval })
          : null;
      return {
        kpi: a.kpi,
        evaluator: evaluatorName(a.evaluator),
        title: a.title ?? b.title,
        unit: a.unit,
        higherIsBetter: a.higherIsBetter ?? b.higherIsBetter,
        a: a.value,
        b: b.value,
        delta: both ? (b.value as number) - (a.value as number) : null,
        // The two values' own methods are in each run's KPI rows; repeating them here would triple the payload.
        interval: difference ? { lower: difference.lower, upper: difference.upper, method: 'MOVER' } : null,
        significant: difference ? difference.significant : null,
      };
    });
}

/** KPI changes over all customers and per matched pair (`pairs` as the comparison stores its Hungarian matching). */
export function comparisonKpiDeltasView(
  comparison: { id: string; runA: RunRefView; runB: RunRefView },
  pairs: readonly { a: { key: number; label: string }; b: { key: number; label: string } }[],
  kpisA: readonly KpiValueView[],
  kpisB: readonly KpiValueView[],
): ComparisonKpiDeltasView {
  return {
    comparison: comparison.id,
    runA: comparison.runA,
    runB: comparison.runB,
    overall: kpiDeltas(kpisA, kpisB, null, null),
    pairs: pairs.map((p) => ({
      a: { key: p.a.key, label: p.a.label },
      b: { key: p.b.key, label: p.b.label },
      kpis: kpiDeltas(kpisA, kpisB, p.a.key, p.b.key),
    })),
  };
}
