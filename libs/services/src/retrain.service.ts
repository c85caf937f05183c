import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/core';
import type { Job, JobQueue } from '@workbench/jobs';
import { Alias, DatasetVersion, RetrainPolicy, RetrainRequest, Run, RunStatus, WorkbenchEvent } from '@workbench/persistence';
import {
  COMPARISON_METRIC_NAMES,
  deriveComparisonMetrics,
  driftReport,
  evaluatePromotionRule,
  nextCronTime,
  parseCronExpression,
  parsePromotionRule,
  type DriftReport,
  type PromotionDecision,
} from '@workbench/retrain';
import type { AliasesService } from './aliases.service';
import type { ComparisonsService } from './comparisons.service';
import type { DatasetsService } from './datasets.service';
import { InvalidRequestError, NotFoundError } from './errors';
import type { RunsLogger, RunsService } from './runs.service';
import type { SegmentationsService } from './segmentations.service';

export interface CreatePolicyRequest {
  segmentation: string;
  trigger: 'dataset' | 'cron';
  cron?: string;
  rule: string;
  webhookUrl?: string;
}

const TERMINAL = new Set(['promoted', 'flagged', 'failed']);

/**
 * Retrain policies: when new data lands or a schedule fires, the segmentation is retrained, the
 * result is compared with the champion (agreement, drift, the policy's rule) and promoted or
 * flagged. Each trigger cause is recorded once (unique policy + cause), so a re-upload, a retried
 * event, two workers or a tick during an upload make one retrain, not two.
 */
export class RetrainService {
  private schedule?: NodeJS.Timeout;

  constructor(
    private readonly orm: MikroORM,
    private readonly queue: JobQueue,
    private readonly datasets: DatasetsService,
    private readonly segmentations: SegmentationsService,
    private readonly runs: RunsService,
    private readonly comparisons: ComparisonsService,
    private readonly aliases: AliasesService,
    private readonly logger: RunsLogger,
    /** Webhook deliveries: tried this often, with doubling delays from the first. */
    private readonly webhookRetry = { attempts: 5, backoffMs: 2000 },
  ) {}

