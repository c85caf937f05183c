import type { MikroORM } from '@mikro-orm/core';
import { encodeAssignments, scoreFrame, scoreInSandbox, type ScoreOutcome } from '@workbench/engine';
import type { Job, JobQueue, LiveEvents } from '@workbench/jobs';
import { Scoring, ScoringStatus, type ArtifactStore, type DatasetVersion } from '@workbench/persistence';
import type { RunContext } from '@workbench/plugin-sdk';
import { JobProcessor, type RecordingRetry } from './job-processor';
import type { WorkbenchLogger } from './logger';
import { DEFAULT_PLUGIN_ISOLATION, sandboxLimits, type PluginIsolation } from './plugin-limits';
import type { PluginsService } from './plugins.service';
import type { RunInputsService } from './run-inputs.service';
import type { RunsService } from './runs.service';
import { assertSameFeatures, assertScorable } from './scorings.service';

/**
 * The worker half of scorings (queue `score`): builds the scored version's features by the code path a run
 * trains on (`loadRunInput`), applies the run's stored model through the plugin's `assign` in a sandbox
 * thread (or this thread, as runs do), and stores customer → segment and score, with per-row errors.
 */
export class ScoringProcessor extends JobProcessor<Scoring> {
  readonly queueName = 'score' as const;
  protected readonly noun = 'scoring';

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
    return this.orm.em.fork().findOne(Scoring, { id }, { populate: ['datasetVersion'] });
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
    // No churn horizon: a model trained on features as of N days before the end scores customers as of the data's end.
    const input = await this.runInputs.loadRunInput(version);
    assertSameFeatures(run, input.featureSet, `dataset version ${version.version}`);
    const artifact = {
      format: model.manifest.artifactFormat,
      bytes: await this.artifacts.get(run.modelArtifactKey as string),
    };
    await job.progress(0.1, 'features built');
    const ctx = this.context(scoring.id, run.seed, job, run.pluginName);
    const module = this.isolation.mode === 'thread' ? this.plugins.moduleOf(run.pluginName) : undefined;
    const outcome: ScoreOutcome = module
      ? await scoreInSandbox(
          {
            task: 'score',
            modules: [module],
            model: run.pluginName,
            artifact,
            frame: input.frame,
            segmentCount: segments.length,
            runId: scoring.id,
            seed: run.seed,
          },
          ctx,
          sandboxLimits(run.segmentation.limits, this.isolation.caps),
        )
      : await scoreFrame({ model, artifact, frame: input.frame, segmentCount: segments.length }, ctx);

    const resultArtifactKey = await this.artifacts.put(
      encodeAssignments(input.frame.ids, { segment: outcome.segment, score: outcome.score }),
    );
    const errorsArtifactKey =
      outcome.errors.length > 0 ? await this.artifacts.put(Buffer.from(JSON.stringify(outcome.errors), 'utf8')) : null;
    const counts = new Array<number>(segments.length).fill(0);
    for (const s of outcome.segment) if (s >= 0) counts[s]++;
    await em.nativeUpdate(
      Scoring,
      { id: scoring.id, status: { $ne: ScoringStatus.Succeeded } },
      {
        status: ScoringStatus.Succeeded,
        error: null,
        featureSet: input.featureSet,
        rowCount: input.frame.rowCount,
        scoredCount: input.frame.rowCount - outcome.errors.length,
        errorCount: outcome.errors.length,
        segmentCounts: segments.map((s) => ({ key: s.key, label: s.label, count: counts[s.key] })),
        resultArtifactKey,
        errorsArtifactKey,
        finishedAt: new Date(),
      },
    );
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
