import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { JobQueue, RetryPolicy } from '@workbench/jobs';
import { AlertFiring, KpiAlert, KpiValue, WorkbenchEvent, type Segmentation } from '@workbench/persistence';
import { evaluatePromotionRule, parsePromotionRule, type PromotionRule } from '@workbench/retrain';
import { InvalidRequestError } from './errors';
import { HOST_KPIS } from './host-kpis';
import type { WorkbenchLogger } from './logger';
import type { AssignmentsService } from './assignments.service';
import { matchSegments, previousFinishedRun, type VersionAssignments } from './kpi-history.service';
import type { PluginsService } from './plugins.service';
import type { SegmentationsService } from './segmentations.service';
import { softDelete } from './soft-delete';
import { WebhookTargets } from './webhook-targets';

export interface CreateAlertRequest {
  /** A rule in the promotion-rule language over a segment's KPI keys, e.g. `churn_rate > 0.3`; it fires when it holds. */
  rule: string;
  webhookUrl?: string;
}

/** A rule's metric that is the relative change of a KPI: `revenue_change`. */
const CHANGE = /_change$/;

/** Each KPI name and its `_change`. */
const withChangeNames = (kpis: readonly string[]) => [...kpis, ...kpis.map((k) => `${k}_change`)];

/**
 * A segment's KPI values with each one's relative change against the baseline's value of the same KPI,
 * `(now − before) / |before|`: −0.2 is a fall of 20 %. Null when either value is missing or the baseline's is 0
 * (a change from nothing has no ratio), or without a baseline (a first version, an unmatched segment).
 */
export function withChanges(
  values: Record<string, number | null>,
  baseline: Record<string, number | null> | undefined,
): Record<string, number | null> {
  const out: Record<string, number | null> = { ...values };
  for (const [kpi, now] of Object.entries(values)) {
    const before = baseline?.[kpi];
    out[`${kpi}_change`] =
      now === null || before === null || before === undefined || before === 0
        ? null
        : (now - before) / Math.abs(before);
  }
  return out;
}

/** One KPI value of a run, as the run processor writes it. */
export interface RunKpiRow {
  segmentKey: number | null;
  kpi: string;
  value: number | null;
}

/** What a firing needs to know of the run (the run whose KPIs fired it, or whose model a firing scoring used). */
export interface FiringRun {
  id: string;
  segmentationId: string;
  segmentationName: string;
  version: number;
  /** Set when a scoring with the run's model fired it: its customers' KPIs were read, not the run's. */
  scoring?: { id: string; dataset: string; datasetVersion: number };
}

/**
 * KPI alerts: rules over each segment's KPI values, attached to a segmentation and checked after every
 * successful run and every successful scoring with one of its runs' models, in the run's (or scoring's) own
 * results transaction, so each fires an alert once whatever its retries.
 * A firing is a `alert.fired` event (in the events list) whose webhook is delivered and retried by the
 * `notify` queue like a retrain's.
 */
