import type { Alias, RetrainRequest, Run } from '../api/types';

/** What started a run: the retrain request that made it (`dataset:…`, `cron:…`, `manual:…`), else a manual run. */
export function triggerOf(run: Pick<Run, 'id'>, retrains: readonly RetrainRequest[]): string {
  const request = retrains.find((r) => r.run?.id === run.id);
  if (!request) return 'manual';
  const [kind] = request.trigger.split(':');
  return `${kind} (retrain policy, ${request.status})`;
}

export const aliasesOf = (run: Pick<Run, 'id'>, aliases: readonly Alias[]): string[] =>
  aliases.filter((a) => a.run.id === run.id).map((a) => a.name);

/** The model's own quality figures (silhouette, inertia, AUC, …) without the per-k search trace. */
export function qualityFigures(metrics: Record<string, number> | null): [string, number][] {
  return Object.entries(metrics ?? {}).filter(([name, v]) => typeof v === 'number' && !/_k\d+$/.test(name));
}

/** The last retrain decision of a segmentation (promoted, flagged, failed), newest first in the list. */
export function lastDecision(retrains: readonly RetrainRequest[]): RetrainRequest | undefined {
  return [...retrains]
    .filter((r) => r.status === 'promoted' || r.status === 'flagged' || r.status === 'failed')
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
}
