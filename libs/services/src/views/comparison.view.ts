import type { Comparison, Run } from '@workbench/persistence';

export interface RunRefView {
  id: string;
  segmentation: string;
  version: number;
}

export interface ComparisonView {
  id: string;
  runA: RunRefView;
  runB: RunRefView;
  status: string;
  attempts: number;
  error: string | null;
  /** Agreement: ARI, NMI, customers in both runs and in one only. */
  metrics: Record<string, unknown> | null;
  /** Customers of each segment of A by segment of B, with row percentages. */
  migration: Record<string, unknown> | null;
  /** Segments matched on overlap, with KPI changes B − A and their intervals. */
  matching: Record<string, unknown> | null;
  createdAt: Date;
  finishedAt: Date | null;
}

const ref = (r: Run): RunRefView => ({ id: r.id, segmentation: r.segmentation.name, version: r.version });

export function comparisonView(c: Comparison): ComparisonView {
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
