import type { MikroORM } from '@mikro-orm/core';
import { decodeAssignments, scoreFrame, ScoringThread, type RowError, type ScoreOutcome } from '@workbench/engine';
import type { JobQueue, LiveEvents } from '@workbench/jobs';
import { Run, RunStatus, Scoring, ScoringStatus, type ArtifactStore, type Segment } from '@workbench/persistence';
import {
  categorical,
  createFeatureFrame,
  numeric,
  type FeatureColumn,
  type FeatureFrame,
  type RunContext,
} from '@workbench/plugin-sdk';
import type { DatasetsService } from './datasets.service';
import { InvalidRequestError, NotFoundError } from './errors';
import { DEFAULT_PLUGIN_ISOLATION, sandboxLimits, type PluginIsolation } from './plugin-limits';
import type { PluginsService } from './plugins.service';
import type { RunsService } from './runs.service';

export interface SubmitScoringRequest {
  /** Dataset name or id: the segmentation's own or any other with the same kind of data. */
  dataset: string;
  /** Version of that dataset; the one a run would train on (latest transactions, else customers) when absent. */
  version?: number;
}

/** One customer's features as a shop's backend sends them: numbers, category names, or null for missing. */
export interface CustomerFeatures {
  id: string;
  features: Record<string, number | string | null>;
}

/** One customer's result: the segment (and score), or why the model refused the customer. */
export interface ScoredRow {
  customerId: string;
  segmentKey: number | null;
  segmentLabel: string | null;
  score: number | null;
  error: string | null;
}

/** A finished run's model, read once per process, and the run's segments. */
interface LoadedModel {
  run: Run;
  segments: Segment[];
  /** Scores a frame with the model: in the model's warm sandbox thread, or here (isolation `none`, or a plugin only this process has). */
  score(frame: FeatureFrame): Promise<ScoreOutcome>;
  /** Ends the model's thread, or frees what the plugin's `prepare` read here. */
  close(): Promise<void>;
}

/** Where online scoring runs plugins: as runs do, and each request's deadline in the model's thread (WORKBENCH_SCORE_TIMEOUT_MS). */
export interface OnlineScoringIsolation extends PluginIsolation {
  requestTimeoutMs: number;
}

/** The context of online scoring: no progress, logs or artifacts to keep. */
function onlineContext(run: Run): RunContext {
  return {
    runId: run.id,
    seed: run.seed,
    signal: new AbortController().signal,
    progress: () => undefined,
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    artifacts: {
      write: async () => {
        throw new InvalidRequestError('scoring stores nothing for the plugin');
      },
      read: async (name) => {
        throw new InvalidRequestError(`no artifact '${name}' is kept for scoring`);
      },
    },
  };
}

/**
 * How many runs' models one process keeps, each warm in a sandbox thread of its own. The bound is on the
 * threads: one holds its plugins' modules (the shipped ones load TF.js), about 100 MiB of RSS each.
 */
const MODEL_CACHE_SIZE = 8;

/** Feature sets of two inputs agree when they differ only in the joined customers table's version or the churn label. */
const featureBase = (featureSet: string | null | undefined) =>
  (featureSet ?? '')
    .split('+')
    .filter((part) => !/^customers-v\d+$/.test(part) && !part.startsWith('churned@'))
    .join('+');

/** Throws unless the run is finished with a model. */
export function assertScorable(run: Run): void {
  if (run.status !== RunStatus.Succeeded || !run.modelArtifactKey) {
    throw new InvalidRequestError(
      `run ${run.segmentation.name} v${run.version} is ${run.status}; only a finished run's model can score`,
    );
  }
}

/** Refuses scoring data whose features are not those the run's model was trained on (another feature set or version). */
export function assertSameFeatures(run: Run, featureSet: string, what: string): void {
  if (featureBase(run.featureSet) !== featureBase(featureSet)) {
    throw new InvalidRequestError(
      `run ${run.segmentation.name} v${run.version} was trained on the features ${run.featureSet}; ${what} gives ${featureSet}`,
    );
  }
}

