import {
  DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { BullModule, getQueueToken } from '@nestjs/bull';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Queue } from 'bull';
import { BullJobQueue, bullQueueOptions, QUEUE_NAMES, type JobQueue, type QueueName } from '@workbench/jobs';
import type { WorkbenchPlugin } from '@workbench/plugin-sdk';
import {
  AliasesService,
  ApiKeysService,
  AssignmentsService,
  ComparisonReportsService,
  ComparisonsService,
  createJobQueue,
  CustomerFeaturesService,
  createWorkbench,
  DatasetsService,
  KpiHistoryService,
  PluginsService,
  RetrainService,
  RunInputsService,
  RunReportsService,
  RunsService,
  ScoringsService,
  AlertsService,
  AudiencesService,
  KpiSeriesService,
  SegmentationsService,
  Workbench,
  type WorkbenchConfig,
} from '@workbench/services';
import { AdminModule } from '../admin/admin.module';
import { queueDashboardModules } from '../admin/queue-dashboard';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { ErrorsFilter } from '../common/errors.filter';
import { CONFIG } from './config.token';
import { createStructuredLogging } from '../observability/logging';
import { ObservabilityModule } from '../observability/observability.module';
import { ComparisonsModule } from '../comparisons/comparisons.module';
import { CustomersModule } from '../customers/customers.module';
import { DatasetsModule } from '../datasets/datasets.module';
import { EventsModule } from '../events/events.module';
import { PluginsModule } from '../plugins/plugins.module';
import { RetrainModule } from '../retrain/retrain.module';
import { RunsModule } from '../runs/runs.module';
import { ScoringsModule } from '../scorings/scorings.module';
import { AlertsModule } from '../alerts/alerts.module';
import { AudiencesModule } from '../audiences/audiences.module';
import { SegmentationsModule } from '../segmentations/segmentations.module';
import { SessionController } from '../auth/session.controller';
import { webAppModules, WebRootController } from '../web/web-app';

export interface AppOptions {
  plugins: readonly WorkbenchPlugin[];
  /** The module exporting `plugins`, so each run's plugins can be loaded in a sandbox thread (see WorkbenchOptions). */
  pluginsModule?: string;
  /** Shorter Bull locks for tests that kill workers. */
  bull?: { lockDurationMs?: number; stalledIntervalMs?: number };
  /** false: no log output at all (tests). */
  logger?: false;
}

const JOB_QUEUE = Symbol('JOB_QUEUE');

/** Each service of the workbench as a provider of its own, so a controller injects what it uses, not the whole workbench. */
const SERVICES = [
  [DatasetsService, (wb: Workbench) => wb.datasets],
  [RunInputsService, (wb: Workbench) => wb.runInputs],
  [SegmentationsService, (wb: Workbench) => wb.segmentations],
  [RunsService, (wb: Workbench) => wb.runs],
  [RunReportsService, (wb: Workbench) => wb.reports],
  [AssignmentsService, (wb: Workbench) => wb.assignments],
  [AliasesService, (wb: Workbench) => wb.aliases],
  [ComparisonsService, (wb: Workbench) => wb.comparisons],
  [ComparisonReportsService, (wb: Workbench) => wb.comparisonReports],
  [KpiHistoryService, (wb: Workbench) => wb.kpiHistory],
  [CustomerFeaturesService, (wb: Workbench) => wb.customerFeatures],
  [RetrainService, (wb: Workbench) => wb.retrain],
  [PluginsService, (wb: Workbench) => wb.plugins],
  [ApiKeysService, (wb: Workbench) => wb.apiKeys],
  [ScoringsService, (wb: Workbench) => wb.scorings],
  [AlertsService, (wb: Workbench) => wb.alerts],
  [AudiencesService, (wb: Workbench) => wb.audiences],
  [KpiSeriesService, (wb: Workbench) => wb.kpiSeries],
] as const;
const serviceProviders: Provider[] = SERVICES.map(([token, pick]) => ({
  provide: token,
  inject: [Workbench],
  useFactory: pick,
}));

