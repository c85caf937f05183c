import { type MikroORM } from '@mikro-orm/core';
import {
  encodeAssignmentParts,
  runInSandbox,
  trainAndEvaluate,
  type KpiStep,
  type PluginWork,
} from '@workbench/engine';
import type { Job, JobQueue, LiveEvents } from '@workbench/jobs';
import { DatasetVersion, KpiValue, Run, RunStatus, Segment, type ArtifactStore } from '@workbench/persistence';
import type { RunContext } from '@workbench/plugin-sdk';
import type { AlertsService, RunKpiRow } from './alerts.service';
import type { AudiencesService } from './audiences.service';
import type { AssignmentsService } from './assignments.service';
import { hostKpis } from './host-kpis';
import { transactionBuffers, type RunInputsService } from './run-inputs.service';
import { JobProcessor, type RecordingRetry } from './job-processor';
import type { WorkbenchLogger } from './logger';
import { DEFAULT_PLUGIN_ISOLATION, sandboxLimits, type PluginIsolation } from './plugin-limits';
import type { PluginsService } from './plugins.service';
import type { SegmentationsService } from './segmentations.service';

const UNFINISHED = [RunStatus.Queued, RunStatus.Running];

/** The worker half of runs (queue `train`): trains a queued run through the engine and stores its results. */
export class RunProcessor extends JobProcessor<Run> {
  readonly queueName = 'train' as const;
  protected readonly noun = 'run';
  /** Checks the segmentation's KPI alerts in each run's results transaction (set by the workbench); none by default. */
  alerts: AlertsService | undefined;
  /** Computes each successful run's audience changes for the segmentation's subscriptions (set by the workbench). */
  audiences: AudiencesService | undefined;
  /** Aborted when this process shuts down, so running plugins stop and their jobs are retried elsewhere. */
  private readonly shutdown = new AbortController();
  /**
   * How often a running attempt reads its row to see whether it was cancelled. The row is the one place
   * every process sees, so a cancel reaches the worker whichever queue (in-process or Bull) delivered the job.
   */
  cancelPollMs = 500;

  constructor(
    private readonly orm: MikroORM,
    private readonly artifacts: ArtifactStore,
    queue: JobQueue,
    private readonly plugins: PluginsService,
    private readonly runInputs: RunInputsService,
    private readonly segmentations: SegmentationsService,
    private readonly assignments: AssignmentsService,
    logger: WorkbenchLogger,
    events: LiveEvents,
    private readonly isolation: PluginIsolation = DEFAULT_PLUGIN_ISOLATION,
    recordingRetry?: RecordingRetry,
  ) {
    super(queue, logger, events, recordingRetry);
  }

  /**
   * Puts runs left queued or running by a process that died back on the queue. The in-process
   * queue forgets its jobs when the process stops; Bull keeps them (and a duplicate enqueue is a no-op).
   */
  async requeueUnfinished(): Promise<number> {
    const runs = await this.orm.em.fork().find(Run, { status: { $in: [RunStatus.Queued, RunStatus.Running] } });
    for (const run of runs) await this.queue.enqueue('train', run.id);
    return runs.length;
  }

  stop(): void {
    this.shutdown.abort('the worker is shutting down');
  }

  protected async load(id: string): Promise<Run | null> {
    return this.orm.em.fork().findOne(Run, { id }, { populate: ['datasetVersion'] });
  }

  protected override pluginOf(run: Run): string {
    return run.pluginName;
  }

  /**
   * A job retried after its results were committed (a crash between commit and acknowledgement) has
   * nothing left to do; nor has a cancelled run, or one failed for good (e.g. by the reconciler, past its deadline).
   */
  protected isDone(run: Run): boolean {
    return run.status === RunStatus.Succeeded || run.status === RunStatus.Failed || run.status === RunStatus.Cancelled;
  }

  protected override statusOf(run: Run): string {
    return run.status;
  }

  protected override async beat(id: string): Promise<void> {
    await this.orm.em.fork().nativeUpdate(Run, { id, status: { $in: UNFINISHED } }, { heartbeatAt: new Date() });
  }

