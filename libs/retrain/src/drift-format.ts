// How the drift figures are written: JSON-safe numbers (no NaN/∞) and the wording of warnings.
import type { DriftLevel, DriftThresholds } from './drift-thresholds';

/** The number itself when finite, else null (JSON has no NaN or ∞). */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

export const fmtPsi = (psi: number): string => psi.toFixed(4);
export const fmtPercent = (share: number): string => `${(share * 100).toFixed(1)}%`;
export const fmtValue = (x: number): string => String(Number(x.toPrecision(6)));

/** "subject: PSI x ≥ bound (level shift)" for a moderate or significant PSI, else null. */
export function psiWarning(subject: string, psi: number | null, level: DriftLevel, t: DriftThresholds): string | null {
  if (psi === null || level === 'stable' || level === 'unknown') return null;
  const bound = level === 'significant' ? t.significant : t.moderate;
  return `${subject}: PSI ${fmtPsi(psi)} ≥ ${bound} (${level} shift)`;
}
