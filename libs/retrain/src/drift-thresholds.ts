import { RetrainInputError } from './errors';

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

/** The defaults overridden by `partial`, each checked to be positive and `moderate ≤ significant`. */
export function resolveThresholds(partial: Partial<DriftThresholds> = {}): DriftThresholds {
  const t = { ...DEFAULT_DRIFT_THRESHOLDS, ...partial };
  for (const [key, value] of Object.entries(t)) {
    if (!(Number.isFinite(value) && value > 0))
      throw new RetrainInputError(`thresholds.${key} must be a positive number, got ${value}`);
  }
  if (t.moderate > t.significant) {
    throw new RetrainInputError(
      `thresholds.moderate (${t.moderate}) must not exceed thresholds.significant (${t.significant})`,
    );
  }
  return t;
}

/** Drift level of a PSI: `significant` at ≥ significant, `moderate` at ≥ moderate, else `stable`. */
export function driftLevel(
  psi: number | null,
  thresholds: Pick<DriftThresholds, 'moderate' | 'significant'> = DEFAULT_DRIFT_THRESHOLDS,
): DriftLevel {
  if (psi === null) return 'unknown';
  if (psi >= thresholds.significant) return 'significant';
  if (psi >= thresholds.moderate) return 'moderate';
  return 'stable';
}
