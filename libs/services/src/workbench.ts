import { join, resolve } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import { PluginRegistry } from '@workbench/engine';
import {
  BullJobQueue,
  InlineJobQueue,
  InlineLiveEvents,
  RedisLiveEvents,
  type JobQueue,
  type LiveEvents,
} from '@workbench/jobs';
import {
  createOrm,
  LocalArtifactStore,
  migrateUp,
  waitForMigrations,
  type ArtifactStore,
} from '@workbench/persistence';
import type { WorkbenchPlugin } from '@workbench/plugin-sdk';
import { ArtifactCollector } from './artifact-collector';
import { AlertsService } from './alerts.service';
import { AudiencesService } from './audiences.service';
import { AliasesService } from './aliases.service';
import { ApiKeysService } from './api-keys.service';
import { AssignmentsService } from './assignments.service';
import { ComparisonProcessor } from './comparison.processor';
import { ComparisonsService } from './comparisons.service';
import type { WorkbenchConfig } from './config';
import { CustomerFeaturesService } from './customer-features.service';
import { DatasetsService } from './datasets.service';
import { RunInputsService } from './run-inputs.service';
import type { DatasetEvents } from './events';
import type { JobObserver } from './job-processor';
import { KpiHistoryService } from './kpi-history.service';
import { stderrLogger, type WorkbenchLogger } from './logger';
import { DEFAULT_PLUGIN_POLICY } from './plugin-sources';
import { OwnedJobQueue } from './owned-job-queue';
import { PluginsService } from './plugins.service';
import { Reconciler } from './reconciler';
import { RetrainProcessor } from './retrain.processor';
import { RetrainService } from './retrain.service';
import { RunProcessor } from './run.processor';
import { RunsService } from './runs.service';
import { KpiSeriesService } from './kpi-series.service';
import { ScoringProcessor } from './scoring.processor';
import { ScoringsService } from './scorings.service';
import { SegmentationsService } from './segmentations.service';
import { WebhookTargets } from './webhook-targets';
import { WebhookProcessor } from './webhook.processor';
import { ComparisonReportsService } from './views/comparison-reports.service';
import { RunReportsService } from './views/run-reports.service';

export interface WorkbenchOptions {
  /** Plugins to register (the apps pass the built-in list). */
  plugins: readonly WorkbenchPlugin[];
  /**
   * The module file that exports `plugins` (e.g. BUILTIN_PLUGINS_MODULE of '@workbench/builtin-plugins'), loaded
   * by each run's sandbox thread. Without it those plugins run in the worker's own thread, unisolated.
   */
  pluginsModule?: string;
  logger?: WorkbenchLogger;
  /** Apply pending migrations at start; workers of a scaled-out deployment leave that to the api process. */
  migrate?: boolean;
  /** Bull lock settings, shortened by tests that kill workers. */
  bull?: { lockDurationMs?: number; stalledIntervalMs?: number };
  /** A queue built by the caller (the orchestrator builds it from @nestjs/bull's queues); by default one is made from the config. */
  queue?: JobQueue;
}

/** The queue the config asks for: Bull when REDIS_URL is set, else the in-process queue. */
export function createJobQueue(config: WorkbenchConfig, options: Pick<WorkbenchOptions, 'bull'> = {}): JobQueue {
  const defaultRetry = { attempts: config.jobAttempts, backoffMs: config.jobBackoffMs };
  return config.redisUrl
    ? new BullJobQueue({
        redisUrl: config.redisUrl,
        prefix: config.queuePrefix,
        defaultRetry,
        timeoutMs: config.queueTimeoutMs,
        ...options.bull,
      })
    : new InlineJobQueue({ defaultRetry });
}

/**
 * The live events the config asks for: over Redis pub/sub when REDIS_URL is set (a worker process's events
 * reach every API process; channel `<WORKBENCH_QUEUE_PREFIX>:live-events`), else within this process.
 */
export function createLiveEvents(config: WorkbenchConfig, logger: WorkbenchLogger = stderrLogger): LiveEvents {
  const log = { warn: (m: string) => logger.warn(m), error: (m: string) => logger.error(m) };
  return config.redisUrl
    ? new RedisLiveEvents({ redisUrl: config.redisUrl, prefix: config.queuePrefix, logger: log })
    : new InlineLiveEvents(log);
}

/**
 * The whole application without a transport: database, artifact store, queue, plugins and the
 * services over them. The HTTP server and the CLI both build one, so both behave the same.
 */
