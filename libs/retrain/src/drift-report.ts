import type { CategoricalColumn, FeatureFrame, NumericColumn } from '@workbench/plugin-sdk';
import { RetrainInputError } from './errors';
import { categoricalPsi, DEFAULT_PSI_BINS, DEFAULT_PSI_EPSILON, levelCounts, numericPsi, psiFromCounts, quantileSorted, sortedFinite, type PsiBin } from './psi';

/** Where a PSI (or a share / KPI change) starts to raise a warning. */
export interface DriftThresholds {
  /** PSI ≥ this is a moderate shift (conventional 0.1). */
  moderate: number;
  /** PSI ≥ this is a significant shift (conventional 0.25). */
  significant: number;
  /** |candidate share − champion share| of one segment ≥ this is flagged (0.05 = 5 percentage points). */
  segmentShareChange: number;
  /** |relative change| of a KPI ≥ this is flagged (0.1 = 10 %). */
  kpiRelativeChange: number;
}

export const DEFAULT_DRIFT_THRESHOLDS: Readonly<DriftThresholds> = Object.freeze({
  moderate: 0.1,
  significant: 0.25,
  segmentShareChange: 0.05,
  kpiRelativeChange: 0.1,
});

/** `unknown` when the PSI could not be computed (a side with no rows). */
export type DriftLevel = 'stable' | 'moderate' | 'significant' | 'unknown';

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

interface FeatureDriftBase {
  feature: string;
  psi: number | null;
  level: DriftLevel;
  bins: PsiBin[];
}

export interface NumericFeatureDrift extends FeatureDriftBase {
  kind: 'numeric';
  reference: NumericSummary;
  candidate: NumericSummary;
}

export interface CategoricalFeatureDrift extends FeatureDriftBase {
  kind: 'categorical';
  reference: CategoricalSummary;
  candidate: CategoricalSummary;
}

export type FeatureDrift = NumericFeatureDrift | CategoricalFeatureDrift;

/** Size of one segment of a run (the `Segment` row: label and size). */
export interface SegmentSize {
  label: string;
  size: number;
}

export interface SegmentShift {
  label: string;
  championSize: number;
  candidateSize: number;
  championShare: number;
  candidateShare: number;
  /** candidateShare − championShare. */
  shareChange: number;
  /** This segment's PSI term. */
  contribution: number;
  /** |shareChange| ≥ thresholds.segmentShareChange. */
  flagged: boolean;
}

export interface SegmentShiftReport {
  psi: number | null;
  level: DriftLevel;
  championTotal: number;
  candidateTotal: number;
  /** Union of labels, sorted. */
  segments: SegmentShift[];
}

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

function resolveThresholds(partial: Partial<DriftThresholds> = {}): DriftThresholds {
  const t = { ...DEFAULT_DRIFT_THRESHOLDS, ...partial };
  for (const [key, value] of Object.entries(t)) {
    if (!(Number.isFinite(value) && value > 0)) throw new RetrainInputError(`thresholds.${key} must be a positive number, got ${value}`);
  }
  if (t.moderate > t.significant) {
    throw new RetrainInputError(`thresholds.moderate (${t.moderate}) must not exceed thresholds.significant (${t.significant})`);
  }
  return t;
}