/**
 * The command half of scoring with a finished run's model, no retraining: a batch over a dataset version is
 * queued (the {@link ScoringProcessor} computes it, isolated like training); a few customers sent in a request
 * are scored at once with the model cached in this process.
 */
export class ScoringsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly artifacts: ArtifactStore,
    private readonly queue: JobQueue,
    private readonly runs: RunsService,
    private readonly datasets: DatasetsService,
    private readonly plugins: PluginsService,
    /** Where a scoring's queueing is announced (its worker announces the rest). */
    private readonly events: LiveEvents,
    private readonly isolation: OnlineScoringIsolation = { ...DEFAULT_PLUGIN_ISOLATION, requestTimeoutMs: 5000 },
  ) {}

  /** Records a queued scoring of `runRef`'s model on a dataset version and puts it on the `score` queue. */
  async submit(runRef: string, request: SubmitScoringRequest): Promise<Scoring> {
    const run = await this.runs.resolve(runRef);
    assertScorable(run);
    const dataset = await this.datasets.get(request.dataset);
    const version =
      request.version === undefined
        ? await this.datasets.latestVersion(dataset.id)
        : await this.datasets.version(dataset.id, request.version);
    if (version.kind !== run.datasetVersion.kind) {
      throw new InvalidRequestError(
        `dataset '${dataset.name}' v${version.version} is a ${version.kind} table; run ${run.segmentation.name} v${run.version} was trained on ${run.datasetVersion.kind}, so it scores ${run.datasetVersion.kind} versions`,
      );
    }
    const em = this.orm.em.fork();
    const scoring = em.create(Scoring, { run: run.id, datasetVersion: version.id });
    await em.flush();
    this.events.publish({ type: 'state', kind: 'scoring', id: scoring.id, status: ScoringStatus.Queued });
    try {
      await this.queue.enqueue('score', scoring.id);
    } catch (e) {
      await em.nativeUpdate(
        Scoring,
        { id: scoring.id },
        { status: ScoringStatus.Failed, error: `could not be queued: ${(e as Error).message}`, finishedAt: new Date() },
      );
      this.events.publish({ type: 'state', kind: 'scoring', id: scoring.id, status: ScoringStatus.Failed });
      throw e;
    }
    return this.get(scoring.id);
  }

  async get(id: string): Promise<Scoring> {
    const found = await this.orm.em
      .fork()
      .findOne(Scoring, { id }, { populate: ['run', 'run.segmentation', 'datasetVersion', 'datasetVersion.dataset'] });
    if (!found) throw new NotFoundError(`scoring '${id}' not found`);
    return found;
  }

  /** Scorings of a run, newest first. */
  async listForRun(runRef: string): Promise<Scoring[]> {
    const run = await this.runs.resolve(runRef);
    return this.orm.em.fork().find(
      Scoring,
      { run: run.id },
      {
        orderBy: { createdAt: 'desc' },
        populate: ['run', 'run.segmentation', 'datasetVersion', 'datasetVersion.dataset'],
      },
    );
  }

  /** Resolves when the scoring has succeeded or failed; polls the database, so it works whichever process runs the job. */
  async waitFor(id: string, pollMs = 100): Promise<Scoring> {
    for (;;) {
      const s = await this.get(id);
      if (s.status === ScoringStatus.Succeeded || s.status === ScoringStatus.Failed) return s;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** The customers that could not be scored, with the plugin's reason, in row order. */
  async errors(id: string): Promise<RowError[]> {
    const scoring = await this.finished(id);
    if (!scoring.errorsArtifactKey) return [];
    return JSON.parse(Buffer.from(await this.artifacts.get(scoring.errorsArtifactKey)).toString('utf8')) as RowError[];
  }

  /** Every customer of a finished scoring in the data's row order: segment and score, or the reason it has none. */
  async rows(id: string): Promise<ScoredRow[]> {
    const scoring = await this.finished(id);
    const segments = await this.runs.segments(scoring.run.id);
    const label = new Map(segments.map((s) => [s.key, s.label]));
    const { ids, segment, score } = decodeAssignments(await this.artifacts.get(scoring.resultArtifactKey as string));
    const reasons = new Map((await this.errors(id)).map((e) => [e.row - 1, e.message]));
    return ids.map((customerId, i) => {
      const refused = segment[i] < 0;
      return {
        customerId,
        segmentKey: refused ? null : segment[i],
        segmentLabel: refused ? null : (label.get(segment[i]) ?? String(segment[i])),
        score: refused || !score || Number.isNaN(score[i]) ? null : score[i],
        error: refused ? (reasons.get(i) ?? 'not scored') : null,
      };
    });
  }

  private async finished(id: string): Promise<Scoring> {
    const scoring = await this.get(id);
    if (scoring.status !== ScoringStatus.Succeeded) {
      throw new InvalidRequestError(
        `scoring ${id} is ${scoring.status}${scoring.error ? ` (${scoring.error})` : ''}; its rows exist once it has succeeded`,
      );
    }
    return scoring;
  }

  private readonly models = new Map<string, LoadedModel>();

  /**
   * The run's model, read from the artifact store once per process and kept for the next request, warm in a
   * sandbox thread of its own under the segmentation's plugin limits (or prepared here without isolation);
   * past {@link MODEL_CACHE_SIZE} models the least recently used is dropped.
   */
  private async loadModel(run: Run): Promise<LoadedModel> {
    const cached = this.models.get(run.id);
    if (cached) {
      this.models.delete(run.id);
      this.models.set(run.id, cached);
      return cached;
    }
    assertScorable(run);
    const model = await this.plugins.segmentationModel(run.pluginName);
    if (model.manifest.version !== run.pluginVersion) {
      throw new InvalidRequestError(
        `run ${run.segmentation.name} v${run.version} was trained with ${run.pluginName} ${run.pluginVersion}, but this server has version ${model.manifest.version}`,
      );
    }
    const artifact = {
      format: model.manifest.artifactFormat,
      bytes: await this.artifacts.get(run.modelArtifactKey as string),
    };
    const segments = await this.runs.segments(run.id);
    const module = this.isolation.mode === 'thread' ? this.plugins.moduleOf(run.pluginName) : undefined;
    let loaded: LoadedModel;
    if (module) {
      const thread = new ScoringThread(
        { modules: [module], model: run.pluginName, artifact, runId: run.id, seed: run.seed },
        onlineContext(run),
        {
          ...sandboxLimits(run.segmentation.limits, this.isolation.caps),
          requestTimeoutMs: this.isolation.requestTimeoutMs,
        },
      );
      try {
        await thread.warm();
      } catch (e) {
        await thread.close();
        throw e;
      }
      loaded = {
        run,
        segments,
        score: (frame) => thread.score(frame, segments.length),
        close: () => thread.close(),
      };
    } else {
      const prepared = model.prepare ? await model.prepare(artifact, onlineContext(run)) : undefined;
      loaded = {
        run,
        segments,
        score: (frame) =>
          scoreFrame({ model, artifact, prepared, frame, segmentCount: segments.length }, onlineContext(run)),
        close: async () => prepared?.dispose(),
      };
    }
    // Two requests may have loaded the same model at once: the first kept stays (the other request may be using it).
    const first = this.models.get(run.id);
    if (first) {
      await loaded.close();
      return first;
    }
    this.models.set(run.id, loaded);
    while (this.models.size > MODEL_CACHE_SIZE) {
      const oldest = this.models.keys().next().value as string;
      void this.models.get(oldest)?.close();
      this.models.delete(oldest);
    }
    return loaded;
  }

  /** Ends the models' threads and frees the prepared models (the workbench is closing). */
  async close(): Promise<void> {
    const closing = [...this.models.values()].map((loaded) => loaded.close());
    this.models.clear();
    await Promise.all(closing);
  }

  /**
   * Scores a few customers sent as feature rows (as the model sees them: e.g. `recency_days`, `frequency`,
   * `monetary` for a model trained on transactions), at once, in the model's warm sandbox thread. A number is a numeric
   * feature, a string a category, null a missing value. A customer the plugin refuses gets its reason in
   * `error`; the others are scored.
   */
  async scoreCustomers(
    runRef: string,
    customers: readonly CustomerFeatures[],
  ): Promise<{ run: Run; rows: ScoredRow[] }> {
    const run = this.cachedRun(runRef) ?? (await this.runs.resolve(runRef));
    const loaded = await this.loadModel(run);
    const frame = customerFrame(customers);
    const outcome = await loaded.score(frame);
    const label = new Map(loaded.segments.map((s) => [s.key, s.label]));
    const reasons = new Map(outcome.errors.map((e) => [e.row - 1, e.message]));
    return {
      run: loaded.run,
      rows: frame.ids.map((customerId, i) => {
        const s = outcome.segment[i];
        const score = outcome.score?.[i];
        return {
          customerId,
          segmentKey: s < 0 ? null : s,
          segmentLabel: s < 0 ? null : (label.get(s) ?? String(s)),
          score: s < 0 || score === undefined || Number.isNaN(score) ? null : score,
          error: s < 0 ? (reasons.get(i) ?? 'not scored') : null,
        };
      }),
    };
  }

  /** A run id that names a run whose model is cached: no database round trip (a `name@alias` ref is always resolved, as aliases move). */
  private cachedRun(runRef: string): Run | undefined {
    return this.models.get(runRef)?.run;
  }
}

/**
 * The frame of customers sent as JSON: one column per feature named in any row; a feature is numeric when
 * its values are numbers and categorical when they are strings (null is missing either way).
 */
export function customerFrame(customers: readonly CustomerFeatures[]) {
  const seen = new Map<string, number>();
  customers.forEach((c, i) => {
    const earlier = seen.get(c.id);
    if (earlier !== undefined)
      throw new InvalidRequestError(`customers.${i}.id: '${c.id}' is also customers.${earlier}.id; each customer once`);
    seen.set(c.id, i);
  });
  const names = [...new Set(customers.flatMap((c) => Object.keys(c.features)))];
  const columns: Record<string, FeatureColumn> = {};
  for (const name of names) {
    const values = customers.map((c) => c.features[name] ?? null);
    values.forEach((v, i) => {
      if (v !== null && typeof v !== 'number' && typeof v !== 'string')
        throw new InvalidRequestError(
          `customers.${i}.features.${name}: expected a number, a category name or null, not ${JSON.stringify(v)}`,
        );
    });
    const firstString = values.findIndex((v) => typeof v === 'string');
    const firstNumber = values.findIndex((v) => typeof v === 'number');
    if (firstString >= 0 && firstNumber >= 0) {
      throw new InvalidRequestError(
        `customers.${Math.max(firstString, firstNumber)}.features.${name}: is a ${firstString > firstNumber ? 'string' : 'number'}, but customers.${Math.min(firstString, firstNumber)} gives a ${firstString > firstNumber ? 'number' : 'string'}; a feature is numeric or a category in every row`,
      );
    }
    values.forEach((v, i) => {
      if (typeof v === 'number' && !Number.isFinite(v))
        throw new InvalidRequestError(`customers.${i}.features.${name}: ${v} is not a finite number`);
    });
    columns[name] = firstString >= 0 ? categorical(values as (string | null)[]) : numeric(values as (number | null)[]);
  }
  return createFeatureFrame(
    customers.map((c) => c.id),
    columns,
  );
}