export class Workbench {
  readonly datasets: DatasetsService;
  /** What runs train on, built from dataset versions. */
  readonly runInputs: RunInputsService;
  /** Removes artifact files no row references (`workbench gc`). */
  readonly artifactCollector: ArtifactCollector;
  readonly segmentations: SegmentationsService;
  readonly runs: RunsService;
  readonly apiKeys: ApiKeysService;
  readonly assignments: AssignmentsService;
  readonly aliases: AliasesService;
  readonly comparisons: ComparisonsService;
  readonly plugins: PluginsService;
  readonly retrain: RetrainService;
  readonly scorings: ScoringsService;
  readonly alerts: AlertsService;
  readonly audiences: AudiencesService;
  readonly kpiSeries: KpiSeriesService;
  /** The worker halves: each consumes one queue once `startWorker` is called. */
  readonly runProcessor: RunProcessor;
  readonly comparisonProcessor: ComparisonProcessor;
  readonly retrainProcessor: RetrainProcessor;
  readonly webhookProcessor: WebhookProcessor;
  readonly scoringProcessor: ScoringProcessor;
  /** Runs, segments and KPI values as the API and the CLI present them. */
  readonly reports: RunReportsService;
  readonly comparisonReports: ComparisonReportsService;
  readonly kpiHistory: KpiHistoryService;
  readonly customerFeatures: CustomerFeaturesService;
  /** Re-queues work whose job vanished and fails runs past their deadline; the API processes start it. */
  readonly reconciler: Reconciler;

  constructor(
    readonly config: WorkbenchConfig,
    readonly orm: MikroORM,
    readonly artifacts: ArtifactStore,
    readonly queue: JobQueue,
    /**
     * What happens to queued work as it happens (progress, plugin log lines, status changes, ingest progress),
     * for `GET /events/stream`. Publish with `workbench.events.publish(event)`; see {@link LiveEvents}.
     */
    readonly events: LiveEvents,
    readonly registry: PluginRegistry,
    logger: WorkbenchLogger,
    /** The module exporting `options.plugins`, so sandbox threads can load them (see {@link WorkbenchOptions.pluginsModule}). */
    builtinModule?: string,
  ) {
    // New dataset versions go to the retrain policies (the retrain service is built below, from the datasets service).
    const datasetEvents: DatasetEvents = {
      versionStored: async (version) => void (await this.retrain.onNewDatasetVersion(version)),
    };
    this.plugins = new PluginsService(
      orm,
      registry,
      logger,
      { ...DEFAULT_PLUGIN_POLICY, allowedDirs: config.pluginDirs, maxBytes: config.pluginMaxMb * 2 ** 20 },
      builtinModule,
    );
    this.datasets = new DatasetsService(orm, artifacts, datasetEvents, events);
    this.runInputs = new RunInputsService(orm, artifacts, this.datasets);
    this.artifactCollector = new ArtifactCollector(orm, artifacts);
    const caps = { maxSeconds: config.pluginMaxSeconds, maxMemoryMb: config.pluginMaxMemoryMb };
    this.segmentations = new SegmentationsService(orm, this.plugins, this.datasets, this.runInputs, caps);
    this.assignments = new AssignmentsService(orm, artifacts);
    this.runs = new RunsService(orm, queue, this.plugins, this.datasets, this.runInputs, this.segmentations, events);
    this.reports = new RunReportsService(this.runs, this.plugins);
    this.apiKeys = new ApiKeysService(orm);
    this.aliases = new AliasesService(orm, this.segmentations, this.runs);
    this.comparisons = new ComparisonsService(orm, queue, this.runs, events);
    this.kpiSeries = new KpiSeriesService(this.runs, this.runInputs, this.segmentations, artifacts);
    this.scorings = new ScoringsService(orm, artifacts, queue, this.runs, this.datasets, this.plugins, events, {
      mode: config.pluginIsolation,
      caps,
      requestTimeoutMs: config.scoreTimeoutMs,
    });
    this.comparisonReports = new ComparisonReportsService(this.comparisons, this.reports);
    this.kpiHistory = new KpiHistoryService(orm, this.segmentations, this.aliases, this.reports, this.assignments);
    this.customerFeatures = new CustomerFeaturesService(
      this.runs,
      this.segmentations,
      this.runInputs,
      this.assignments,
    );
    const webhookTargets = new WebhookTargets(config.webhookAllow);
    this.retrain = new RetrainService(
      orm,
      queue,
      this.datasets,
      this.segmentations,
      events,
      this.aliases,
      logger,
      webhookTargets,
    );

    const webhookRetry = { attempts: 5, backoffMs: config.jobBackoffMs };
    this.alerts = new AlertsService(
      orm,
      queue,
      this.segmentations,
      this.plugins,
      this.assignments,
      logger,
      webhookTargets,
      webhookRetry,
    );
    this.runProcessor = new RunProcessor(
      orm,
      artifacts,
      queue,
      this.plugins,
      this.runInputs,
      this.segmentations,
      this.assignments,
      logger,
      events,
      { mode: config.pluginIsolation, caps },
    );
    this.runProcessor.alerts = this.alerts;
    this.audiences = new AudiencesService(
      orm,
      queue,
      this.segmentations,
      this.assignments,
      logger,
      webhookTargets,
      webhookRetry,
    );
    this.runProcessor.audiences = this.audiences;
    this.comparisonProcessor = new ComparisonProcessor(
      orm,
      this.assignments,
      queue,
      this.runInputs,
      this.runs,
      logger,
      events,
    );
    this.retrainProcessor = new RetrainProcessor(
      orm,
      queue,
      this.datasets,
      this.runInputs,
      this.runs,
      this.runProcessor,
      this.comparisonProcessor,
      this.aliases,
      logger,
      events,
      webhookRetry,
    );
    this.webhookProcessor = new WebhookProcessor(orm, queue, logger, events, webhookTargets);
    this.scoringProcessor = new ScoringProcessor(
      orm,
      artifacts,
      queue,
      this.plugins,
      this.runInputs,
      this.runs,
      logger,
      events,
      { mode: config.pluginIsolation, caps },
    );
    this.scoringProcessor.alerts = this.alerts;
    this.reconciler = new Reconciler(
      orm,
      queue,
      logger,
      { deadlineSeconds: config.runDeadlineSeconds, webhookRetry },
      events,
    );
  }

