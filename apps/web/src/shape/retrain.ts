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

/** How many of a segment's flagged KPI shifts show before its fold. */
export const OPEN_SHIFTS_PER_SEGMENT = 3;

export interface KpiShiftGroup {
  /** The segment's label; null for the KPIs over all customers. */
  segment: string | null;
  /** How many of its shifts the rule flagged. */
  flagged: number;
  /** Its flagged shifts with the largest relative changes, largest first (one without a relative figure last). */
  open: KpiShift[];
  /** The rest: its other flagged shifts in the same order, then the unflagged ones in the report's order. */
  folded: KpiShift[];
}

/**
 * The KPI shifts grouped by segment, so that a person reads the few that matter: a run with 8 segments and 20 KPIs
 * has over 150 rows, and on real data 80 of them may be flagged. Each segment shows its largest flagged changes
 * (at most `openPerSegment`) and folds the rest; the segments come by their largest flagged change, those with
 * none flagged last, each set in the report's order.
 */
export function kpiShiftsBySegment(
  kpis: readonly KpiShift[],
  openPerSegment = OPEN_SHIFTS_PER_SEGMENT,
): KpiShiftGroup[] {
  const size = (k: KpiShift) => (k.relativeChange === null ? -1 : Math.abs(k.relativeChange));
  const bySegment = new Map<string | null, KpiShift[]>();
  for (const k of kpis) bySegment.set(k.segment, [...(bySegment.get(k.segment) ?? []), k]);
  const groups = [...bySegment].map(([segment, shifts]): KpiShiftGroup => {
    const flagged = shifts.filter((k) => k.flagged).sort((a, b) => size(b) - size(a));
    return {
      segment,
      flagged: flagged.length,
      open: flagged.slice(0, openPerSegment),
      folded: [...flagged.slice(openPerSegment), ...shifts.filter((k) => !k.flagged)],
    };
  });
  // Below any flagged shift's size (−1 at least), so a segment with none flagged comes after all the others.
  const largest = (g: KpiShiftGroup) => (g.open.length === 0 ? -2 : size(g.open[0]));
  return groups.sort((a, b) => largest(b) - largest(a));
}

/** The summary of a segment's fold: how many flagged and unflagged shifts it holds. */
export function foldedShiftsLabel(group: KpiShiftGroup): string {
  const flagged = group.flagged - group.open.length;
  const below = group.folded.length - flagged;
  return [
    flagged > 0 ? `${flagged} more flagged` : '',
    below > 0 ? `${below} ${below === 1 ? 'change' : 'changes'} below the threshold` : '',
  ]
    .filter(Boolean)
    .join(' and ');
}