export class AlertsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly queue: JobQueue,
    private readonly segmentations: SegmentationsService,
    private readonly plugins: PluginsService,
    private readonly assignments: AssignmentsService,
    private readonly logger: WorkbenchLogger,
    private readonly webhookTargets: WebhookTargets = new WebhookTargets(),
    private readonly webhookRetry: Partial<RetryPolicy> = {},
  ) {}

  /**
   * The metric names a rule of this segmentation may read: the host's counts and its evaluators' KPI keys,
   * and each one's `_change` (see {@link withChanges}).
   */
  private knownMetrics(segmentation: Segmentation): string[] {
    return withChangeNames([
      ...new Set([...HOST_KPIS, ...(segmentation.kpis ?? []).flatMap((k) => this.plugins.kpiKeys(k.plugin))]),
    ]);
  }

  async create(segmentationRef: string, request: CreateAlertRequest, createdBy: string): Promise<KpiAlert> {
    const segmentation = await this.segmentations.get(segmentationRef);
    try {
      parsePromotionRule(request.rule, this.knownMetrics(segmentation));
    } catch (e) {
      throw new InvalidRequestError(`rule: ${(e as Error).message}`);
    }
    if (request.webhookUrl !== undefined) await this.webhookTargets.check(request.webhookUrl);
    const em = this.orm.em.fork();
    const alert = em.create(KpiAlert, {
      segmentation: segmentation.id,
      rule: request.rule,
      webhookUrl: request.webhookUrl ?? null,
      createdBy,
    });
    await em.flush();
    return (await this.list()).find((a) => a.id === alert.id) as KpiAlert;
  }

  /** Every alert not deleted, oldest first, with its segmentation. */
  async list(): Promise<KpiAlert[]> {
    return this.orm.em
      .fork()
      .find(KpiAlert, { deletedAt: null }, { orderBy: { createdAt: 'asc' }, populate: ['segmentation'] });
  }

  /**
   * Deletes an alert, as a retrain policy is deleted: it never fires again and is no longer listed; its
   * firings and their events stay, with who deleted it and when. Webhooks of its firings not yet delivered are not sent.
   */
  async delete(id: string, deletedBy: string): Promise<void> {
    await softDelete(this.orm.em.fork(), KpiAlert, 'alert', id, deletedBy);
  }

  /** The firings of the alerts, newest first. */
  async firings(): Promise<(AlertFiring & { event: WorkbenchEvent | null })[]> {
    const em = this.orm.em.fork();
    const firings = await em.find(
      AlertFiring,
      {},
      {
        orderBy: { createdAt: 'desc' },
        populate: ['run', 'run.segmentation', 'scoring', 'scoring.datasetVersion', 'scoring.datasetVersion.dataset'],
      },
    );
    const events = new Map(
      (await em.find(WorkbenchEvent, { id: { $in: firings.map((f) => f.eventId) } })).map((e) => [e.id, e]),
    );
    return firings.map((f) => Object.assign(f, { event: events.get(f.eventId) ?? null }));
  }

  /**
   * The KPIs the alerts of a segmentation read (`revenue` for `revenue_change`), so a scoring measures only
   * what they need; empty when it has no alert. A rule that no longer parses reads nothing (it is reported when checked).
   */
  async metricsRead(segmentation: Segmentation): Promise<Set<string>> {
    const alerts = await this.orm.em.fork().find(KpiAlert, { segmentation: segmentation.id, deletedAt: null });
    const known = this.knownMetrics(segmentation);
    const read = new Set<string>();
    for (const alert of alerts) {
      try {
        for (const m of parsePromotionRule(alert.rule, known).metrics) read.add(m.replace(CHANGE, ''));
      } catch {
        continue;
      }
    }
    return read;
  }

  /**
   * Inside a run's (or a scoring's) results transaction: fires each alert of the run's segmentation whose
   * rule holds for at least one segment (one firing and one event per alert and run or scoring; an earlier
   * attempt's firing is kept). Returns the events whose webhooks {@link notify} queues once the transaction
   * has committed. `current` is the run's own assignments, to match its segments to the previous version's
   * when a rule reads a `_change` (a scoring's segments are its run's own).
   */
  async fire(
    tx: EntityManager,
    run: FiringRun,
    segments: readonly { key: number; label: string }[],
    kpis: readonly RunKpiRow[],
    current?: Omit<VersionAssignments, 'k'>,
  ): Promise<WorkbenchEvent[]> {
    const alerts = await tx.find(KpiAlert, { segmentation: run.segmentationId, deletedAt: null });
    if (alerts.length === 0) return [];
    const names = withChangeNames([...new Set([...HOST_KPIS, ...kpis.map((k) => k.kpi)])]);
    const rules = new Map<KpiAlert, PromotionRule>();
    for (const alert of alerts) {
      try {
        rules.set(alert, parsePromotionRule(alert.rule, names));
      } catch (e) {
        // An evaluator the rule reads is no longer run: the alert cannot be checked, which is said, not failed on.
        this.logger.warn(
          `alert ${alert.id} ('${alert.rule}') not checked for ${run.scoring ? `scoring ${run.scoring.id}` : `run ${run.id}`}: ${(e as Error).message}`,
        );
      }
    }
    const readsChange = [...rules.values()].some((r) => r.metrics.some((m) => CHANGE.test(m)));
    const baseline = readsChange ? await this.baseline(tx, run, segments.length, current) : null;
    const valuesOf = (key: number) =>
      withChanges(
        Object.fromEntries(kpis.filter((k) => k.segmentKey === key).map((k) => [k.kpi, k.value])),
        baseline?.values.get(key),
      );
    const events: WorkbenchEvent[] = [];
    for (const [alert, rule] of rules) {
      const breaching = segments
        .map((s) => ({ ...s, values: valuesOf(s.key) }))
        .filter((s) => evaluatePromotionRule(rule, s.values).promote)
        .map((s) => ({
          key: s.key,
          label: s.label,
          values: Object.fromEntries(rule.metrics.map((m) => [m, s.values[m] ?? null])),
        }));
      if (breaching.length === 0) continue;
      const source = run.scoring?.id ?? run.id;
      if (await tx.findOne(AlertFiring, { alert: alert.id, source })) continue;
      const where = run.scoring
        ? `the scoring of ${run.scoring.dataset} v${run.scoring.datasetVersion} with ${run.segmentationName} v${run.version}`
        : `${run.segmentationName} v${run.version}`;
      const event = tx.create(WorkbenchEvent, {
        kind: 'alert.fired',
        segmentation: run.segmentationName,
        policyId: null,
        requestId: null,
        runId: run.id,
        message: `alert '${alert.rule}' fired for ${breaching.map((s) => s.label).join(', ')} in ${where}`,
        details: {
          alertId: alert.id,
          rule: alert.rule,
          scoringId: run.scoring?.id ?? null,
          // What a `_change` compared with: the previous version (or, for a scoring, its own run).
          baseline: baseline ? { runId: baseline.runId, version: baseline.version } : null,
          segments: breaching,
        },
        webhookStatus: alert.webhookUrl ? 'pending' : 'none',
      });
      tx.create(AlertFiring, {
        alert: alert.id,
        run: run.id,
        scoring: run.scoring?.id ?? null,
        source,
        segments: breaching,
        eventId: event.id,
      });
      events.push(event);
    }
    return events;
  }

  /**
   * What the `_change` metrics compare with, per segment key of the run (or scoring) checked: for a run, the
   * previous finished version's KPI values of the segment its matched to by the Hungarian matching over
   * their shared customers (kpi-history's matching); for a scoring, its own run's values of the same
   * segment (the same model's segments). Null when there is no previous version.
   */
  private async baseline(
    tx: EntityManager,
    run: FiringRun,
    k: number,
    current: Omit<VersionAssignments, 'k'> | undefined,
  ): Promise<{ runId: string; version: number; values: Map<number, Record<string, number | null>> } | null> {
    const before = run.scoring
      ? { id: run.id, version: run.version }
      : await previousFinishedRun(tx, run.segmentationId, run.version);
    if (!before) return null;
    let pairs: Map<number, number>;
    if (run.scoring) pairs = new Map(Array.from({ length: k }, (_, i) => [i, i]));
    else {
      if (!current) throw new Error(`run ${run.id}: a rule reads a change, but its assignments were not given`);
      const previous = await this.assignments.decoded(before.id, tx);
      // Matched from the current version to the previous one: current key → previous key.
      pairs = matchSegments({ ...current, k }, { ...previous, k: previous.labels.size });
    }
    const rows = await tx.find(KpiValue, { run: before.id }, { fields: ['segmentKey', 'kpi', 'value'] });
    const values = new Map<number, Record<string, number | null>>();
    for (const [key, previousKey] of pairs) {
      values.set(
        key,
        Object.fromEntries(rows.filter((r) => r.segmentKey === previousKey).map((r) => [r.kpi, r.value ?? null])),
      );
    }
    return { runId: before.id, version: before.version, values };
  }

  /** Queues the webhooks of fired alerts (after their transaction committed); a lost enqueue is redone at the next worker start. */
  async notify(events: readonly WorkbenchEvent[]): Promise<void> {
    for (const event of events) {
      this.logger.log(`${event.kind}: ${event.message}`);
      if (event.webhookStatus === 'pending') await this.queue.enqueue('notify', event.id, this.webhookRetry);
    }
  }
}