  /** Tells `observer` of every job attempt this process's processors finish (the server's metrics). */
  observeJobs(observer: JobObserver): void {
    for (const processor of [
      this.runProcessor,
      this.comparisonProcessor,
      this.retrainProcessor,
      this.webhookProcessor,
      this.scoringProcessor,
    ])
      processor.observer = observer;
  }

  /** Starts processing jobs in this process, first putting back runs a dead in-process queue forgot. */
  async startWorker(): Promise<void> {
    this.runProcessor.start(this.config.concurrency);
    this.comparisonProcessor.start(this.config.concurrency);
    this.retrainProcessor.start(this.config.concurrency);
    this.webhookProcessor.start(2);
    this.scoringProcessor.start(this.config.concurrency);
    if (this.queue.kind === 'inline') {
      await this.runProcessor.requeueUnfinished();
      await this.retrainProcessor.requeueUnfinished();
      await this.scoringProcessor.requeueUnfinished();
    }
  }

  /** Reconciles every WORKBENCH_RECONCILE_MS (see {@link Reconciler}); the API processes call it. */
  startReconciler(): void {
    this.reconciler.start(this.config.reconcileMs);
  }

  async close(): Promise<void> {
    this.retrain.stop();
    await this.reconciler.stop();
    this.runProcessor.stop();
    await this.scorings.close();
    await this.queue.close();
    await this.events.close();
    await this.orm.close(true);
  }
}

export async function createWorkbench(config: WorkbenchConfig, options: WorkbenchOptions): Promise<Workbench> {
  const home = resolve(config.home);
  const orm = await createOrm({ databaseUrl: config.databaseUrl, sqlitePath: join(home, 'workbench.sqlite') });
  try {
    if (options.migrate ?? true) await migrateUp(orm);
    else await waitForMigrations(orm);
    const created = options.queue ?? createJobQueue(config, options);
    // Several processes may share an embedded home: each claims its runs and retrains (see OwnedJobQueue).
    const queue = created.kind === 'inline' ? new OwnedJobQueue(created, orm) : created;
    const workbench = new Workbench(
      config,
      orm,
      new LocalArtifactStore(join(home, 'artifacts')),
      queue,
      createLiveEvents(config, options.logger ?? stderrLogger),
      new PluginRegistry(),
      options.logger ?? stderrLogger,
      options.pluginsModule,
    );
    // Only the process that migrates records plugin versions, so concurrent worker starts do not race.
    await workbench.plugins.registerBuiltins(options.plugins, options.migrate ?? true);
    await workbench.plugins.loadRecorded();
    return workbench;
  } catch (e) {
    await orm.close(true);
    throw e;
  }
}