  /** One attempt at a run: train through the engine, then write every result in one transaction. */
  protected async execute(loaded: Run, job: Job): Promise<void> {
    const em = this.orm.em.fork();
    // Conditional, so a run cancelled since it was loaded stays cancelled.
    const started = await em.nativeUpdate(
      Run,
      { id: loaded.id, status: { $in: [RunStatus.Queued, RunStatus.Running] } },
      { status: RunStatus.Running, attempts: job.attempt, startedAt: loaded.startedAt ?? new Date(), progress: 0 },
    );
    if (started === 0) return;
    this.announce(loaded.id, RunStatus.Running);
    const run = await em.findOneOrFail(Run, { id: loaded.id }, { populate: ['datasetVersion'] });
    const cancel = new AbortController();
    const watch = setInterval(() => {
      void em
        .fork()
        .findOne(Run, { id: run.id }, { fields: ['status'] })
        .then((row) => {
          if (row?.status === RunStatus.Cancelled) cancel.abort('the run was cancelled');
        })
        .catch(() => undefined);
    }, this.cancelPollMs);
    try {
      await this.attempt(run, job, AbortSignal.any([this.shutdown.signal, cancel.signal]));
    } catch (e) {
      // A cancelled run ends here: no failure to record, nothing to retry; its row already says cancelled.
      if (!cancel.signal.aborted) throw e;
      this.logger.log(
        `run ${run.id} (${run.pluginName}): cancelled, attempt ${job.attempt} stopped (${(e as Error).message})`,
        this.logFields(job, run.pluginName),
      );
    } finally {
      clearInterval(watch);
    }
  }

  private async attempt(run: Run, job: Job, signal: AbortSignal): Promise<void> {
    const model = await this.plugins.segmentationModel(run.pluginName);
    if (model.manifest.version !== run.pluginVersion) {
      throw new Error(
        `run ${run.id} was submitted for ${run.pluginName} ${run.pluginVersion}, but this worker has version ${model.manifest.version}`,
      );
    }
    const segmentation = await this.segmentations.get(run.segmentation.id);
    const input = await this.runInputs.loadRunInput(run.datasetVersion as DatasetVersion, {
      churnHorizonDays: segmentation.target?.churnHorizonDays,
      transactions: true,
    });
    const { frame } = input;
    const ctx = this.runContext(run, job, signal);
    const steps: KpiStep[] = [];
    for (const k of segmentation.kpis ?? [])
      steps.push({ evaluator: await this.plugins.kpiEvaluator(k.plugin), params: k.params ?? {} });
    const work: PluginWork = {
      step: { model, params: run.params, frame, revenueFeature: input.revenueFeature },
      kpis: steps,
      kpiInput: { referenceDate: input.referenceDate, transactions: input.transactions, tables: input.tables },
    };
    const modules =
      this.isolation.mode === 'thread'
        ? this.plugins.sandboxModules([run.pluginName, ...steps.map((k) => k.evaluator.manifest.name)])
        : undefined;
    // The rows are written in customer id order: sorted here while the plugins work on their thread.
    if (modules) this.assignments.prepare(frame.ids);
    const { outcome, evaluated } = modules
      ? await runInSandbox(
          {
            modules,
            model: run.pluginName,
            params: run.params,
            frame,
            revenueFeature: input.revenueFeature,
            kpis: steps.map((k) => ({ evaluator: k.evaluator.manifest.name, params: k.params })),
            kpiInput: work.kpiInput,
            runId: run.id,
            seed: run.seed,
          },
          ctx,
          sandboxLimits(segmentation.limits, this.isolation.caps),
          // This run's own transactions (read for it, used by nothing else here): moved to the thread, not copied.
          transactionBuffers(input),
        )
      : await trainAndEvaluate(work, ctx);

    const modelArtifactKey = await this.artifacts.put(outcome.artifact.bytes);
    const assignmentsArtifactKey = await this.artifacts.put(encodeAssignmentParts(input.ids, outcome.assignments));
    let stored = false;
    const fired = await this.orm.em.fork().transactional(async (tx) => {
      // Taking the row first (a row lock on PostgreSQL, the write lock on SQLite) orders this commit and a
      // cancel: a run cancelled before it keeps nothing, a cancel after it finds the run succeeded.
      const running = await tx.nativeUpdate(Run, { id: run.id, status: RunStatus.Running }, { progressNote: null });
      if (running === 0) return [];
      const fresh = await tx.findOneOrFail(Run, { id: run.id });
      // Guards against rows of an attempt that got this far on another worker before it died.
      await tx.nativeDelete(Segment, { run: run.id });
      await tx.nativeDelete(KpiValue, { run: run.id });
      await this.assignments.write(tx, run.id, frame.ids, outcome.assignments);
      for (const s of outcome.segments) {
        tx.create(Segment, {
          run: fresh,
          key: s.key,
          label: s.label,
          size: s.size,
          share: s.share,
          profile: s.profile,
        });
      }
      const host = hostKpis(outcome.segments, frame.rowCount, evaluated);
      for (const h of host) tx.create(KpiValue, { run: fresh, ...h });
      const kpiRows: RunKpiRow[] = [...evaluated, ...host];
      for (const r of evaluated) {
        tx.create(KpiValue, {
          run: fresh,
          segmentKey: r.segmentKey,
          kpi: r.kpi,
          value: r.value,
          unit: r.unit,
          n: r.n,
          lowerBound: r.interval?.lower ?? null,
          upperBound: r.interval?.upper ?? null,
          intervalMethod: r.interval?.method ?? null,
          window: r.window ?? null,
          note: r.note ?? null,
          details: r.details ?? null,
          evaluator: r.evaluator,
        });
      }
      Object.assign(fresh, {
        featureSet: input.featureSet,
        status: RunStatus.Succeeded,
        progress: 1,
        progressNote: null,
        error: null,
        metrics: outcome.metrics,
        backend: outcome.backend ?? null,
        modelArtifactKey,
        assignmentsArtifactKey,
        finishedAt: new Date(),
      });
      stored = true;
      // In this transaction, so a run fires an alert once whatever happens to its job afterwards.
      const firing = {
        id: run.id,
        segmentationId: segmentation.id,
        segmentationName: segmentation.name,
        version: run.version,
      };
      const current = { ids: frame.ids, segment: outcome.assignments.segment };
      return [
        ...(this.alerts ? await this.alerts.fire(tx, firing, outcome.segments, kpiRows, current) : []),
        ...(this.audiences ? await this.audiences.changesForRun(tx, firing, outcome.segments, current) : []),
      ];
    });
    // Committed: a comparison, alert or audience change after this run reads them from memory, not from the artifact.
    if (stored)
      this.assignments.remember(run.id, {
        ids: frame.ids,
        idTable: input.ids,
        segment: outcome.assignments.segment,
        score: outcome.assignments.score,
        labels: new Map(outcome.segments.map((s) => [s.key, s.label])),
      });
    // The events are stored; a webhook not queued here is queued again when a worker starts (pending events).
    await this.alerts
      ?.notify(fired.filter((e) => e.kind === 'alert.fired'))
      .catch((e: Error) => this.logger.warn(`run ${run.id}: alert webhooks not queued: ${e.message}`));
    await this.audiences
      ?.notify(fired.filter((e) => e.kind === 'audience.changed'))
      .catch((e: Error) => this.logger.warn(`run ${run.id}: audience webhooks not queued: ${e.message}`));
  }

