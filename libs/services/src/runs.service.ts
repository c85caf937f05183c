import { randomInt } from 'node:crypto';
import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/core';
import { encodeAssignments, runKpiEvaluators, runSegmentation, type KpiStep } from '@workbench/engine';
import type { Job, JobHandlers, JobQueue } from '@workbench/jobs';
import { Alias, DatasetVersion, KpiValue, Run, RunStatus, Segment, type ArtifactStore } from '@workbench/persistence';
import { validateParams, type RunContext } from '@workbench/plugin-sdk';
import { instanceToPlain } from 'class-transformer';
import type { AssignmentsService } from './assignments.service';
import type { DatasetsService } from './datasets.service';
import type { PluginsService } from './plugins.service';
import { InvalidRequestError, NotFoundError } from './errors';
import type { SegmentationsService } from './segmentations.service';
import { WORKBENCH_VERSION } from './version';

export interface SubmitRunRequest {
  /** Dataset version number of the segmentation's dataset; latest when absent. */
  datasetVersion?: number;
  /** Seed of the run; random when absent (and recorded, so the run can be reproduced). */
  seed?: number;
  /** Params for this version, merged over the segmentation's (e.g. another k); validated and recorded on the run. */
  params?: Record<string, unknown>;
}

export interface RunsLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const TERMINAL = new Set<RunStatus>([RunStatus.Succeeded, RunStatus.Failed]);

export class RunsService {
  /** Aborted when this process shuts down, so running plugins stop and their jobs are retried elsewhere. */
  private readonly shutdown = new AbortController();

  constructor(
    private readonly orm: MikroORM,
    private readonly artifacts: ArtifactStore,
    private readonly queue: JobQueue,
    private readonly plugins: PluginsService,
    private readonly datasets: DatasetsService,
    private readonly segmentations: SegmentationsService,
    private readonly assignments: AssignmentsService,
    private readonly logger: RunsLogger,
  ) {}

  /** Records a queued run (the next version of the segmentation) and puts its id on the train queue. */
  async submit(segmentationIdOrName: string, request: SubmitRunRequest = {}): Promise<Run> {
    const run = await this.create(segmentationIdOrName, request);
    try {
      await this.queue.enqueue('train', run.id);
    } catch (e) {
      await this.markFailed(run.id, `could not be queued: ${(e as Error).message}`);
      throw e;
    }
    return this.get(run.id);
  }

  /**
   * Records the next version of the segmentation as a queued run without queueing it: for callers
   * that train it themselves (a retrain job). `onCreated` runs in the same transaction.
   */
  async create(segmentationIdOrName: string, request: SubmitRunRequest = {}, onCreated?: (em: EntityManager, run: Run) => Promise<void>): Promise<Run> {
    const segmentation = await this.segmentations.get(segmentationIdOrName);
    const model = await this.plugins.segmentationModel(segmentation.pluginName);
    const datasetVersion =
      request.datasetVersion === undefined
        ? await this.datasets.latestVersion(segmentation.dataset.id)
        : await this.datasets.version(segmentation.dataset.id, request.datasetVersion);
    if (datasetVersion.kind === 'table') {
      throw new InvalidRequestError(`dataset version ${datasetVersion.version} is the extra table '${datasetVersion.tableName}'; name a customers or transactions version`);
    }
    if (request.seed !== undefined && !(Number.isInteger(request.seed) && request.seed >= 0 && request.seed < 2 ** 31)) {
      throw new InvalidRequestError(`seed ${request.seed} must be an integer from 0 to 2147483647`);
    }
    const params = request.params
      ? (instanceToPlain(validateParams(model.manifest.name, model.manifest.params, { ...segmentation.params, ...request.params })) as Record<string, unknown>)
      : segmentation.params;
    let run: Run | undefined;
    for (let attempt = 1; !run; attempt++) {
      try {
        run = await this.orm.em.fork().transactional(async (em) => {
          const last = await em.findOne(Run, { segmentation: segmentation.id }, { orderBy: { version: 'desc' } });
          const created = em.create(Run, {
            segmentation: segmentation.id,
            version: (last?.version ?? 0) + 1,
            datasetVersion: datasetVersion.id,
            pluginName: model.manifest.name,
            pluginVersion: model.manifest.version,
            params,
            seed: request.seed ?? randomInt(0, 2 ** 31),
            status: RunStatus.Queued,
            workbenchVersion: WORKBENCH_VERSION,
          });
          if (onCreated) {
            await em.flush(); // the run row must exist before a caller's statements refer to it
            await onCreated(em, created);
          }
          return created;
        });
      } catch (e) {
        // Two submissions raced for the same version number: the loser takes the next one.
        if (!(e instanceof UniqueConstraintViolationException) || attempt >= 5) throw e;
      }
    }
    return run;
  }

