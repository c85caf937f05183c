import type { DatasetVersion, Run, Scoring } from '@workbench/persistence';
import type { ScoredRow } from '../scorings.service';

/** A batch scoring: which run's model scored which dataset version, how it went, and customers per segment. */
export interface ScoringView {
  id: string;
  run: { id: string; segmentation: string; version: number };
  dataset: { id: string; name: string | null; version: number };
  status: string;
  attempts: number;
  error: string | null;
  featureSet: string | null;
  /** Customers in the scored data, those given a segment, and those refused (see the scoring's errors). */
  rowCount: number | null;
  scoredCount: number | null;
  errorCount: number | null;
  segments: { key: number; label: string; count: number }[];
  createdAt: Date;
  finishedAt: Date | null;
}

export function scoringView(s: Scoring): ScoringView {
  const run = s.run as Run;
  const version = s.datasetVersion as DatasetVersion;
  const dataset = version.dataset as { id: string; name?: string } | string;
  return {
    id: s.id,
    run: { id: run.id, segmentation: run.segmentation.name, version: run.version },
    dataset:
      typeof dataset === 'object'
        ? { id: dataset.id, name: dataset.name ?? null, version: version.version }
        : { id: dataset, name: null, version: version.version },
    status: s.status,
    attempts: s.attempts,
    error: s.error ?? null,
    featureSet: s.featureSet ?? null,
    rowCount: s.rowCount ?? null,
    scoredCount: s.scoredCount ?? null,
    errorCount: s.errorCount ?? null,
    segments: s.segmentCounts ?? [],
    createdAt: new Date(s.createdAt),
    finishedAt: s.finishedAt ? new Date(s.finishedAt) : null,
  };
}

/** Customers scored in one request, with the run whose model scored them. */
export interface OnlineScoresView {
  run: { id: string; segmentation: string; version: number };
  rows: ScoredRow[];
}

export function onlineScoresView(run: Run, rows: ScoredRow[]): OnlineScoresView {
  return { run: { id: run.id, segmentation: run.segmentation.name, version: run.version }, rows };
}
