import type { AlertFiring, DatasetVersion, KpiAlert, Run, WorkbenchEvent } from '@workbench/persistence';
import { HIDDEN_WEBHOOK_URL } from './retrain.view';

/**
 * One firing of an alert: the run (or the scoring with the run's model) whose KPIs breached it, the segments
 * for which the rule held (with the values it read), the webhook's delivery.
 */
export interface AlertFiringView {
  id: string;
  run: { id: string; segmentation: string; version: number };
  /** The scoring whose customers' KPIs fired it; null when the run's own KPIs did. */
  scoring: { id: string; dataset: string; datasetVersion: number } | null;
  segments: { key: number; label: string; values: Record<string, number | null> }[];
  eventId: string;
  webhook: { status: string; attempts: number } | null;
  createdAt: Date;
}

/** A KPI alert of a segmentation, with its firings, newest first. */
export interface AlertView {
  id: string;
  segmentation: { id: string; name: string };
  rule: string;
  webhookUrl: string | null;
  createdBy: string;
  createdAt: Date;
  firings: AlertFiringView[];
}

const scoringRef = (id: string, version: DatasetVersion) => ({
  id,
  dataset: version.dataset.name,
  datasetVersion: version.version,
});

export function alertFiringView(f: AlertFiring & { event: WorkbenchEvent | null }): AlertFiringView {
  const run = f.run as Run;
  return {
    id: f.id,
    run: { id: run.id, segmentation: run.segmentation.name, version: run.version },
    scoring: f.scoring ? scoringRef(f.scoring.id, f.scoring.datasetVersion as DatasetVersion) : null,
    segments: f.segments,
    eventId: f.eventId,
    webhook:
      f.event && f.event.webhookStatus !== 'none'
        ? { status: f.event.webhookStatus, attempts: f.event.webhookAttempts }
        : null,
    createdAt: new Date(f.createdAt),
  };
}

export function alertView(
  a: KpiAlert,
  firings: readonly (AlertFiring & { event: WorkbenchEvent | null })[],
  options: { hideWebhookUrl?: boolean } = {},
): AlertView {
  return {
    id: a.id,
    segmentation: { id: a.segmentation.id, name: a.segmentation.name },
    rule: a.rule,
    webhookUrl: a.webhookUrl && options.hideWebhookUrl ? HIDDEN_WEBHOOK_URL : (a.webhookUrl ?? null),
    createdBy: a.createdBy,
    createdAt: new Date(a.createdAt),
    firings: firings.filter((f) => f.alert.id === a.id).map(alertFiringView),
  };
}
