import type { MikroORM } from '@mikro-orm/core';
import { instanceToPlain } from 'class-transformer';
import { Run, Segmentation, type DatasetVersion } from '@workbench/persistence';
import { UnknownPluginError } from '@workbench/engine';
import type { DatasetsService } from './datasets.service';
import type { RunInputsService } from './run-inputs.service';
import type { PluginsService } from './plugins.service';
import { checkLogFeatures } from './dataset-features';
import { ConflictError, InvalidRequestError, NotFoundError, validateRequestParams } from './errors';
import { checkPluginLimits, DEFAULT_PLUGIN_LIMIT_CAPS, type PluginLimitCaps, type PluginLimits } from './plugin-limits';

export interface CreateSegmentationRequest {
  name: string;
  description?: string;
  plugin: string;
  /** Raw params for the plugin; validated against its params class now and again in the worker. */
  params?: Record<string, unknown>;
  /** Dataset id or name the segmentation trains on (its latest version unless a run names one). */
  dataset: string;
  /**
   * KPI evaluators run after each training, e.g. `[{ plugin: 'kpi-standard' }]`; their params are validated now.
   * Absent: kpi-standard and kpi-clv on a transactions dataset, none on a customers table (see defaultKpis).
   */
  kpis?: { plugin: string; params?: Record<string, unknown> }[];
  /** Time and memory its plugins may take per run (defaults 300 s and 2048 MiB), within the server's caps. */
  limits?: PluginLimits;
  /** Derive a `churned` label from the dataset's transactions: no purchase in the last N days (see Segmentation.target). */
  churnHorizonDays?: number;
}

/** What a segmentation on transactions evaluates unless told otherwise. */
export const DEFAULT_TRANSACTION_KPIS = ['kpi-standard', 'kpi-clv'];

export class SegmentationsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly plugins: PluginsService,
    private readonly datasets: DatasetsService,
    private readonly runInputs: RunInputsService,
    private readonly limitCaps: PluginLimitCaps = DEFAULT_PLUGIN_LIMIT_CAPS,
  ) {}

  async create(request: CreateSegmentationRequest): Promise<Segmentation> {
    const model = await this.plugins.segmentationModel(request.plugin).catch((e: Error) => {
      throw e instanceof UnknownPluginError ? InvalidRequestError.at('plugin', e.message) : e;
    });
    const params = validateRequestParams(model.manifest.name, model.manifest.params, request.params ?? {}, 'params');
    const dataset = await this.datasets.get(request.dataset);
    // A dataset may have no version yet; then there is nothing to check the params against or to choose defaults by.
    const latest = await this.datasets.latestVersion(dataset.id).catch((e: Error) => {
      if (e instanceof NotFoundError) return null;
      throw e;
    });
    const kpis = [];
    for (const [i, k] of (request.kpis ?? this.defaultKpis(latest)).entries()) {
      const evaluator = await this.plugins.kpiEvaluator(k.plugin).catch((e: Error) => {
        throw InvalidRequestError.at(`kpis.${i}.plugin`, `kpis.${i}.plugin: ${e.message}`);
      });
      const kpiParams = validateRequestParams(
        evaluator.manifest.name,
        evaluator.manifest.params,
        k.params ?? {},
        `kpis.${i}.params`,
      );
      kpis.push({ plugin: evaluator.manifest.name, params: instanceToPlain(kpiParams) as Record<string, unknown> });
    }
    if (
      request.churnHorizonDays !== undefined &&
      !(Number.isInteger(request.churnHorizonDays) && request.churnHorizonDays >= 1 && request.churnHorizonDays <= 3650)
    ) {
      throw InvalidRequestError.at(
        'churnHorizonDays',
        `churnHorizonDays ${request.churnHorizonDays} must be a whole number of days from 1 to 3650`,
      );
    }
    const limits = checkPluginLimits(request.limits, this.limitCaps);
    const plain = instanceToPlain(params) as Record<string, unknown>;
    // Refused now rather than at the first run, when the data already shows it.
    if (latest)
      checkLogFeatures(plain, await this.runInputs.features(latest), `dataset '${dataset.name}' v${latest.version}`);
    const em = this.orm.em.fork();
    if (await em.findOne(Segmentation, { name: request.name })) {
      const message = `a segmentation named '${request.name}' already exists; pick another name or add runs to it`;
      throw new ConflictError(message, [{ field: 'name', message }]);
    }
    const segmentation = em.create(Segmentation, {
      name: request.name,
      description: request.description ?? null,
      pluginName: model.manifest.name,
      params: plain,
      features: Array.isArray(plain.features) ? (plain.features as string[]) : [],
      kpis,
      target: request.churnHorizonDays ? { churnHorizonDays: request.churnHorizonDays } : null,
      limits,
      dataset,
    });
    await em.flush();
    return segmentation;
  }

  /**
   * KPI evaluators of a segmentation that names none: on transactions, the standard KPIs and CLV (whichever of
   * them is registered); a customers table alone has no orders to compute them from. `kpis: []` asks for none.
   */
  defaultKpis(version: DatasetVersion | null): NonNullable<CreateSegmentationRequest['kpis']> {
    if (version?.kind !== 'transactions') return [];
    return DEFAULT_TRANSACTION_KPIS.filter((plugin) => this.plugins.registry.has(plugin)).map((plugin) => ({ plugin }));
  }

  /** Returns the segmentation with that name, creating it when absent (the CLI demo's path). */
  async ensure(request: CreateSegmentationRequest): Promise<Segmentation> {
    const existing = await this.orm.em.fork().findOne(Segmentation, { name: request.name });
    return existing ?? this.create(request);
  }

  async get(idOrName: string): Promise<Segmentation> {
    const found = await this.orm.em
      .fork()
      .findOne(Segmentation, { $or: [{ id: idOrName }, { name: idOrName }] }, { populate: ['dataset'] });
    if (!found) throw new NotFoundError(`segmentation '${idOrName}' not found`);
    return found;
  }

  async list(): Promise<Segmentation[]> {
    return this.orm.em.fork().find(Segmentation, {}, { orderBy: { createdAt: 'asc' }, populate: ['dataset'] });
  }

  async runs(idOrName: string): Promise<Run[]> {
    const segmentation = await this.get(idOrName);
    return this.orm.em
      .fork()
      .find(
        Run,
        { segmentation: segmentation.id },
        { orderBy: { version: 'asc' }, populate: ['segmentation', 'datasetVersion', 'datasetVersion.dataset'] },
      );
  }
}
