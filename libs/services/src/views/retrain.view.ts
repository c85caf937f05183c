import type { RetrainPolicy, RetrainRequest, WorkbenchEvent } from '@workbench/persistence';

export interface RetrainPolicyView {
  id: string;
  segmentation: string;
  trigger: 'dataset' | 'cron';
  cron: string | null;
  rule: string;
  webhookUrl: string | null;
  enabled: boolean;
  createdBy: string;
  createdAt: Date;
}

export interface RetrainRequestView {
  id: string;
  policy: string;
  segmentation: string;
  /** What caused it: a dataset version, a cron slot or a manual request. */
  trigger: string;
  status: 'queued' | 'training' | 'promoted' | 'flagged' | 'failed';
  datasetVersion: number;
  run: { id: string; version: number } | null;
  champion: { id: string; version: number } | null;
  /** The promotion rule's clauses with their values, or why it could not be evaluated. */
  outcome: Record<string, unknown> | null;
  drift: Record<string, unknown> | null;
  error: string | null;
  /** A person's decision on a flagged candidate (`POST /retrains/:id/promote` or `/reject`), null until then. */
  review: { decision: 'promoted' | 'rejected'; by: string; at: Date } | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface WorkbenchEventView {
  id: string;
  kind: string;
  segmentation: string;
  runId: string | null;
  retrain: string | null;
  message: string;
  details: Record<string, unknown>;
  webhook: { status: string; attempts: number };
  createdAt: Date;
}

/** Shown instead of a webhook URL to readers below the scientist role: the URL may hold a secret token. */
export const HIDDEN_WEBHOOK_URL = '(hidden: scientists and admins see webhook URLs)';

export function retrainPolicyView(p: RetrainPolicy, options: { hideWebhookUrl?: boolean } = {}): RetrainPolicyView {
  return {
    id: p.id,
    segmentation: p.segmentation.name,
    trigger: p.trigger,
    cron: p.cron ?? null,
    rule: p.rule,
    webhookUrl: p.webhookUrl && options.hideWebhookUrl ? HIDDEN_WEBHOOK_URL : (p.webhookUrl ?? null),
    enabled: p.enabled,
    createdBy: p.createdBy,
    createdAt: p.createdAt,
  };
}

export function retrainRequestView(r: RetrainRequest): RetrainRequestView {
  return {
    id: r.id,
    policy: r.policy.id,
    segmentation: r.policy.segmentation.name,
    trigger: r.triggerKey,
    status: r.status,
    datasetVersion: r.datasetVersion.version,
    run: r.run ? { id: r.run.id, version: r.run.version } : null,
    champion: r.champion ? { id: r.champion.id, version: r.champion.version } : null,
    outcome: r.outcome ?? null,
    drift: r.drift ?? null,
    error: r.error ?? null,
    review: r.reviewDecision
      ? { decision: r.reviewDecision, by: r.reviewedBy as string, at: r.reviewedAt as Date }
      : null,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt ?? null,
  };
}

export function workbenchEventView(e: WorkbenchEvent): WorkbenchEventView {
  return {
    id: e.id,
    kind: e.kind,
    segmentation: e.segmentation,
    runId: e.runId ?? null,
    retrain: e.requestId ?? null,
    message: e.message,
    details: e.details,
    webhook: { status: e.webhookStatus, attempts: e.webhookAttempts },
    createdAt: e.createdAt,
  };
}
