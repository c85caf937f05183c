import type { MikroORM } from '@mikro-orm/core';
import { DoNotRetryError, type Job, type JobQueue, type LiveEvents } from '@workbench/jobs';
import { Alias, DatasetVersion, RetrainRequest, Run, RunStatus, WorkbenchEvent } from '@workbench/persistence';
import {
  COMPARISON_METRIC_NAMES,
  deriveComparisonMetrics,
  driftReport,
  evaluatePromotionRule,
  parsePromotionRule,
  type DriftReport,
  type PromotionDecision,
} from '@workbench/retrain';
import type { AliasesService } from './aliases.service';
import type { ComparisonProcessor } from './comparison.processor';
import type { DatasetsService } from './datasets.service';
import type { RunInputsService } from './run-inputs.service';
import { isPermanentFailure, JobProcessor, type RecordingRetry } from './job-processor';
import type { WorkbenchLogger } from './logger';
import { WEBHOOK_RETRY } from './webhook.processor';
import type { RunProcessor } from './run.processor';
import type { RunsService } from './runs.service';

/** Statuses of a retrain request that never change again. */
export const RETRAIN_TERMINAL: ReadonlySet<string> = new Set(['promoted', 'flagged', 'failed']);

/**
 * The worker half of retrain policies (queue `retrain`): trains the request's run, compares it with the
 * champion (agreement, drift, the policy's rule) and promotes or flags it, recording one event per request.
 */
export class RetrainProcessor extends JobProcessor<RetrainRequest> {
  readonly queueName = 'retrain' as const;
  protected readonly noun = 'retrain';

  constructor(
    private readonly orm: MikroORM,
    queue: JobQueue,
    private readonly datasets: DatasetsService,
    private readonly runInputs: RunInputsService,
    private readonly runs: RunsService,
    private readonly runProcessor: RunProcessor,
    private readonly comparisonProcessor: ComparisonProcessor,
    private readonly aliases: AliasesService,
    logger: WorkbenchLogger,
    events: LiveEvents,
    /** Webhook deliveries of the events this records. */
    private readonly webhookRetry = WEBHOOK_RETRY,
    recordingRetry?: RecordingRetry,
  ) {
    super(queue, logger, events, recordingRetry);
  }

  /** Puts retrains and webhook deliveries a stopped in-process queue forgot back on the queue. */
  async requeueUnfinished(): Promise<void> {
    const em = this.orm.em.fork();
    for (const r of await em.find(RetrainRequest, { status: { $in: ['queued', 'training'] } }))
      await this.queue.enqueue('retrain', r.id);
    for (const e of await em.find(WorkbenchEvent, { webhookStatus: 'pending' }))
      await this.queue.enqueue('notify', e.id, this.webhookRetry);
  }

  protected load(id: string): Promise<RetrainRequest | null> {
    return this.orm.em.fork().findOne(RetrainRequest, { id }, { populate: ['policy', 'policy.segmentation'] });
  }

  protected override statusOf(request: RetrainRequest): string {
    return request.status;
  }

  protected isDone(request: RetrainRequest): boolean {
    return RETRAIN_TERMINAL.has(request.status);
  }

  protected override async beat(id: string): Promise<void> {
    await this.orm.em
      .fork()
      .nativeUpdate(RetrainRequest, { id, status: { $in: ['queued', 'training'] } }, { heartbeatAt: new Date() });
  }

