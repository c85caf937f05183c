import type { CategoricalColumn, FeatureFrame, NumericColumn } from '@workbench/plugin-sdk';
import { fmtPercent, fmtValue, psiWarning } from './drift-format';
import { resolveThresholds, type DriftThresholds } from './drift-thresholds';
import { RetrainInputError } from './errors';
import { featureDrift, type FeatureDrift } from './feature-drift';
import { kpiShifts, type KpiObservation, type KpiShift } from './kpi-shifts';
import { DEFAULT_PSI_BINS, DEFAULT_PSI_EPSILON } from './psi';
import { segmentShifts, type SegmentShiftReport, type SegmentSize } from './segment-shifts';

/** Drift between the champion's dataset version and a new one, plus segment and KPI shifts; JSON-safe (no NaN/∞). */
export interface DriftReport {
  thresholds: DriftThresholds;
  epsilon: number;
  bins: number;
  referenceRows: number;
  candidateRows: number;
  /** Features present on both sides with the same kind, reference column order first. */
  features: FeatureDrift[];
  /** Largest feature PSI and its feature; null when no PSI could be computed. */
  maxPsi: number | null;
  maxPsiFeature: string | null;
  onlyInReference: string[];
  onlyInCandidate: string[];
  /** Features numeric on one side and categorical on the other: no PSI. */
  kindChanged: string[];
  segments: SegmentShiftReport | null;
  kpis: KpiShift[] | null;
  /** Human-readable, each naming the feature / segment / KPI and the figure. */
  warnings: string[];
}

export interface DriftReportInput {
  /** The champion's dataset version. */
  reference: FeatureFrame;
  /** The new dataset version. */
  candidate: FeatureFrame;
  /** Segment sizes of the champion run and of the candidate run. */
  segments?: { champion: readonly SegmentSize[]; candidate: readonly SegmentSize[] };
  /** KPI values of the champion run and of the candidate run. */
  kpis?: { champion: readonly KpiObservation[]; candidate: readonly KpiObservation[] };
  options?: {
    thresholds?: Partial<DriftThresholds>;
    /** Share for an empty bin (default 1e-4). */
    epsilon?: number;
    /** Reference-quantile bins for numeric features (default 10). */
    bins?: number;
    /** Levels listed in a categorical summary (default 5). */
    topLevels?: number;
    /** Restrict the report to these features (each must be on at least one side). */
    features?: readonly string[];
  };
}

function columnLength(c: NumericColumn | CategoricalColumn): number {
  return c.kind === 'numeric' ? c.values.length : c.codes.length;
}

/**
 * Drift report between the champion's dataset version (`reference`) and a new one (`candidate`): PSI and
 * summaries per feature, segment size shifts and KPI shifts when given, and warnings for every figure at or
 * above its threshold. Pure: the caller loads the frames and runs and stores the report.
 */
export function driftReport(input: DriftReportInput): DriftReport {
  const options = input.options ?? {};
  const thresholds = resolveThresholds(options.thresholds);
  const epsilon = options.epsilon ?? DEFAULT_PSI_EPSILON;
  const bins = options.bins ?? DEFAULT_PSI_BINS;
  const top = options.topLevels ?? 5;
  if (!(epsilon > 0 && epsilon < 1)) throw new RetrainInputError(`epsilon must be in (0, 1), got ${epsilon}`);
  if (!(Number.isInteger(bins) && bins >= 2)) throw new RetrainInputError(`bins must be an integer ≥ 2, got ${bins}`);
  if (!(Number.isInteger(top) && top >= 0)) throw new RetrainInputError(`topLevels must be an integer ≥ 0, got ${top}`);
  const { reference, candidate } = input;
  for (const [side, frame] of [
    ['reference', reference],
    ['candidate', candidate],
  ] as const) {
    for (const [name, column] of Object.entries(frame.columns)) {
      if (columnLength(column) !== frame.rowCount) {
        throw new RetrainInputError(
          `${side} column '${name}' has ${columnLength(column)} values but the frame has ${frame.rowCount} rows`,
        );
      }
    }
  }

  let names = [...new Set([...Object.keys(reference.columns), ...Object.keys(candidate.columns)])];
  if (options.features) {
    for (const f of options.features) {
      if (!names.includes(f))
        throw new RetrainInputError(`feature '${f}' is in neither frame (available: ${names.join(', ')})`);
    }
    names = [...options.features];
  }

  const warnings: string[] = [];
  const features: FeatureDrift[] = [];
  const onlyInReference: string[] = [];
  const onlyInCandidate: string[] = [];
  const kindChanged: string[] = [];
  for (const feature of names) {
    const r = reference.columns[feature];
    const c = candidate.columns[feature];
    if (!c) {
      onlyInReference.push(feature);
      warnings.push(`feature '${feature}' is in the reference data but not in the candidate data`);
      continue;
    }
    if (!r) {
      onlyInCandidate.push(feature);
      warnings.push(`feature '${feature}' is new in the candidate data (no reference to compare with)`);
      continue;
    }
    if (r.kind !== c.kind) {
      kindChanged.push(feature);
      warnings.push(
        `feature '${feature}' is ${r.kind} in the reference data but ${c.kind} in the candidate data; no PSI`,
      );
      continue;
    }
    const drift = featureDrift(feature, r, c, { epsilon, bins, top, thresholds });
    features.push(drift);
    const w = psiWarning(`feature '${feature}'`, drift.psi, drift.level, thresholds);
    if (w) warnings.push(w);
    if (drift.psi === null)
      warnings.push(
        `feature '${feature}': PSI not computed because the ${reference.rowCount === 0 ? 'reference' : 'candidate'} data has no rows`,
      );
  }

  let maxPsi: number | null = null;
  let maxPsiFeature: string | null = null;
  for (const f of features) {
    if (f.psi !== null && (maxPsi === null || f.psi > maxPsi)) {
      maxPsi = f.psi;
      maxPsiFeature = f.feature;
    }
  }

  let segments: SegmentShiftReport | null = null;
  if (input.segments) {
    segments = segmentShifts(input.segments.champion, input.segments.candidate, { thresholds, epsilon });
    const w = psiWarning('segment sizes', segments.psi, segments.level, thresholds);
    if (w) warnings.push(w);
    for (const s of segments.segments) {
      if (s.flagged) {
        const sign = s.shareChange > 0 ? '+' : '−';
        warnings.push(
          `segment '${s.label}': share ${fmtPercent(s.championShare)} → ${fmtPercent(s.candidateShare)} (${sign}${(Math.abs(s.shareChange) * 100).toFixed(1)} points)`,
        );
      }
    }
  }

  let kpis: KpiShift[] | null = null;
  if (input.kpis) {
    kpis = kpiShifts(input.kpis.champion, input.kpis.candidate, { thresholds });
    for (const k of kpis) {
      if (!k.flagged) continue;
      const where = k.segment === null ? 'overall' : `segment '${k.segment}'`;
      const rel =
        k.relativeChange === null
          ? 'from 0'
          : `${k.relativeChange > 0 ? '+' : '−'}${(Math.abs(k.relativeChange) * 100).toFixed(1)}%`;
      warnings.push(
        `KPI '${k.kpi}' (${where}): ${fmtValue(k.champion as number)} → ${fmtValue(k.candidate as number)} (${rel})`,
      );
    }
  }

  return {
    thresholds,
    epsilon,
    bins,
    referenceRows: reference.rowCount,
    candidateRows: candidate.rowCount,
    features,
    maxPsi,
    maxPsiFeature,
    onlyInReference,
    onlyInCandidate,
    kindChanged,
    segments,
    kpis,
    warnings,
  };
}
