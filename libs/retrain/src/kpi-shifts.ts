import { finiteOrNull } from './drift-format';
import { resolveThresholds, type DriftThresholds } from './drift-thresholds';
import { RetrainInputError } from './errors';

/** One KPI value of a run: per segment label, or overall when `segment` is null. */
export interface KpiObservation {
  segment: string | null;
  kpi: string;
  value: number;
}

export interface KpiShift {
  segment: string | null;
  kpi: string;
  /** null when the run has no finite value for this segment and KPI. */
  champion: number | null;
  candidate: number | null;
  /** candidate − champion; null when either is. */
  absoluteChange: number | null;
  /** (candidate − champion) / |champion|; null when either is null or the champion value is 0. */
  relativeChange: number | null;
  /** |relativeChange| ≥ thresholds.kpiRelativeChange, or the champion value is 0 and the candidate's is not. */
  flagged: boolean;
}

function kpiKey(o: Pick<KpiObservation, 'segment' | 'kpi'>): string {
  return JSON.stringify([o.segment, o.kpi]);
}

/**
 * KPI changes from the champion run to the candidate run, matched by (segment label, KPI key). Pairs present
 * on one side only are listed with a null on the other and are not flagged; non-finite values count as absent.
 */
export function kpiShifts(
  champion: readonly KpiObservation[],
  candidate: readonly KpiObservation[],
  options: { thresholds?: Partial<DriftThresholds> } = {},
): KpiShift[] {
  const t = resolveThresholds(options.thresholds);
  const toMap = (side: string, list: readonly KpiObservation[]): Map<string, KpiObservation> => {
    const map = new Map<string, KpiObservation>();
    list.forEach((o, i) => {
      const key = kpiKey(o);
      if (map.has(key)) {
        throw new RetrainInputError(
          `${side} KPI '${o.kpi}' for ${o.segment === null ? 'overall' : `segment '${o.segment}'`} appears twice (position ${i})`,
        );
      }
      map.set(key, o);
    });
    return map;
  };
  const a = toMap('champion', champion);
  const b = toMap('candidate', candidate);
  const keys = [...a.keys(), ...[...b.keys()].filter((k) => !a.has(k))];
  return keys.map((key) => {
    const o = (a.get(key) ?? b.get(key)) as KpiObservation;
    const championValue = a.get(key);
    const candidateValue = b.get(key);
    const x = championValue ? finiteOrNull(championValue.value) : null;
    const y = candidateValue ? finiteOrNull(candidateValue.value) : null;
    const absoluteChange = x !== null && y !== null ? y - x : null;
    const relativeChange = absoluteChange !== null && x !== 0 ? absoluteChange / Math.abs(x as number) : null;
    const flagged =
      relativeChange !== null
        ? Math.abs(relativeChange) >= t.kpiRelativeChange
        : absoluteChange !== null && absoluteChange !== 0;
    return { segment: o.segment, kpi: o.kpi, champion: x, candidate: y, absoluteChange, relativeChange, flagged };
  });
}
