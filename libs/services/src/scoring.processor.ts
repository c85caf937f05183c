import type { MikroORM } from '@mikro-orm/core';
import {
  encodeAssignments,
  scoreAndEvaluate,
  scoreAndEvaluateInSandbox,
  scoreFrame,
  scoreInSandbox,
  type KpiStep,
  type ScoreEvaluationOutcome,
  type ScoreOutcome,
} from '@workbench/engine';
import type { Job, JobQueue, LiveEvents } from '@workbench/jobs';
import { Scoring, ScoringStatus, type ArtifactStore, type DatasetVersion } from '@workbench/persistence';
import type { RunContext, SegmentDescription } from '@workbench/plugin-sdk';
import type { AlertsService, RunKpiRow } from './alerts.service';
import { hostKpis } from './host-kpis';
import { JobProcessor, type RecordingRetry } from './job-processor';
import type { WorkbenchLogger } from './logger';
import { DEFAULT_PLUGIN_ISOLATION, sandboxLimits, type PluginIsolation } from './plugin-limits';
import type { PluginsService } from './plugins.service';
import { transactionBuffers, type RunInputsService } from './run-inputs.service';
import type { RunsService } from './runs.service';
import { assertSameFeatures, assertScorable } from './scorings.service';

/**
 * The worker half of scorings (queue `score`): builds the scored version's features by the code path a run
 * trains on (`loadRunInput`), applies the run's stored model through the plugin's `assign` in a sandbox
 * thread (or this thread, as runs do), and stores customer → segment and score, with per-row errors. When
 * the segmentation has KPI alerts, the scored customers' KPIs are measured as a run's and the alerts checked.
 */
export class ScoringProcessor extends JobProcessor<Scoring> {
  readonly queueName = 'score' as const;
  protected readonly noun = 'scoring';
  /** Checks the segmentation's KPI alerts over each scoring's customers in its results transaction (set by the workbench). */
  alerts: AlertsService | undefined;

  constructor(
    private readonly orm: MikroORM,
    private readonly artifacts: ArtifactStore,
    queue: JobQueue,
    private readonly plugins: PluginsService,
    private readonly runInputs: RunInputsService,
    private readonly runs: RunsService,
    logger: WorkbenchLogger,
    events: LiveEvents,
    private readonly isolation: PluginIsolation = DEFAULT_PLUGIN_ISOLATION,
    recordingRetry?: RecordingRetry,
  ) {
    super(queue, logger, events, recordingRetry);
  }

  /** Puts scorings a dead process left queued or running back on the queue (the in-process queue forgets its jobs). */
  async requeueUnfinished(): Promise<number> {
    const scorings = await this.orm.em
      .fork()
      .find(Scoring, { status: { $in: [ScoringStatus.Queued, ScoringStatus.Running] } });
    for (const s of scorings) await this.queue.enqueue('score', s.id);
    return scorings.length;
  }

  protected load(id: string): Promise<Scoring | null> {
    return this.orm.em.fork().findOne(Scoring, { id }, { populate: ['datasetVersion', 'datasetVersion.dataset'] });
  }

  protected override statusOf(scoring: Scoring): string {
    return scoring.status;
  }

  protected isDone(scoring: Scoring): boolean {
    return scoring.status === ScoringStatus.Succeeded;
  }

