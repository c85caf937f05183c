import type { Alias, AliasEvent, Comparison, DatasetVersion, KpiValue, Run, Segment, Segmentation } from '@workbench/persistence';

// Entities are mapped to plain response shapes here, so the API does not leak ORM internals
// (collections, lazy references) and each field is named the same everywhere.

export function datasetVersionView(v: DatasetVersion) {
  return {
    id: v.id,
    dataset: typeof v.dataset === 'object' ? v.dataset.id : v.dataset,
    version: v.version,
    contentHash: v.contentHash,
    kind: v.kind,
    table: v.tableName ?? null,
    rowCount: v.rowCount,
    rejectedCount: v.rejectedCount,
    schema: v.schema,
    stats: v.stats,
    report: v.report,
    sourceName: v.sourceName ?? null,
    createdAt: v.createdAt,
  };
}

export function segmentationView(s: Segmentation) {
  return {
    id: s.id,
    name: s.name,
    description: s.description ?? null,
    plugin: s.pluginName,
    params: s.params,
    features: s.features,
    kpis: s.kpis ?? [],
    target: s.target ?? null,
    dataset: { id: s.dataset.id, name: s.dataset.name },
    createdAt: s.createdAt,
  };
}

export function runView(r: Run) {
  const dv = r.datasetVersion;
  return {
    id: r.id,
    segmentation: { id: r.segmentation.id, name: r.segmentation.name },
    version: r.version,
    status: r.status,
    progress: r.progress,
    progressNote: r.progressNote ?? null,
    attempts: r.attempts,
    error: r.error ?? null,
    datasetVersion: { id: dv.id, version: dv.version, contentHash: dv.contentHash },
    plugin: { name: r.pluginName, version: r.pluginVersion },
    params: r.params,
    seed: r.seed,
    featureSet: r.featureSet ?? null,
    workbenchVersion: r.workbenchVersion ?? null,
    backend: r.backend ?? null,
    metrics: r.metrics ?? null,
    timings: {
      queuedAt: r.queuedAt,
      startedAt: r.startedAt ?? null,
      finishedAt: r.finishedAt ?? null,
      durationMs: r.startedAt && r.finishedAt ? r.finishedAt.getTime() - r.startedAt.getTime() : null,
    },
  };
}

export function segmentView(s: Segment) {
  return { key: s.key, label: s.label, size: s.size, share: s.share, profile: s.profile };
}

export function kpiView(k: KpiValue, meaning: { title: string; definition: string; higherIsBetter: boolean } | null = null) {
  return {
    segmentKey: k.segmentKey,
    kpi: k.kpi,
    value: k.value,
    unit: k.unit,
    n: k.n ?? null,
    interval: k.lowerBound != null && k.upperBound != null ? { lower: k.lowerBound, upper: k.upperBound, method: k.intervalMethod ?? null } : null,
    window: k.window ?? null,
    evaluator: k.evaluator ?? 'workbench',
    title: meaning?.title ?? null,
    definition: meaning?.definition ?? null,
    higherIsBetter: meaning?.higherIsBetter ?? null,
    note: k.note ?? null,
  };
}

export function aliasView(a: Alias) {
  return { name: a.name, run: { id: a.run.id, version: a.run.version }, updatedAt: a.updatedAt, updatedBy: a.updatedBy };
}

export function aliasEventView(e: AliasEvent) {
  return { name: e.name, fromVersion: e.fromRun?.version ?? null, toVersion: e.toRun.version, movedBy: e.movedBy, movedAt: e.movedAt };
}

export function comparisonView(c: Comparison) {
  const ref = (r: Run) => ({ id: r.id, segmentation: r.segmentation.name, version: r.version });
  return {
    id: c.id,
    runA: ref(c.runA),
    runB: ref(c.runB),
    status: c.status,
    attempts: c.attempts,
    error: c.error ?? null,
    metrics: c.metrics ?? null,
    migration: c.migration ?? null,
    matching: c.matching ?? null,
    createdAt: c.createdAt,
    finishedAt: c.finishedAt ?? null,
  };
}