/** One Nest module per area of the API. */
const FEATURE_MODULES = [
  DatasetsModule,
  SegmentationsModule,
  RunsModule,
  ComparisonsModule,
  CustomersModule,
  RetrainModule,
  ApiKeysModule,
  AdminModule,
  PluginsModule,
  ScoringsModule,
  AlertsModule,
  AudiencesModule,
  EventsModule,
];

/** Starts this process's worker after Nest is up, and closes the workbench on shutdown. */
@Injectable()
class WorkbenchLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('workbench');

  constructor(
    private readonly workbench: Workbench,
    @Inject(CONFIG) private readonly config: WorkbenchConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Cron policies fire from the API processes; the retrain request's unique cause makes several of them safe.
    // So do the reconciler's passes (each is idempotent, see Reconciler).
    if (this.config.role !== 'worker') {
      this.workbench.retrain.startScheduler();
      this.workbench.startReconciler();
    }
    if (this.config.role === 'api') return;
    await this.workbench.startWorker();
    this.logger.log(
      `worker started on the ${this.workbench.queue.kind} queue (concurrency ${this.config.concurrency})`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.workbench.close();
  }
}

@Module({})
export class AppModule {
  /**
   * The orchestrator for one role: `api` serves HTTP and queues jobs, `worker` processes jobs,
   * `all` does both. With REDIS_URL the queues are Bull queues owned by @nestjs/bull's BullModule;
   * without it, the in-process queue (role `all` only).
   */
  static forRoot(config: WorkbenchConfig, options: AppOptions): DynamicModule {
    const useBull = !!config.redisUrl;
    const logging = createStructuredLogging(options.logger === false ? 'silent' : 'info');
    const bull = { redisUrl: config.redisUrl ?? '', prefix: config.queuePrefix, ...options.bull };
    const queueProvider: Provider = useBull
      ? {
          provide: JOB_QUEUE,
          inject: QUEUE_NAMES.map((name) => getQueueToken(name)),
          useFactory: (...queues: Queue[]): JobQueue =>
            new BullJobQueue({
              ...bull,
              defaultRetry: { attempts: config.jobAttempts, backoffMs: config.jobBackoffMs },
              timeoutMs: config.queueTimeoutMs,
              queues: Object.fromEntries(QUEUE_NAMES.map((name, i) => [name, queues[i]])) as Record<QueueName, Queue>,
            }),
        }
      : { provide: JOB_QUEUE, useFactory: () => createJobQueue(config) };
    return {
      module: AppModule,
      // Global, so the feature modules' controllers and the observability module (health, metrics) get the workbench and its services.
      global: true,
      imports: [
        // ThrottlerModule provides the storage that counts failed authentications (see ApiKeyGuard).
        ThrottlerModule.forRoot(),
        logging.module,
        ObservabilityModule,
        ...(useBull
          ? [
              BullModule.forRoot(bullQueueOptions(bull)),
              BullModule.registerQueue(...QUEUE_NAMES.map((name) => ({ name }))),
            ]
          : []),
        ...(config.role === 'worker'
          ? []
          : [...FEATURE_MODULES, ...queueDashboardModules(useBull), ...webAppModules()]),
      ],
      controllers: config.role === 'worker' ? [] : [SessionController, WebRootController],
      providers: [
        { provide: CONFIG, useValue: config },
        queueProvider,
        {
          provide: Workbench,
          inject: [JOB_QUEUE],
          useFactory: (queue: JobQueue) =>
            createWorkbench(config, {
              plugins: options.plugins,
              pluginsModule: options.pluginsModule,
              queue,
              migrate: config.role !== 'worker',
              logger: logging.workbenchLogger,
            }),
        },
        ...serviceProviders,
        WorkbenchLifecycle,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ErrorsFilter },
      ],
      // Re-exported so feature modules get Metrics (the datasets controller counts ingested rows).
      exports: [CONFIG, Workbench, ...SERVICES.map(([token]) => token), ObservabilityModule],
    };
  }
}
