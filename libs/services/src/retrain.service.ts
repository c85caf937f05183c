import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/core';
import { QueueUnavailableError, type JobQueue, type LiveEvents } from '@workbench/jobs';
import { DatasetVersion, RetrainPolicy, RetrainRequest, type Run, WorkbenchEvent } from '@workbench/persistence';
import {
  COMPARISON_METRIC_NAMES,
  lastCronTime,
  parseCronExpression,
  parsePromotionRule,
  PromotionRuleError,
} from '@workbench/retrain';
import type { AliasesService } from './aliases.service';
import type { DatasetsService } from './datasets.service';
import { ConflictError, InvalidRequestError, NotFoundError } from './errors';
import type { WorkbenchLogger } from './logger';
import { RETRAIN_TERMINAL } from './retrain.processor';
import { softDelete } from './soft-delete';
import type { SegmentationsService } from './segmentations.service';
import { WebhookTargets } from './webhook-targets';

/** The server's reading of a promotion rule: the metrics it reads, or where and why it does not parse. */
export type PromotionRuleCheck =
  | { ok: true; metrics: string[] }
  | {
      ok: false;
      /** `column` is 1-based (the rule's length + 1 for "at the end"); `message` = `at column N: ` + `detail`. */
      error: { column: number; detail: string; message: string };
    };

/** What a person decided about a flagged candidate. */
export type ReviewDecision = 'promoted' | 'rejected';

/** Another request set the review between our read and our write: the caller reads the request again. */
class ReviewRace extends Error {}

export interface CreatePolicyRequest {
  segmentation: string;
  trigger: 'dataset' | 'cron';
  cron?: string;
  rule: string;
  webhookUrl?: string;
}

/**
 * Retrain policies: when new data lands or a schedule fires, the segmentation is retrained, the
 * result is compared with the champion (agreement, drift, the policy's rule) and promoted or
 * flagged. Each trigger cause is recorded once (unique policy + cause), so a re-upload, a retried
 * event, two workers or a tick during an upload make one retrain, not two. This is the command half
 * (policies, triggers, the schedule); the {@link RetrainProcessor} carries the retrains out.
 */
export class RetrainService {
  private schedule?: NodeJS.Timeout;

  constructor(
    private readonly orm: MikroORM,
    private readonly queue: JobQueue,
    private readonly datasets: DatasetsService,
    private readonly segmentations: SegmentationsService,
    /** Where a new retrain request and a decision on one are announced (its worker announces the rest). */
    private readonly live: LiveEvents,
    private readonly aliases: AliasesService,
    private readonly logger: WorkbenchLogger,
    private readonly webhookTargets: WebhookTargets = new WebhookTargets(),
  ) {}

  async createPolicy(request: CreatePolicyRequest, createdBy: string): Promise<RetrainPolicy> {
    const segmentation = await this.segmentations.get(request.segmentation);
    if (request.trigger !== 'dataset' && request.trigger !== 'cron')
      throw new InvalidRequestError(`trigger '${request.trigger}' must be 'dataset' or 'cron'`);
    if (request.trigger === 'cron') {
      if (!request.cron)
        throw new InvalidRequestError("cron: a cron trigger needs a schedule, e.g. '0 3 * * 1' (Mondays 03:00 UTC)");
      try {
        parseCronExpression(request.cron);
      } catch (e) {
        throw new InvalidRequestError(`cron: ${(e as Error).message}`);
      }
    }
    const rule = this.checkRule(request.rule);
    if (!rule.ok) throw new InvalidRequestError(`rule: ${rule.error.message}`);
    if (request.webhookUrl !== undefined) await this.webhookTargets.check(request.webhookUrl);
    const em = this.orm.em.fork();
    const policy = em.create(RetrainPolicy, {
      segmentation: segmentation.id,
      trigger: request.trigger,
      cron: request.trigger === 'cron' ? request.cron : null,
      rule: request.rule,
      webhookUrl: request.webhookUrl ?? null,
      createdBy,
    });
    await em.flush();
    return policy;
  }

  /** Parses a promotion rule as a policy would store it (the same parser and metric names), without storing anything. */
  checkRule(rule: string): PromotionRuleCheck {
    try {
      return { ok: true, metrics: parsePromotionRule(rule, COMPARISON_METRIC_NAMES).metrics };
    } catch (e) {
      if (!(e instanceof PromotionRuleError)) throw e;
      return { ok: false, error: { column: e.column, detail: e.detail, message: e.message } };
    }
  }