/** Drift level of a PSI: `significant` at ≥ significant, `moderate` at ≥ moderate, else `stable`. */
export function driftLevel(psi: number | null, thresholds: Pick<DriftThresholds, 'moderate' | 'significant'> = DEFAULT_DRIFT_THRESHOLDS): DriftLevel {
  if (psi === null) return 'unknown';
  if (psi >= thresholds.significant) return 'significant';
  if (psi >= thresholds.moderate) return 'moderate';
  return 'stable';
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
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

const fmtPsi = (psi: number): string => psi.toFixed(4);
const fmtPercent = (share: number): string => `${(share * 100).toFixed(1)}%`;
const fmtValue = (x: number): string => String(Number(x.toPrecision(6)));

function psiWarning(subject: string, psi: number | null, level: DriftLevel, t: DriftThresholds): string | null {
  if (psi === null || level === 'stable' || level === 'unknown') return null;
  const bound = level === 'significant' ? t.significant : t.moderate;
  return `${subject}: PSI ${fmtPsi(psi)} ≥ ${bound} (${level} shift)`;
}

/** Share per segment label in the champion vs the candidate run, with a PSI over segments (labels matched by string). */
export function segmentShifts(
  champion: readonly SegmentSize[],
  candidate: readonly SegmentSize[],
  options: { thresholds?: Partial<DriftThresholds>; epsilon?: number } = {},
): SegmentShiftReport {
  const t = resolveThresholds(options.thresholds);
  const toMap = (side: string, list: readonly SegmentSize[]): Map<string, number> => {
    const map = new Map<string, number>();
    list.forEach((s, i) => {
      if (!(Number.isFinite(s.size) && s.size >= 0)) throw new RetrainInputError(`${side} segment '${s.label}' (position ${i}) has size ${s.size}; sizes must be finite and ≥ 0`);
      if (map.has(s.label)) throw new RetrainInputError(`${side} segment label '${s.label}' appears twice (positions ${list.findIndex((x) => x.label === s.label)} and ${i})`);
      map.set(s.label, s.size);
    });
    return map;
  };
  const a = toMap('champion', champion);
  const b = toMap('candidate', candidate);
  const labels = [...new Set([...a.keys(), ...b.keys()])].sort();
  const championSizes = labels.map((l) => a.get(l) ?? 0);
  const candidateSizes = labels.map((l) => b.get(l) ?? 0);
  const r = psiFromCounts(championSizes, candidateSizes, { epsilon: options.epsilon });
  return {
    psi: r.psi,
    level: driftLevel(r.psi, t),
    championTotal: championSizes.reduce((s, x) => s + x, 0),
    candidateTotal: candidateSizes.reduce((s, x) => s + x, 0),
    segments: labels.map((label, i) => {
      const shareChange = r.candidateShares[i] - r.referenceShares[i];
      return {
        label,
        championSize: championSizes[i],
        candidateSize: candidateSizes[i],
        championShare: r.referenceShares[i],
        candidateShare: r.candidateShares[i],
        shareChange,
        contribution: r.contributions[i],
        flagged: Math.abs(shareChange) >= t.segmentShareChange,
      };
    }),
  };
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
        throw new RetrainInputError(`${side} KPI '${o.kpi}' for ${o.segment === null ? 'overall' : `segment '${o.segment}'`} appears twice (position ${i})`);
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
    const flagged = relativeChange !== null ? Math.abs(relativeChange) >= t.kpiRelativeChange : absoluteChange !== null && absoluteChange !== 0;
    return { segment: o.segment, kpi: o.kpi, champion: x, candidate: y, absoluteChange, relativeChange, flagged };
  });
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
        throw new RetrainInputError(`${side} column '${name}' has ${columnLength(column)} values but the frame has ${frame.rowCount} rows`);
      }
    }
  }

  let names = [...new Set([...Object.keys(reference.columns), ...Object.keys(candidate.columns)])];
  if (options.features) {
    for (const f of options.features) {
      if (!names.includes(f)) throw new RetrainInputError(`feature '${f}' is in neither frame (available: ${names.join(', ')})`);
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
      warnings.push(`feature '${feature}' is ${r.kind} in the reference data but ${c.kind} in the candidate data; no PSI`);
      continue;
    }
    let drift: FeatureDrift;
    if (r.kind === 'numeric' && c.kind === 'numeric') {
      const table = numericPsi(r.values, c.values, { epsilon, bins }, feature);
      drift = {
        feature,
        kind: 'numeric',
        psi: table.psi,
        level: driftLevel(table.psi, thresholds),
        bins: table.bins,
        reference: summarizeNumeric(r.values, feature),
        candidate: summarizeNumeric(c.values, feature),
      };
    } else {
      const rc = r as CategoricalColumn;
      const cc = c as CategoricalColumn;
      const table = categoricalPsi(rc, cc, { epsilon });
      drift = {
        feature,
        kind: 'categorical',
        psi: table.psi,
        level: driftLevel(table.psi, thresholds),
        bins: table.bins,
        reference: summarizeCategorical(rc, top),
        candidate: summarizeCategorical(cc, top),
      };
    }
    features.push(drift);
    const w = psiWarning(`feature '${feature}'`, drift.psi, drift.level, thresholds);
    if (w) warnings.push(w);
    if (drift.psi === null) warnings.push(`feature '${feature}': PSI not computed because the ${reference.rowCount === 0 ? 'reference' : 'candidate'} data has no rows`);
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
      const rel = k.relativeChange === null ? 'from 0' : `${k.relativeChange > 0 ? '+' : '−'}${(Math.abs(k.relativeChange) * 100).toFixed(1)}%`;
      warnings.push(`KPI '${k.kpi}' (${where}): ${fmtValue(k.champion as number)} → ${fmtValue(k.candidate as number)} (${rel})`);
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