  async createPolicy(request: CreatePolicyRequest, createdBy: string): Promise<RetrainPolicy> {
    const segmentation = await this.segmentations.get(request.segmentation);
    if (request.trigger !== 'dataset' && request.trigger !== 'cron') throw new InvalidRequestError(`trigger '${request.trigger}' must be 'dataset' or 'cron'`);
    if (request.trigger === 'cron') {
      if (!request.cron) throw new InvalidRequestError("cron: a cron trigger needs a schedule, e.g. '0 3 * * 1' (Mondays 03:00 UTC)");
      try {
        parseCronExpression(request.cron);
      } catch (e) {
        throw new InvalidRequestError(`cron: ${(e as Error).message}`);
      }
    }
    try {
      parsePromotionRule(request.rule, COMPARISON_METRIC_NAMES);
    } catch (e) {
      throw new InvalidRequestError(`rule: ${(e as Error).message}`);
    }
    if (request.webhookUrl !== undefined && !/^https?:\/\/\S+$/.test(request.webhookUrl)) throw new InvalidRequestError('webhookUrl must be an http:// or https:// URL');
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

  async listPolicies(segmentation?: string): Promise<RetrainPolicy[]> {
    const where = segmentation ? { segmentation: (await this.segmentations.get(segmentation)).id } : {};
    return this.orm.em.fork().find(RetrainPolicy, where, { orderBy: { createdAt: 'asc' }, populate: ['segmentation'] });
  }

  async listRequests(segmentation?: string): Promise<RetrainRequest[]> {
    const where = segmentation ? { policy: { segmentation: (await this.segmentations.get(segmentation)).id } } : {};
    return this.orm.em.fork().find(RetrainRequest, where, { orderBy: { createdAt: 'asc' }, populate: ['policy', 'policy.segmentation', 'run', 'champion', 'datasetVersion'] });
  }

  async getRequest(id: string): Promise<RetrainRequest> {
    const found = await this.orm.em.fork().findOne(RetrainRequest, { id }, { populate: ['policy', 'policy.segmentation', 'run', 'champion', 'datasetVersion'] });
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
    const policies = await this.orm.em.fork().find(RetrainPolicy, { enabled: true, trigger: 'dataset', segmentation: { dataset: datasetId } });
    const out = [];
    for (const policy of policies) out.push(await this.trigger(policy, `dataset:${version.id}`, version.id));
    return out;
  }

  /** A person asked for a retrain: every enabled policy of the segmentation runs once on the latest data. */
  async manual(segmentationIdOrName: string): Promise<RetrainRequest[]> {
    const segmentation = await this.segmentations.get(segmentationIdOrName);
    const policies = await this.orm.em.fork().find(RetrainPolicy, { enabled: true, segmentation: segmentation.id });
    if (policies.length === 0) throw new InvalidRequestError(`segmentation '${segmentation.name}' has no retrain policy; add one first`);
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
    const policies = await this.orm.em.fork().find(RetrainPolicy, { enabled: true, trigger: 'cron' }, { populate: ['segmentation'] });
    const out = [];
    for (const policy of policies) {
      const lookback = new Date(Math.max(policy.createdAt.getTime(), now.getTime() - 40 * 86_400_000));
      let due: Date | null = null;
      for (let t = nextCronTime(policy.cron as string, lookback); t.getTime() <= now.getTime(); t = nextCronTime(policy.cron as string, t)) due = t;
      if (!due) continue;
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
    } catch (e) {
      if (!(e instanceof UniqueConstraintViolationException)) throw e;
      request = await this.orm.em.fork().findOneOrFail(RetrainRequest, { policy: policy.id, triggerKey });
    }
    if (!TERMINAL.has(request.status)) await this.queue.enqueue('retrain', request.id);
    return request;
  }

  /** Puts retrains and webhook deliveries a stopped in-process queue forgot back on the queue. */
  async requeueUnfinished(): Promise<void> {
    const em = this.orm.em.fork();
    for (const r of await em.find(RetrainRequest, { status: { $in: ['queued', 'training'] } })) await this.queue.enqueue('retrain', r.id);
    for (const e of await em.find(WorkbenchEvent, { webhookStatus: 'pending' })) await this.queue.enqueue('notify', e.id, this.webhookRetry);
  }

  startWorker(concurrency = 1): void {
    this.queue.process(
      'retrain',
      {
        handle: (job) => this.process(job),
        onFailure: (job, error, willRetry) => (willRetry ? this.noteRetry(job, error) : this.finish(job.runId, 'failed', error.message, null, null)),
      },
      concurrency,
    );
    this.queue.process(
      'notify',
      {
        handle: (job) => this.deliver(job),
        onFailure: async (job, error, willRetry) => {
          this.logger.warn(`webhook of event ${job.runId} attempt ${job.attempt} failed: ${error.message}`);
          await this.orm.em.fork().nativeUpdate(WorkbenchEvent, { id: job.runId }, { webhookAttempts: job.attempt, ...(willRetry ? {} : { webhookStatus: 'failed' }) });
        },
      },
      2,
    );
  }

  /** One attempt at a retrain: train (once), compare with the champion, decide, record. Idempotent. */
  async process(job: Job): Promise<void> {
    const em = this.orm.em.fork();
    const request = await em.findOne(RetrainRequest, { id: job.runId }, { populate: ['policy', 'policy.segmentation'] });
    if (!request) throw new Error(`retrain request ${job.runId} does not exist`);
    if (TERMINAL.has(request.status)) return;
    const policy = request.policy;
    const segmentation = policy.segmentation;
    await em.nativeUpdate(RetrainRequest, { id: request.id }, { status: 'training', attempts: job.attempt });

    // The run is created and tied to the request in one transaction, so a retried job trains the same run.
    let runId = request.run?.id;
    if (!runId) {
      // New customer attributes retrain on the latest transactions (they are joined into its features).
      const triggered = await this.orm.em.fork().findOneOrFail(DatasetVersion, { id: request.datasetVersion.id });
      const versionNumber = triggered.kind === 'transactions' ? triggered.version : (await this.datasets.latestVersion(segmentation.dataset.id)).version;
      const run = await this.runs.create(segmentation.id, { datasetVersion: versionNumber }, async (tx, created) => {
        await tx.nativeUpdate(RetrainRequest, { id: request.id }, { run: created.id });
      });
      runId = run.id;
    }
    await this.runs.process({ ...job, runId });
    const candidate = await this.runs.get(runId);
    if (candidate.status !== RunStatus.Succeeded) throw new Error(`the retrain run v${candidate.version} did not succeed: ${candidate.error ?? candidate.status}`);

    const championAlias = await this.orm.em.fork().findOne(Alias, { segmentation: segmentation.id, name: 'champion' });
    if (!championAlias || championAlias.run.id === candidate.id) {
      await this.moveAlias(segmentation.id, 'champion', candidate.id, policy.id);
      await this.finish(request.id, 'promoted', `v${candidate.version} is the first champion of '${segmentation.name}'`, { reason: 'no champion yet' }, null);
      return;
    }
    const champion = await this.runs.get(championAlias.run.id);
    const comparison = await this.comparisons.compareNow(champion.id, candidate.id);
    const drift = await this.drift(champion, candidate);
    const metrics = deriveComparisonMetrics({
      ari: (comparison.metrics as { ari: number }).ari,
      nmi: (comparison.metrics as { nmi: number }).nmi,
      championMetrics: (champion.metrics ?? {}) as Record<string, number>,
      candidateMetrics: (candidate.metrics ?? {}) as Record<string, number>,
      drift,
    });
    const decision: PromotionDecision = evaluatePromotionRule(parsePromotionRule(policy.rule, COMPARISON_METRIC_NAMES), metrics);
    const outcome = { rule: policy.rule, metrics, clauses: decision.clauses, failing: decision.failing, comparisonId: comparison.id, championRunId: champion.id };
    await em.nativeUpdate(RetrainRequest, { id: request.id }, { champion: champion.id });
    if (decision.promote) {
      await this.moveAlias(segmentation.id, 'champion', candidate.id, policy.id);
      await this.finish(request.id, 'promoted', `v${candidate.version} replaces v${champion.version} as champion of '${segmentation.name}': ${policy.rule}`, outcome, drift);
    } else {
      await this.moveAlias(segmentation.id, 'candidate', candidate.id, policy.id);
      await this.finish(request.id, 'flagged', `v${candidate.version} of '${segmentation.name}' needs review: ${decision.failing.join('; ')}`, outcome, drift);
    }
  }

  private async drift(champion: Run, candidate: Run): Promise<DriftReport> {
    const [reference, current] = [await this.datasets.loadFrame(champion.datasetVersion), await this.datasets.loadFrame(candidate.datasetVersion)];
    const sizes = async (run: Run) => (await this.runs.segments(run.id)).map((s) => ({ label: s.label, size: s.size }));
    const kpis = async (run: Run) => {
      const segments = await this.runs.segments(run.id);
      const label = new Map(segments.map((s) => [s.key, s.label]));
      return (await this.runs.kpis(run.id))
        .filter((k) => k.value !== null)
        .map((k) => ({ segment: k.segmentKey === null ? null : (label.get(k.segmentKey) ?? String(k.segmentKey)), kpi: k.kpi, value: k.value as number }));
    };
    const features = [...new Set([...(champion.params as { features?: string[] }).features ?? [], ...((candidate.params as { features?: string[] }).features ?? [])])];
    return driftReport({
      reference,
      candidate: current,
      segments: { champion: await sizes(champion), candidate: await sizes(candidate) },
      kpis: { champion: await kpis(champion), candidate: await kpis(candidate) },
      options: features.length > 0 ? { features } : {},
    });
  }

  /** Moves an alias unless it already points at the run (a retried job must not add a second audit record). */
  private async moveAlias(segmentationId: string, name: string, runId: string, policyId: string): Promise<void> {
    const current = await this.orm.em.fork().findOne(Alias, { segmentation: segmentationId, name });
    if (current?.run.id !== runId) await this.aliases.move(segmentationId, name, runId, `policy ${policyId}`);
  }

  private async noteRetry(job: Job, error: Error): Promise<void> {
    this.logger.warn(`retrain ${job.runId} attempt ${job.attempt}/${job.maxAttempts} failed: ${error.message} (will retry)`);
    await this.orm.em.fork().nativeUpdate(RetrainRequest, { id: job.runId }, { status: 'queued', error: `attempt ${job.attempt} failed: ${error.message}` });
  }

  /** Records the outcome and its event in one transaction (one event per request), then queues the webhook. */
  private async finish(requestId: string, status: 'promoted' | 'flagged' | 'failed', message: string, outcome: Record<string, unknown> | null, drift: DriftReport | null): Promise<void> {
    const event = await this.orm.em.fork().transactional(async (tx) => {
      const request = await tx.findOneOrFail(RetrainRequest, { id: requestId }, { populate: ['policy', 'policy.segmentation'] });
      if (TERMINAL.has(request.status)) return null;
      Object.assign(request, { status, outcome, drift: drift as unknown as Record<string, unknown>, finishedAt: new Date(), error: status === 'failed' ? message : null });
      return tx.create(WorkbenchEvent, {
        kind: `retrain.${status}`,
        segmentation: request.policy.segmentation.name,
        policyId: request.policy.id,
        requestId,
        runId: request.run?.id ?? null,
        message,
        details: { triggerKey: request.triggerKey, outcome, driftWarnings: drift?.warnings ?? [] },
        webhookStatus: request.policy.webhookUrl ? 'pending' : 'none',
      });
    });
    if (!event) return;
    this.logger.log(`${event.kind}: ${message}`);
    if (event.webhookStatus === 'pending') await this.queue.enqueue('notify', event.id, this.webhookRetry);
  }

  /** Posts the event to the policy's webhook; a non-2xx answer or no answer in 10 s is retried by the queue. */
  private async deliver(job: Job): Promise<void> {
    const em = this.orm.em.fork();
    const event = await em.findOne(WorkbenchEvent, { id: job.runId });
    if (!event || event.webhookStatus === 'delivered' || !event.policyId) return;
    const policy = await em.findOne(RetrainPolicy, { id: event.policyId });
    if (!policy?.webhookUrl) return;
    const response = await fetch(policy.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: event.id, kind: event.kind, segmentation: event.segmentation, runId: event.runId, message: event.message, details: event.details, createdAt: event.createdAt }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`webhook ${policy.webhookUrl} answered ${response.status}`);
    await em.nativeUpdate(WorkbenchEvent, { id: event.id }, { webhookStatus: 'delivered', webhookAttempts: job.attempt });
  }
}