  /** One attempt at a retrain: train (once), compare with the champion, decide, record. Idempotent. */
  protected async execute(request: RetrainRequest, job: Job): Promise<void> {
    const em = this.orm.em.fork();
    const policy = request.policy;
    const segmentation = policy.segmentation;
    await em.nativeUpdate(RetrainRequest, { id: request.id }, { status: 'training', attempts: job.attempt });
    this.announce(request.id, 'training');

    // The run is created and tied to the request in one transaction, so a retried job trains the same run.
    let runId = request.run?.id;
    if (!runId) {
      // New customer attributes retrain on the latest transactions (they are joined into its features).
      const triggered = await this.orm.em.fork().findOneOrFail(DatasetVersion, { id: request.datasetVersion.id });
      const versionNumber =
        triggered.kind === 'transactions'
          ? triggered.version
          : (await this.datasets.latestVersion(segmentation.dataset.id)).version;
      const run = await this.runs.create(segmentation.id, { datasetVersion: versionNumber }, async (tx, created) => {
        await tx.nativeUpdate(RetrainRequest, { id: request.id }, { run: created.id });
        // The retrain trains its run itself: the run belongs to whoever owns the retrain (embedded, see OwnedJobQueue).
        if (request.owner)
          await tx.nativeUpdate(Run, { id: created.id }, { owner: request.owner, heartbeatAt: new Date() });
      });
      runId = run.id;
    }
    const runJob = { ...job, id: runId };
    try {
      await this.runProcessor.process(runJob);
    } catch (e) {
      // The run is this job's part: its failure is recorded as the train queue would, so it never stays running.
      const willRetry = !isPermanentFailure(e) && job.attempt < job.maxAttempts;
      await this.runProcessor.recordFailure(runJob, e as Error, willRetry);
      throw e;
    }
    const candidate = await this.runs.get(runId);
    if (candidate.status !== RunStatus.Succeeded) {
      const message = `the retrain run v${candidate.version} did not succeed: ${candidate.error ?? candidate.status}`;
      // A run failed for good (e.g. past its deadline) stays failed: another attempt would not train it again.
      throw candidate.status === RunStatus.Failed ? new DoNotRetryError(message) : new Error(message);
    }

    const championAlias = await this.orm.em.fork().findOne(Alias, { segmentation: segmentation.id, name: 'champion' });
    if (!championAlias || championAlias.run.id === candidate.id) {
      await this.moveAlias(segmentation.id, 'champion', candidate.id, policy.id);
      await this.finish(
        request.id,
        'promoted',
        `v${candidate.version} is the first champion of '${segmentation.name}'`,
        { reason: 'no champion yet' },
        null,
      );
      return;
    }
    const champion = await this.runs.get(championAlias.run.id);
    const comparison = await this.comparisonProcessor.compareNow(champion.id, candidate.id);
    const drift = await this.drift(champion, candidate);
    const metrics = deriveComparisonMetrics({
      ari: (comparison.metrics as { ari: number }).ari,
      nmi: (comparison.metrics as { nmi: number }).nmi,
      championMetrics: (champion.metrics ?? {}) as Record<string, number>,
      candidateMetrics: (candidate.metrics ?? {}) as Record<string, number>,
      drift,
    });
    const decision: PromotionDecision = evaluatePromotionRule(
      parsePromotionRule(policy.rule, COMPARISON_METRIC_NAMES),
      metrics,
    );
    const outcome = {
      rule: policy.rule,
      metrics,
      clauses: decision.clauses,
      failing: decision.failing,
      comparisonId: comparison.id,
      championRunId: champion.id,
    };
    await em.nativeUpdate(RetrainRequest, { id: request.id }, { champion: champion.id });
    if (decision.promote) {
      await this.moveAlias(segmentation.id, 'champion', candidate.id, policy.id);
      await this.finish(
        request.id,
        'promoted',
        `v${candidate.version} replaces v${champion.version} as champion of '${segmentation.name}': ${policy.rule}`,
        outcome,
        drift,
      );
    } else {
      await this.moveAlias(segmentation.id, 'candidate', candidate.id, policy.id);
      await this.finish(
        request.id,
        'flagged',
        `v${candidate.version} of '${segmentation.name}' needs review: ${decision.failing.join('; ')}`,
        outcome,
        drift,
      );
    }
  }

  private async drift(champion: Run, candidate: Run): Promise<DriftReport> {
    const [reference, current] = [
      await this.runInputs.loadFrame(champion.datasetVersion),
      await this.runInputs.loadFrame(candidate.datasetVersion),
    ];
    const sizes = async (run: Run) => (await this.runs.segments(run.id)).map((s) => ({ label: s.label, size: s.size }));
    const kpis = async (run: Run) => {
      const segments = await this.runs.segments(run.id);
      const label = new Map(segments.map((s) => [s.key, s.label]));
      return (await this.runs.kpis(run.id))
        .filter((k) => k.value !== null)
        .map((k) => ({
          segment: k.segmentKey === null ? null : (label.get(k.segmentKey) ?? String(k.segmentKey)),
          kpi: k.kpi,
          value: k.value as number,
        }));
    };
    const features = [
      ...new Set([
        ...((champion.params as { features?: string[] }).features ?? []),
        ...((candidate.params as { features?: string[] }).features ?? []),
      ]),
    ];
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

  protected async saveFailure(id: string, message: string, willRetry: boolean, job: Job): Promise<void> {
    if (willRetry) {
      await this.orm.em
        .fork()
        .nativeUpdate(RetrainRequest, { id }, { status: 'queued', error: `attempt ${job.attempt} failed: ${message}` });
    } else {
      await this.finish(id, 'failed', message, null, null);
    }
  }

  /** Records the outcome and its event in one transaction (one event per request), then queues the webhook. */
  private async finish(
    requestId: string,
    status: 'promoted' | 'flagged' | 'failed',
    message: string,
    outcome: Record<string, unknown> | null,
    drift: DriftReport | null,
  ): Promise<void> {
    const event = await this.orm.em.fork().transactional(async (tx) => {
      const request = await tx.findOneOrFail(
        RetrainRequest,
        { id: requestId },
        { populate: ['policy', 'policy.segmentation'] },
      );
      if (RETRAIN_TERMINAL.has(request.status)) return null;
      Object.assign(request, {
        status,
        outcome,
        drift: drift as unknown as Record<string, unknown>,
        finishedAt: new Date(),
        error: status === 'failed' ? message : null,
      });
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
}
