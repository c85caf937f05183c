import { join, resolve } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import { PluginRegistry } from '@workbench/engine';
import { BullJobQueue, InlineJobQueue, type JobQueue } from '@workbench/jobs';
import { createOrm, LocalArtifactStore, migrateUp, waitForMigrations, type ArtifactStore } from '@workbench/persistence';
import type { WorkbenchPlugin } from '@workbench/plugin-sdk';
import { AliasesService } from './aliases.service';
import { ApiKeysService } from './api-keys.service';
import { AssignmentsService } from './assignments.service';
import { ComparisonsService } from './comparisons.service';
import type { WorkbenchConfig } from './config';
import { DatasetsService } from './datasets.service';
import { PluginsService } from './plugins.service';
import { RetrainService } from './retrain.service';
import { RunsService, type RunsLogger } from './runs.service';
import { SegmentationsService } from './segmentations.service';

export interface WorkbenchOptions {
  /** Plugins to register (the apps pass the built-in list). */
  plugins: readonly WorkbenchPlugin[];
  logger?: RunsLogger;
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
    ? new BullJobQueue({ redisUrl: config.redisUrl, prefix: config.queuePrefix, defaultRetry, ...options.bull })
    : new InlineJobQueue({ defaultRetry });
}

const stderrLogger: RunsLogger = {
  log: (m) => process.stderr.write(`${m}\n`),
  warn: (m) => process.stderr.write(`warning: ${m}\n`),
  error: (m) => process.stderr.write(`error: ${m}\n`),
};

/**
 * The whole application without a transport: database, artifact store, queue, plugins and the
 * services over them. The HTTP server and the CLI both build one, so both behave the same.
 */
export class Workbench {
  readonly datasets: DatasetsService;
  readonly segmentations: SegmentationsService;
  readonly runs: RunsService;
  readonly apiKeys: ApiKeysService;
  readonly assignments: AssignmentsService;
  readonly aliases: AliasesService;
  readonly comparisons: ComparisonsService;
  readonly plugins: PluginsService;
  readonly retrain: RetrainService;

  constructor(
    readonly config: WorkbenchConfig,
    readonly orm: MikroORM,
    readonly artifacts: ArtifactStore,
    readonly queue: JobQueue,
    readonly registry: PluginRegistry,
    logger: RunsLogger,
  ) {
    this.plugins = new PluginsService(orm, registry, logger);
    this.datasets = new DatasetsService(orm, artifacts);
    this.segmentations = new SegmentationsService(orm, this.plugins, this.datasets);
    this.assignments = new AssignmentsService(orm, artifacts);
    this.runs = new RunsService(orm, artifacts, queue, this.plugins, this.datasets, this.segmentations, this.assignments, logger);
    this.apiKeys = new ApiKeysService(orm);
    this.aliases = new AliasesService(orm, this.segmentations, this.runs);
    this.comparisons = new ComparisonsService(orm, artifacts, queue, this.datasets, this.runs, logger);
    this.retrain = new RetrainService(orm, queue, this.datasets, this.segmentations, this.runs, this.comparisons, this.aliases, logger, { attempts: 5, backoffMs: config.jobBackoffMs });
    this.datasets.onVersionStored = (version) => this.retrain.onNewDatasetVersion(version);
  }

  /** Starts processing jobs in this process, first putting back runs a dead in-process queue forgot. */
  async startWorker(): Promise<void> {
    this.runs.startWorker(this.config.concurrency);
    this.comparisons.startWorker(this.config.concurrency);
    this.retrain.startWorker(this.config.concurrency);
    if (this.queue.kind === 'inline') {
      await this.runs.requeueUnfinished();
      await this.retrain.requeueUnfinished();
    }
  }

  async close(): Promise<void> {
    this.retrain.stop();
    this.runs.stop();
    await this.queue.close();
    await this.orm.close(true);
  }
}

export async function createWorkbench(config: WorkbenchConfig, options: WorkbenchOptions): Promise<Workbench> {
  const home = resolve(config.home);
  const orm = await createOrm({ databaseUrl: config.databaseUrl, sqlitePath: join(home, 'workbench.sqlite') });
  try {
    if (options.migrate ?? true) await migrateUp(orm);
    else await waitForMigrations(orm);
    const queue = options.queue ?? createJobQueue(config, options);
    const workbench = new Workbench(config, orm, new LocalArtifactStore(join(home, 'artifacts')), queue, new PluginRegistry(), options.logger ?? stderrLogger);
    // Only the process that migrates records plugin versions, so concurrent worker starts do not race.
    await workbench.plugins.registerBuiltins(options.plugins, options.migrate ?? true);
    await workbench.plugins.loadRecorded();
    return workbench;
  } catch (e) {
    await orm.close(true);
    throw e;
  }
}