  async get(runId: string): Promise<Run> {
    const run = await this.orm.em.fork().findOne(Run, { id: runId }, { populate: ['segmentation', 'datasetVersion', 'datasetVersion.dataset'] });
    if (!run) throw new NotFoundError(`run '${runId}' not found`);
    return run;
  }

  /** Run by id, or `<segmentation>@v<version>`, `<segmentation>@latest` or `<segmentation>@<alias>` (e.g. `@champion`). */
  async resolve(ref: string): Promise<Run> {
    const match = /^(.+)@(v(\d+)|latest|([a-z][a-z0-9-]*))$/.exec(ref);
    if (!match) return this.get(ref);
    if (match[4]) {
      const segmentation = await this.segmentations.get(match[1]);
      const alias = await this.orm.em.fork().findOne(Alias, { segmentation: segmentation.id, name: match[4] });
      if (!alias) throw new NotFoundError(`segmentation '${segmentation.name}' has no run or alias '${match[2]}'`);
      return this.get(alias.run.id);
    }
    const runs = await this.segmentations.runs(match[1]);
    const run = match[3] ? runs.find((r) => r.version === Number(match[3])) : runs.at(-1);
    if (!run) throw new NotFoundError(`segmentation '${match[1]}' has no run ${match[2]}`);
    return this.get(run.id);
  }

  async segments(runId: string): Promise<Segment[]> {
    await this.get(runId);
    return this.orm.em.fork().find(Segment, { run: runId }, { orderBy: { key: 'asc' } });
  }

  async kpis(runId: string): Promise<KpiValue[]> {
    await this.get(runId);
    return this.orm.em.fork().find(KpiValue, { run: runId }, { orderBy: { segmentKey: 'asc', kpi: 'asc' } });
  }

