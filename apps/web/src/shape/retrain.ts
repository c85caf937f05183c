import type { DriftLevel, DriftReport, RetrainRequest } from '../api/types';

/** A flagged candidate nobody has promoted or rejected yet: the one case where the page offers both buttons. */
export const needsReview = (r: Pick<RetrainRequest, 'status' | 'review'>): boolean =>
  r.status === 'flagged' && r.review === null;

/** What happened to a retrain in a few words: the rule's verdict, then a person's decision on it. */
export function retrainVerdict(r: Pick<RetrainRequest, 'status' | 'review'>): string {
  if (r.review) return `${r.status}, then ${r.review.decision} by ${r.review.by}`;
  return needsReview(r) ? 'flagged, needs review' : r.status;
}

/** `dataset:<id>` → `new dataset version`, `cron:<time>` → `schedule <time>`, `manual:<id>` → `manual request`. */
export function triggerLabel(trigger: string): string {
  const [kind, ...rest] = trigger.split(':');
  if (kind === 'dataset') return 'new dataset version';
  if (kind === 'cron') return `schedule ${rest.join(':')}`;
  if (kind === 'manual') return 'manual request';
  return trigger;
}

/**
 * The line under a rule that points at the column a parse error names (1-based; the rule's length + 1 is
 * "at the end"), so the caret sits under the offending token in a monospace copy of the rule.
 */
export const caretLine = (column: number): string => `${' '.repeat(Math.max(0, column - 1))}^`;

export interface PsiBar {
  feature: string;
  /** null when the PSI could not be computed (a side without rows): no bar, "—" in the table. */
  psi: number | null;
  level: DriftLevel;
}

/** One bar per feature of the report, in the report's order (the features the runs use). */
export const psiBars = (drift: Pick<DriftReport, 'features'>): PsiBar[] =>
  drift.features.map((f) => ({ feature: f.feature, psi: f.psi, level: f.level }));

/** Colour of a drift level: green below moderate, amber up to significant, red from there. */
export const LEVEL_COLOURS: Record<DriftLevel, string> = {
  stable: '#3a7d44',
  moderate: '#c77700',
  significant: '#b3261e',
  unknown: '#8a8a8a',
};

/** Newest first, as a history reads. */
export const newestFirst = <T extends { createdAt: string }>(rows: readonly T[]): T[] =>
  [...rows].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));

type KpiShift = NonNullable<DriftReport['kpis']>[number];

/**
 * The KPI shifts a person reads first: the flagged ones, largest relative change first (a change without a
 * relative figure last), and the rest in the report's order, folded away — a run with 8 segments and 20 KPIs
 * has over 150 rows, of which a handful matter.
 */
export function kpiShiftsByConcern(kpis: readonly KpiShift[]): { flagged: KpiShift[]; others: KpiShift[] } {
  const size = (k: KpiShift) => (k.relativeChange === null ? -1 : Math.abs(k.relativeChange));
  return {
    flagged: kpis.filter((k) => k.flagged).sort((a, b) => size(b) - size(a)),
    others: kpis.filter((k) => !k.flagged),
  };
}
