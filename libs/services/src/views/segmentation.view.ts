import type { Segmentation } from '@workbench/persistence';

export interface SegmentationView {
  id: string;
  name: string;
  description: string | null;
  plugin: string;
  params: Record<string, unknown>;
  features: string[];
  /** KPI evaluators run after each training, with their params. */
  kpis: { plugin: string; params: Record<string, unknown> }[];
  target: { churnHorizonDays: number } | null;
  dataset: { id: string; name: string };
  createdAt: Date;
}

export function segmentationView(s: Segmentation): SegmentationView {
  return {
    id: s.id,
    name: s.name,
    description: s.description ?? null,
    plugin: s.pluginName,
    params: s.params,
    features: s.features,
    kpis: (s.kpis ?? []).map((k) => ({ plugin: k.plugin, params: k.params ?? {} })),
    target: s.target ?? null,
    dataset: { id: s.dataset.id, name: s.dataset.name },
    createdAt: s.createdAt,
  };
}
