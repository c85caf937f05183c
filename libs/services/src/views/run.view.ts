import type { Run } from '@workbench/persistence';

/** A run (one version of a segmentation): status, what it trained on, with which plugin, params and seed, and how it went. */
export interface RunView {
  id: string;
  segmentation: { id: string; name: string };
  version: number;
  status: string;
  progress: number;
  progressNote: string | null;
  attempts: number;
  error: string | null;
  dataset: { id: string; name: string | null };
  datasetVersion: { id: string; version: number; contentHash: string };
  plugin: { name: string; version: string };
  params: Record<string, unknown>;
  seed: number;
  featureSet: string | null;
  workbenchVersion: string | null;
  backend: string | null;
  metrics: Record<string, unknown> | null;
  timings: {
    queuedAt: Date;
    startedAt: Date | null;
    finishedAt: Date | null;
    /** From the start of the last attempt to the end; null until finished. */
    durationMs: number | null;
  };
}

const time = (d: Date | null | undefined) => (d ? new Date(d) : null);

export function runView(r: Run): RunView {
  const dv = r.datasetVersion;
  const dataset = dv.dataset as { id: string; name?: string } | string | undefined;
  const startedAt = time(r.startedAt);
  const finishedAt = time(r.finishedAt);
  return {
    id: r.id,
    segmentation: { id: r.segmentation.id, name: r.segmentation.name },
    version: r.version,
    status: r.status,
    progress: r.progress,
    progressNote: r.progressNote ?? null,
    attempts: r.attempts,
    error: r.error ?? null,
    dataset:
      typeof dataset === 'object' ? { id: dataset.id, name: dataset.name ?? null } : { id: dataset ?? '', name: null },
    datasetVersion: { id: dv.id, version: dv.version, contentHash: dv.contentHash },
    plugin: { name: r.pluginName, version: r.pluginVersion },
    params: r.params,
    seed: r.seed,
    featureSet: r.featureSet ?? null,
    workbenchVersion: r.workbenchVersion ?? null,
    backend: r.backend ?? null,
    metrics: r.metrics ?? null,
    timings: {
      queuedAt: new Date(r.queuedAt),
      startedAt,
      finishedAt,
      durationMs: startedAt && finishedAt ? finishedAt.getTime() - startedAt.getTime() : null,
    },
  };
}