  protected async execute(scoring: Scoring, job: Job): Promise<void> {
    const em = this.orm.em.fork();
    await em.nativeUpdate(
      Scoring,
      { id: scoring.id },
      { status: ScoringStatus.Running, attempts: job.attempt, startedAt: new Date() },
    );
    this.announce(scoring.id, ScoringStatus.Running);
    const run = await this.runs.get(scoring.run.id);
    assertScorable(run);
    const model = await this.plugins.segmentationModel(run.pluginName);
    if (model.manifest.version !== run.pluginVersion) {
      throw new Error(
        `run ${run.id} was trained with ${run.pluginName} ${run.pluginVersion}, but this worker has version ${model.manifest.version}`,
      );
    }
    const segments = await this.runs.segments(run.id);
    const version = scoring.datasetVersion as DatasetVersion;
    // A scoring measures its customers' KPIs only for the segmentation's alerts, and only with the evaluators they read.
    const read = this.alerts ? await this.alerts.metricsRead(run.segmentation) : new Set<string>();
    // No churn horizon: a model trained on features as of N days before the end scores customers as of the data's end.
    const input = await this.runInputs.loadRunInput(version, { transactions: read.size > 0 });
    assertSameFeatures(run, input.featureSet, `dataset version ${version.version}`);
    const artifact = {
      format: model.manifest.artifactFormat,
      bytes: await this.artifacts.get(run.modelArtifactKey as string),
    };
    await job.progress(0.1, 'features built');
    const ctx = this.context(scoring.id, run.seed, job, run.pluginName);
    const limits = sandboxLimits(run.segmentation.limits, this.isolation.caps);
    const steps: KpiStep[] = [];
    for (const k of run.segmentation.kpis ?? []) {
      if (this.plugins.kpiKeys(k.plugin).some((key) => read.has(key)))
        steps.push({ evaluator: await this.plugins.kpiEvaluator(k.plugin), params: k.params ?? {} });
    }
    const step = { model, artifact, frame: input.frame, segmentCount: segments.length };
    const job0 = {
      task: 'score' as const,
      model: run.pluginName,
      artifact,
      frame: input.frame,
      segmentCount: segments.length,
      runId: scoring.id,
      seed: run.seed,
    };
    let outcome: ScoreOutcome;
    let measured: Pick<ScoreEvaluationOutcome, 'segments' | 'evaluated'> | null = null;
    if (read.size > 0) {
      const evaluation = {
        segments: segments.map((s) => ({
          key: s.key,
          label: s.label,
          size: s.size,
          profile: s.profile as SegmentDescription['profile'],
        })),
        revenueFeature: input.revenueFeature,
        kpiInput: { referenceDate: input.referenceDate, transactions: input.transactions, tables: input.tables },
      };
      const modules =
        this.isolation.mode === 'thread'
          ? this.plugins.sandboxModules([run.pluginName, ...steps.map((k) => k.evaluator.manifest.name)])
          : undefined;
      const result = modules
        ? await scoreAndEvaluateInSandbox(
            {
              ...job0,
              modules,
              evaluate: {
                ...evaluation,
                kpis: steps.map((k) => ({ evaluator: k.evaluator.manifest.name, params: k.params })),
              },
            },
            ctx,
            limits,
            // This scoring's own transactions (read for it, used by nothing else here): moved to the thread, not copied.
            transactionBuffers(input),
          )
        : await scoreAndEvaluate(step, { ...evaluation, kpis: steps }, ctx);
      outcome = result.outcome;
      measured = result;
    } else {
      const module = this.isolation.mode === 'thread' ? this.plugins.moduleOf(run.pluginName) : undefined;
      outcome = module
        ? await scoreInSandbox({ ...job0, modules: [module] }, ctx, limits)
        : await scoreFrame(step, ctx);
    }

    const resultArtifactKey = await this.artifacts.put(
      encodeAssignments(input.frame.ids, { segment: outcome.segment, score: outcome.score }),
    );
    const errorsArtifactKey =
      outcome.errors.length > 0 ? await this.artifacts.put(Buffer.from(JSON.stringify(outcome.errors), 'utf8')) : null;
    const counts = new Array<number>(segments.length).fill(0);
    for (const s of outcome.segment) if (s >= 0) counts[s]++;
    const scoredCount = input.frame.rowCount - outcome.errors.length;
    const fired = await em.fork().transactional(async (tx) => {
      // Conditional, so an attempt that finds the scoring already succeeded (another worker's) writes and fires nothing.
      const done = await tx.nativeUpdate(
        Scoring,
        { id: scoring.id, status: { $ne: ScoringStatus.Succeeded } },
        {
          status: ScoringStatus.Succeeded,
          error: null,
          featureSet: input.featureSet,
          rowCount: input.frame.rowCount,
          scoredCount,
          errorCount: outcome.errors.length,
          segmentCounts: segments.map((s) => ({ key: s.key, label: s.label, count: counts[s.key] })),
          resultArtifactKey,
          errorsArtifactKey,
          finishedAt: new Date(),
        },
      );
      if (done === 0 || !measured || !this.alerts) return [];
      const kpiRows: RunKpiRow[] = [
        ...measured.evaluated,
        ...hostKpis(measured.segments, scoredCount, measured.evaluated),
      ];
      const firing = {
        id: run.id,
        segmentationId: run.segmentation.id,
        segmentationName: run.segmentation.name,
        version: run.version,
        scoring: { id: scoring.id, dataset: version.dataset.name, datasetVersion: version.version },
      };
      return this.alerts.fire(tx, firing, measured.segments, kpiRows);
    });
    // The events are stored; a webhook not queued here is queued again when a worker starts (pending events).
    await this.alerts
      ?.notify(fired)
      .catch((e: Error) => this.logger.warn(`scoring ${scoring.id}: alert webhooks not queued: ${e.message}`));
    await job.progress(1, 'done');
  }

  private context(scoringId: string, seed: number, job: Job, plugin: string): RunContext {
    const prefix = `scoring ${scoringId} (${plugin})`;
    const fields = this.logFields(job, plugin);
    return {
      runId: scoringId,
      seed,
      signal: new AbortController().signal,
      progress: (fraction, note) => void job.progress(0.1 + 0.8 * fraction, note).catch(() => undefined),
      log: this.pluginLog(job, prefix, fields),
      artifacts: {
        write: async () => {
          throw new Error('scoring stores nothing for the plugin');
        },
        read: async (name) => {
          throw new Error(`no artifact '${name}' is kept for scoring`);
        },
      },
    };
  }

  protected async saveFailure(id: string, message: string, willRetry: boolean, job: Job): Promise<void> {
    await this.orm.em
      .fork()
      .nativeUpdate(
        Scoring,
        { id, status: { $ne: ScoringStatus.Succeeded } },
        willRetry
          ? { status: ScoringStatus.Queued, error: `attempt ${job.attempt} failed: ${message}` }
          : { status: ScoringStatus.Failed, error: message, finishedAt: new Date() },
      );
  }
}
