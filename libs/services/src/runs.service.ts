import { randomInt } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { QueueUnavailableError, type JobQueue, type LiveEvents } from '@workbench/jobs';
import { Alias, allocateRunVersion, KpiValue, Run, RunStatus, Segment } from '@workbench/persistence';
import { instanceToPlain } from 'class-transformer';
import type { DatasetsService } from './datasets.service';
import type { RunInputsService } from './run-inputs.service';
import type { PluginsService } from './plugins.service';
import { checkLogFeatures } from './dataset-features';
import { ConflictError, InvalidRequestError, NotFoundError, validateRequestParams } from './errors';
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

const TERMINAL = new Set<RunStatus>([RunStatus.Succeeded, RunStatus.Failed, RunStatus.Cancelled]);

/** The command half of runs: submit (queue), look up and wait; {@link RunProcessor} trains them. */
export class RunsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly queue: JobQueue,
    private readonly plugins: PluginsService,
    private readonly datasets: DatasetsService,
    private readonly runInputs: RunInputsService,
    private readonly segmentations: SegmentationsService,
    /** Where a run's queueing, cancelling and failing to queue are announced (its worker announces the rest). */
    private readonly events: LiveEvents,
  ) {}

  /**
   * Records a queued run (the next version of the segmentation) and puts its id on the train queue.
   * When the queue does not answer in time (Redis away) the run is deleted again and a
   * {@link QueueUnavailableError} says it was not submitted, so a caller who tries again later does not
   * get two runs; a job that still reaches Redis later finds no run and ends at once.
   */
  async submit(segmentationIdOrName: string, request: SubmitRunRequest = {}): Promise<Run> {
    const run = await this.create(segmentationIdOrName, request);
    // Before the enqueue: an in-process worker may start it, and announce `running`, before enqueue returns.
    this.events.publish({ type: 'state', kind: 'run', id: run.id, status: RunStatus.Queued });
    try {
      await this.queue.enqueue('train', run.id);
    } catch (e) {
      if (e instanceof QueueUnavailableError) {
        // Unless a worker got it meanwhile (the reconciler queued it as Redis came back): then it is submitted.
        const deleted = await this.orm.em
          .fork()
          .nativeDelete(Run, { id: run.id, status: RunStatus.Queued, startedAt: null });
        if (deleted > 0)
          throw new QueueUnavailableError(
            e.queue,
            `the run was not submitted: ${e.message}; try again once it is back`,
          );
        return this.get(run.id);
      }
      await this.markFailed(run.id, `could not be queued: ${(e as Error).message}`);
      throw e;
    }
    return this.get(run.id);
  }

  /**
   * Records the next version of the segmentation as a queued run without queueing it: for callers
   * that train it themselves (a retrain job). `onCreated` runs in the same transaction.
   */
  async create(
    segmentationIdOrName: string,
    request: SubmitRunRequest = {},
    onCreated?: (em: EntityManager, run: Run) => Promise<void>,
  ): Promise<Run> {
    const segmentation = await this.segmentations.get(segmentationIdOrName);
    const model = await this.plugins.segmentationModel(segmentation.pluginName);
    await this.plugins.assertEnabled(model.manifest.name, model.manifest.version);
    const datasetVersion =
      request.datasetVersion === undefined
        ? await this.datasets.latestVersion(segmentation.dataset.id)
        : await this.datasets.version(segmentation.dataset.id, request.datasetVersion);
    if (datasetVersion.kind === 'table') {
      throw InvalidRequestError.at(
        'datasetVersion',
        `dataset version ${datasetVersion.version} is the extra table '${datasetVersion.tableName}'; name a customers or transactions version`,
      );
    }
    if (
      request.seed !== undefined &&
      !(Number.isInteger(request.seed) && request.seed >= 0 && request.seed < 2 ** 31)
    ) {
      throw InvalidRequestError.at('seed', `seed ${request.seed} must be an integer from 0 to 2147483647`);
    }
    const params = request.params
      ? (instanceToPlain(
          validateRequestParams(
            model.manifest.name,
            model.manifest.params,
            { ...segmentation.params, ...request.params },
            'params',
          ),
        ) as Record<string, unknown>)
      : segmentation.params;
    checkLogFeatures(
      params,
      await this.runInputs.features(datasetVersion),
      `dataset '${segmentation.dataset.name}' v${datasetVersion.version}`,
    );
    return this.orm.em.fork().transactional(async (em) => {
      const created = em.create(Run, {
        segmentation: segmentation.id,
        // Concurrent submissions wait here for each other's number instead of colliding on it.
        version: await allocateRunVersion(em, segmentation.id),
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
  }

  /**
   * Cancels a queued or running run (id or reference): its row says `cancelled` at once and a waiting job is
   * taken off the queue. A running attempt sees the status at its worker's next look (RunProcessor polls the
   * row), aborts `ctx.signal` and stores nothing. A finished run is a {@link ConflictError} naming its status.
   */
  async cancel(ref: string): Promise<Run> {
    const run = await this.resolve(ref);
    const cancelled = await this.orm.em
      .fork()
      .nativeUpdate(
        Run,
        { id: run.id, status: { $in: [RunStatus.Queued, RunStatus.Running] } },
        { status: RunStatus.Cancelled, finishedAt: new Date(), progressNote: null },
      );
    if (cancelled === 0) {
      const now = await this.get(run.id);
      throw new ConflictError(
        `run ${now.segmentation.name} v${now.version} is already ${now.status}; only a queued or running run can be cancelled`,
      );
    }
    this.events.publish({ type: 'state', kind: 'run', id: run.id, status: RunStatus.Cancelled });
    await this.queue.remove('train', run.id);
    return this.get(run.id);
  }

  async get(runId: string): Promise<Run> {
    const run = await this.orm.em
      .fork()
      .findOne(Run, { id: runId }, { populate: ['segmentation', 'datasetVersion', 'datasetVersion.dataset'] });
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

  /** Resolves when the run has succeeded, failed or been cancelled; polls the database, so it works whichever process runs the job. */
  async waitFor(runId: string, onProgress?: (run: Run) => void, pollMs = 100): Promise<Run> {
    for (;;) {
      const run = await this.get(runId);
      onProgress?.(run);
      if (TERMINAL.has(run.status)) return run;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  private async markFailed(runId: string, message: string): Promise<void> {
    await this.orm.em
      .fork()
      .nativeUpdate(
        Run,
        { id: runId, status: { $ne: RunStatus.Succeeded } },
        { status: RunStatus.Failed, error: message, finishedAt: new Date() },
      );
    this.events.publish({ type: 'state', kind: 'run', id: runId, status: RunStatus.Failed });
  }
}