  /**
   * A person's decision on a flagged candidate. `promoted` moves the champion alias to its run (an audited alias
   * move by `reviewedBy`) in the transaction that records the decision; `rejected` records it and moves nothing.
   * Asking again for the decision already taken answers the request as it is (no second alias move); a request
   * that is not flagged, or was decided the other way, is a conflict naming its state.
   */
  async review(id: string, decision: ReviewDecision, reviewedBy: string): Promise<RetrainRequest> {
    const request = await this.getRequest(id);
    if (this.alreadyReviewed(request, decision)) return request;
    let claimed = 0;
    const claim = async (tx: EntityManager) => {
      claimed = await tx.nativeUpdate(
        RetrainRequest,
        { id, status: 'flagged', reviewDecision: null },
        { reviewDecision: decision, reviewedBy, reviewedAt: new Date() },
      );
      if (claimed === 0) throw new ReviewRace();
    };
    try {
      if (decision === 'promoted')
        await this.aliases.move(request.policy.segmentation.id, 'champion', (request.run as Run).id, reviewedBy, claim);
      else await this.orm.em.fork().transactional(claim);
    } catch (e) {
      if (!(e instanceof ReviewRace)) throw e;
    }
    const after = await this.getRequest(id);
    if (!this.alreadyReviewed(after, decision)) throw new Error(`retrain request ${id}: the review was not recorded`);
    if (claimed) {
      this.live.publish({ type: 'state', kind: 'retrain', id, status: after.status });
      this.logger.log(`retrain request ${id}: candidate v${after.run?.version} ${decision} by ${reviewedBy}`, {
        retrainId: id,
      });
    }
    return after;
  }

  /** True when `decision` is already recorded; a conflict when the request cannot take it; false when it is open. */
  private alreadyReviewed(request: RetrainRequest, decision: ReviewDecision): boolean {
    if (request.reviewDecision === decision) return true;
    if (request.reviewDecision)
      throw new ConflictError(
        `retrain request ${request.id} was already ${request.reviewDecision} by ${request.reviewedBy} at ${request.reviewedAt?.toISOString()}; it cannot be ${decision} as well`,
      );
    if (request.status !== 'flagged' || !request.run)
      throw new ConflictError(
        `retrain request ${request.id} is ${request.status}; only a flagged candidate can be promoted or rejected`,
      );
    return false;
  }

  /** Turns a policy off (it no longer triggers) or on again. */
  async setPolicyEnabled(id: string, enabled: boolean): Promise<RetrainPolicy> {
    const em = this.orm.em.fork();
    const policy = await em.findOne(RetrainPolicy, { id, deletedAt: null }, { populate: ['segmentation'] });
    if (!policy) throw new NotFoundError(`retrain policy '${id}' not found`);
    policy.enabled = enabled;
    await em.flush();
    return policy;
  }

  /**
   * Deletes a policy: it never triggers again and is no longer listed; its retrain history stays
   * (the requests refer to it), with who deleted it and when. Webhooks of its events are not sent.
   */
  async deletePolicy(id: string, deletedBy: string): Promise<void> {
    await softDelete(this.orm.em.fork(), RetrainPolicy, 'retrain policy', id, deletedBy, { enabled: false });
  }

  async listPolicies(segmentation?: string): Promise<RetrainPolicy[]> {
    const where = {
      deletedAt: null,
      ...(segmentation ? { segmentation: (await this.segmentations.get(segmentation)).id } : {}),
    };
    return this.orm.em.fork().find(RetrainPolicy, where, { orderBy: { createdAt: 'asc' }, populate: ['segmentation'] });
  }

  async listRequests(segmentation?: string): Promise<RetrainRequest[]> {
    const where = segmentation ? { policy: { segmentation: (await this.segmentations.get(segmentation)).id } } : {};
    return this.orm.em.fork().find(RetrainRequest, where, {
      orderBy: { createdAt: 'asc' },
      populate: ['policy', 'policy.segmentation', 'run', 'champion', 'datasetVersion'],
    });
  }

  async getRequest(id: string): Promise<RetrainRequest> {
    const found = await this.orm.em
      .fork()
      .findOne(
        RetrainRequest,
        { id },
        { populate: ['policy', 'policy.segmentation', 'run', 'champion', 'datasetVersion'] },
      );
    if (!found) throw new NotFoundError(`retrain request '${id}' not found`);
    return found;
  }