  /** Resolves when the run has succeeded or failed; polls the database, so it works whichever process runs the job. */
  async waitFor(runId: string, onProgress?: (run: Run) => void, pollMs = 100): Promise<Run> {
    for (;;) {
      const run = await this.get(runId);
      onProgress?.(run);
      if (TERMINAL.has(run.status)) return run;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** Makes this process a worker of the train queue. */
  startWorker(concurrency = 1): void {
    const handlers: JobHandlers = {
      handle: (job) => this.process(job),
      onFailure: (job, error, willRetry) => this.recordFailure(job, error, willRetry),
    };
    this.queue.process('train', handlers, concurrency);
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

  /** One attempt at a run: train through the engine, then write every result in one transaction. */
  async process(job: Job): Promise<void> {
    const em = this.orm.em.fork();
    const run = await em.findOne(Run, { id: job.runId }, { populate: ['datasetVersion'] });
    if (!run) throw new Error(`run ${job.runId} does not exist`);
    // A job retried after its results were committed (a crash between commit and acknowledgement) has nothing left to do.
    if (run.status === RunStatus.Succeeded) return;
    run.status = RunStatus.Running;
    run.attempts = job.attempt;
    run.startedAt = run.startedAt ?? new Date();
    run.progress = 0;
    await em.flush();

    const model = await this.plugins.segmentationModel(run.pluginName);
    if (model.manifest.version !== run.pluginVersion) {
      throw new Error(`run ${run.id} was submitted for ${run.pluginName} ${run.pluginVersion}, but this worker has version ${model.manifest.version}`);
    }
    const segmentation = await this.segmentations.get(run.segmentation.id);
    const input = await this.datasets.loadRunInput(run.datasetVersion as DatasetVersion, { churnHorizonDays: segmentation.target?.churnHorizonDays });
    const { frame } = input;
    const ctx = this.runContext(run, job);
    const outcome = await runSegmentation({ model, params: run.params, frame, revenueFeature: input.revenueFeature }, ctx);
    const steps: KpiStep[] = [];
    for (const k of segmentation.kpis ?? []) steps.push({ evaluator: await this.plugins.kpiEvaluator(k.plugin), params: k.params ?? {} });
    const evaluated = await runKpiEvaluators(
      steps,
      { frame, assignments: outcome.assignments, segments: outcome.segments, referenceDate: input.referenceDate, transactions: input.transactions, tables: input.tables },
      ctx,
    );

    const modelArtifactKey = await this.artifacts.put(outcome.artifact.bytes);
    const assignmentsArtifactKey = await this.artifacts.put(encodeAssignments(frame.ids, outcome.assignments));
    await this.orm.em.fork().transactional(async (tx) => {
      const fresh = await tx.findOneOrFail(Run, { id: run.id });
      if (fresh.status === RunStatus.Succeeded) return;
      // Guards against rows of an attempt that got this far on another worker before it died.
      await tx.nativeDelete(Segment, { run: run.id });
      await tx.nativeDelete(KpiValue, { run: run.id });
      await this.assignments.write(tx, run.id, frame.ids, outcome.assignments);
      for (const s of outcome.segments) {
        tx.create(Segment, { run: fresh, key: s.key, label: s.label, size: s.size, share: s.share, profile: s.profile });
      }
      // The host's own counts, unless an evaluator computed the same KPI (its figure has a definition and window).
      const evaluatedKeys = new Set(evaluated.map((r) => `${r.segmentKey}:${r.kpi}`));
      const kpi = (segmentKey: number | null, key: string, value: number, unit: string, n: number) =>
        evaluatedKeys.has(`${segmentKey}:${key}`) ? undefined : tx.create(KpiValue, { run: fresh, segmentKey, kpi: key, value, unit, n });
      for (const s of outcome.segments) {
        kpi(s.key, 'customers', s.size, 'customers', s.size);
        kpi(s.key, 'customer_share', s.share, 'share', s.size);
        if (s.revenueShare !== undefined) kpi(s.key, 'revenue_share', s.revenueShare, 'share', s.size);
      }
      kpi(null, 'customers', frame.rowCount, 'customers', frame.rowCount);
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
    });
  }

  private runContext(run: Run, job: Job): RunContext {
    const em = this.orm.em.fork();
    let lastWrite = 0;
    let writing: Promise<unknown> = Promise.resolve();
    const prefix = `run ${run.id} (${run.pluginName})`;
    const named = new Map<string, string>();
    return {
      runId: run.id,
      seed: run.seed,
      signal: this.shutdown.signal,
      progress: (fraction, note) => {
        void job.progress(fraction, note).catch(() => undefined);
        // Progress goes to the database at most a few times a second, one write at a time.
        const now = Date.now();
        if (now - lastWrite < 250 && fraction < 1) return;
        lastWrite = now;
        writing = writing
          .then(() => em.nativeUpdate(Run, { id: run.id, status: RunStatus.Running }, { progress: fraction, progressNote: note ?? null }))
          .catch((e) => this.logger.warn(`${prefix}: progress not saved: ${(e as Error).message}`));
      },
      log: {
        info: (m) => this.logger.log(`${prefix}: ${m}`),
        warn: (m) => this.logger.warn(`${prefix}: ${m}`),
        error: (m) => this.logger.error(`${prefix}: ${m}`),
      },
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

  private async recordFailure(job: Job, error: Error, willRetry: boolean): Promise<void> {
    const message = error.message || String(error);
    this.logger.warn(`run ${job.runId} attempt ${job.attempt}/${job.maxAttempts} failed: ${message}${willRetry ? ' (will retry)' : ''}`);
    const em = this.orm.em.fork();
    if (this.shutdown.signal.aborted) {
      // Stopped by our own shutdown, not by the run's fault: leave it queued for the next worker
      // (Bull re-delivers the job; an in-process queue is refilled by requeueUnfinished at start).
      await em.nativeUpdate(Run, { id: job.runId, status: { $ne: RunStatus.Succeeded } }, { status: RunStatus.Queued, error: `attempt ${job.attempt} interrupted: ${message}` });
    } else if (willRetry) {
      await em.nativeUpdate(Run, { id: job.runId, status: { $ne: RunStatus.Succeeded } }, { status: RunStatus.Queued, error: `attempt ${job.attempt} failed: ${message}` });
    } else {
      await this.markFailed(job.runId, message);
    }
  }

  private async markFailed(runId: string, message: string): Promise<void> {
    await this.orm.em
      .fork()
      .nativeUpdate(Run, { id: runId, status: { $ne: RunStatus.Succeeded } }, { status: RunStatus.Failed, error: message, finishedAt: new Date() });
  }
}