  private runContext(run: Run, job: Job, signal: AbortSignal): RunContext {
    const em = this.orm.em.fork();
    let lastWrite = 0;
    let writing: Promise<unknown> = Promise.resolve();
    const prefix = `run ${run.id} (${run.pluginName})`;
    const fields = this.logFields(job, run.pluginName);
    const named = new Map<string, string>();
    return {
      runId: run.id,
      seed: run.seed,
      signal,
      progress: (fraction, note) => {
        void job.progress(fraction, note).catch(() => undefined);
        // Progress goes to the database at most a few times a second, one write at a time.
        const now = Date.now();
        if (now - lastWrite < 250 && fraction < 1) return;
        lastWrite = now;
        writing = writing
          .then(() =>
            em.nativeUpdate(
              Run,
              { id: run.id, status: RunStatus.Running },
              { progress: fraction, progressNote: note ?? null },
            ),
          )
          .catch((e) => this.logger.warn(`${prefix}: progress not saved: ${(e as Error).message}`, fields));
      },
      log: this.pluginLog(job, prefix, fields),
      artifacts: {
        write: async (name, bytes) => {
          named.set(name, await this.artifacts.put(bytes));
        },
        read: async (name) => {
          const key = named.get(name);
          if (!key) throw new Error(`no artifact named '${name}' was written in run ${run.id}`);
          return this.artifacts.get(key);
        },
      },
    };
  }

  /** Only an unfinished run is written: one that succeeded, or failed for good meanwhile, keeps its outcome. */
  protected async saveFailure(id: string, message: string, willRetry: boolean, job: Job): Promise<void> {
    const em = this.orm.em.fork();
    if (this.shutdown.signal.aborted) {
      // Stopped by our own shutdown, not by the run's fault: leave it queued for the next worker
      // (Bull re-delivers the job; an in-process queue is refilled by requeueUnfinished at start).
      await em.nativeUpdate(
        Run,
        { id, status: { $in: UNFINISHED } },
        { status: RunStatus.Queued, error: `attempt ${job.attempt} interrupted: ${message}` },
      );
    } else if (willRetry) {
      await em.nativeUpdate(
        Run,
        { id, status: { $in: UNFINISHED } },
        { status: RunStatus.Queued, error: `attempt ${job.attempt} failed: ${message}` },
      );
    } else {
      await em.nativeUpdate(
        Run,
        { id, status: { $in: UNFINISHED } },
        { status: RunStatus.Failed, error: message, finishedAt: new Date() },
      );
    }
  }
}