  async events(limit = 100): Promise<WorkbenchEvent[]> {
    return this.orm.em.fork().find(WorkbenchEvent, {}, { orderBy: { createdAt: 'desc' }, limit });
  }

  /** Ingest calls this for each new dataset version: policies on that dataset retrain once for it. */
  async onNewDatasetVersion(version: DatasetVersion): Promise<RetrainRequest[]> {
    if (version.kind === 'table') return []; // an extra table is read by the next run; it is not new data to train on
    const datasetId = typeof version.dataset === 'object' ? version.dataset.id : (version.dataset as string);
    const policies = await this.orm.em
      .fork()
      .find(RetrainPolicy, { enabled: true, trigger: 'dataset', segmentation: { dataset: datasetId } });
    const out = [];
    for (const policy of policies) out.push(await this.trigger(policy, `dataset:${version.id}`, version.id));
    return out;
  }

  /** A person asked for a retrain: every enabled policy of the segmentation runs once on the latest data. */
  async manual(segmentationIdOrName: string): Promise<RetrainRequest[]> {
    const segmentation = await this.segmentations.get(segmentationIdOrName);
    const policies = await this.orm.em.fork().find(RetrainPolicy, { enabled: true, segmentation: segmentation.id });
    if (policies.length === 0)
      throw new InvalidRequestError(
        `segmentation '${segmentation.name}' has no enabled retrain policy; add one, or enable one (PATCH /policies/:id, CLI policies enable <id>)`,
      );
    const latest = await this.datasets.latestVersion(segmentation.dataset.id);
    const out = [];
    for (const policy of policies) out.push(await this.trigger(policy, `manual:${randomUUID()}`, latest.id));
    return out;
  }

  /**
   * Fires the cron policies due at `now`: the most recent scheduled time not after `now` triggers
   * once (ticks missed while nothing ran are not replayed one by one). Called by the scheduler every
   * half minute, and by tests with the time they choose.
   */
  async tick(now: Date): Promise<RetrainRequest[]> {
    const policies = await this.orm.em
      .fork()
      .find(RetrainPolicy, { enabled: true, trigger: 'cron' }, { populate: ['segmentation'] });
    const out = [];
    for (const policy of policies) {
      // A time before the policy existed, or over 40 days old, is not due any more.
      const lookback = Math.max(policy.createdAt.getTime(), now.getTime() - 40 * 86_400_000);
      const due = lastCronTime(policy.cron as string, now);
      if (!due || due.getTime() <= lookback) continue;
      const latest = await this.datasets.latestVersion(policy.segmentation.dataset.id);
      out.push(await this.trigger(policy, `cron:${due.toISOString()}`, latest.id));
    }
    return out;
  }

  startScheduler(intervalMs = 30_000): void {
    this.schedule = setInterval(() => {
      this.tick(new Date()).catch((e) => this.logger.warn(`retrain scheduler: ${(e as Error).message}`));
    }, intervalMs);
    this.schedule.unref();
  }

  stop(): void {
    if (this.schedule) clearInterval(this.schedule);
  }

  /** Records the request for this cause, or finds the one already recorded, and makes sure it is queued. */
  private async trigger(policy: RetrainPolicy, triggerKey: string, datasetVersionId: string): Promise<RetrainRequest> {
    let request: RetrainRequest | null = null;
    try {
      const em = this.orm.em.fork();
      request = em.create(RetrainRequest, { policy: policy.id, triggerKey, datasetVersion: datasetVersionId });
      await em.flush();
      this.live.publish({ type: 'state', kind: 'retrain', id: request.id, status: request.status });
    } catch (e) {
      if (!(e instanceof UniqueConstraintViolationException)) throw e;
      request = await this.orm.em.fork().findOneOrFail(RetrainRequest, { policy: policy.id, triggerKey });
    }
    if (!RETRAIN_TERMINAL.has(request.status)) {
      try {
        await this.queue.enqueue('retrain', request.id);
      } catch (e) {
        // Triggered by something else that worked (a stored dataset version, the schedule): the request
        // stays queued and the reconciler queues it once Redis is back.
        if (!(e instanceof QueueUnavailableError)) throw e;
        this.logger.warn(
          `retrain request ${request.id} recorded but not queued yet (${e.message}); the reconciler will queue it`,
        );
      }
    }
    return request;
  }
}
