import type { MikroORM } from '@mikro-orm/core';
import {
  buildCustomerFeaturesYielding,
  churnCalibrationEndDay,
  FEATURE_ROWS_PER_STEP,
  churnLabelsOfTable,
  decodeFrame,
  MS_PER_DAY,
  readFrame,
  readTransactions,
  StringTable,
} from '@workbench/data';
import { DatasetVersion, type ArtifactStore } from '@workbench/persistence';
import { createFeatureFrame, numeric, type FeatureFrame, type TransactionColumns } from '@workbench/plugin-sdk';
import { describeFeatures, type FeatureView } from './dataset-features';
import type { DatasetsService } from './datasets.service';
import { InvalidRequestError } from './errors';

/** What a run trains on and what its KPIs are computed from. */
export interface RunInput {
  /** One row per customer. */
  frame: FeatureFrame;
  /**
   * The frame's ids as a binary string table: what the run's assignments store and what comparisons join on, built
   * once per input (a run and the next, or a comparison, reuse it) instead of a string map per use.
   */
  ids: StringTable;
  /** Name and version of the features in `frame`, recorded on the run. */
  featureSet: string;
  /** Numeric feature holding revenue per customer, for revenue shares. */
  revenueFeature?: string;
  /** The day features and KPIs are computed as of (epoch ms, UTC). */
  referenceDate: number;
  transactions?: TransactionColumns;
  /** The dataset's extra tables (latest version of each), by name. */
  tables: Record<string, FeatureFrame>;
}

/**
 * What runs, comparisons and retrains train on, built from a stored dataset version: a customers table as
 * it is, or a transactions table turned into per-customer features (with the dataset's customers and extra
 * tables). Built inputs are cached: versions are immutable, and a comparison or retrain reads them again.
 */
export class RunInputsService {
  private readonly inputs = new Map<string, RunInput>();

  constructor(
    private readonly orm: MikroORM,
    private readonly artifacts: ArtifactStore,
    private readonly datasets: DatasetsService,
  ) {}

  /**
   * The frame a run of this dataset version trains on. A customers table is used as it is; a
   * transactions table becomes per-customer features (rfm@1 + bgnbd@1) joined with the dataset's
   * latest customers table when it has one, and its transactions are kept for the KPIs.
   */
  async loadRunInput(version: DatasetVersion, options: { churnHorizonDays?: number } = {}): Promise<RunInput> {
    // Building features from millions of transactions takes seconds; a comparison or a retrain right after a
    // run needs the same input again. Versions are immutable, so the key names everything the input depends on.
    const datasetId = typeof version.dataset === 'object' ? version.dataset.id : (version.dataset as string);
    const others = await this.orm.em
      .fork()
      .find(DatasetVersion, { dataset: datasetId, kind: { $in: ['customers', 'table'] } }, { fields: ['id'] });
    const key = [version.id, options.churnHorizonDays ?? 0, ...others.map((v) => v.id).sort()].join(':');
    const cached = this.inputs.get(key);
    if (cached) return cached;
    const input = await this.buildRunInput(version, options);
    this.inputs.set(key, input);
    // Two inputs at most: the champion's and the candidate's (a frame of a million customers is ~100 MB).
    while (this.inputs.size > 2) this.inputs.delete(this.inputs.keys().next().value as string);
    return input;
  }

  private async buildRunInput(version: DatasetVersion, options: { churnHorizonDays?: number }): Promise<RunInput> {
    const datasetId = typeof version.dataset === 'object' ? version.dataset.id : (version.dataset as string);
    const tables = await this.tables(datasetId);
    if (version.kind === 'table')
      throw new InvalidRequestError(
        `dataset version ${version.version} is the extra table '${version.tableName}'; train on a customers or transactions version`,
      );
    if (version.kind === 'customers') {
      const stored = readFrame(await this.artifacts.get(version.artifactKey));
      const revenueFeature = version.schema.find((c) => (c as { role?: string }).role === 'revenue')?.name;
      return {
        frame: stored.frame,
        ids: stored.ids,
        featureSet: 'customer-columns/1',
        revenueFeature,
        referenceDate: version.createdAt.getTime(),
        tables,
      };
    }
    // Section by section from the store: a table of 100M rows is several GB, more than one buffer should hold.
    const reader = await this.artifacts.open(version.artifactKey);
    // Without the order ids: features and KPIs use the order indexes and their count alone (~1 GiB at 75M orders).
    const table = await readTransactions(reader, { orderIds: false }).finally(() => reader.close());
    const horizon = options.churnHorizonDays;
    // With a churn horizon, features are as of the calibration end; the label is what happened after it.
    const calibrationEndDay = horizon ? churnCalibrationEndDay(table, horizon) : undefined;
    const referenceDate = calibrationEndDay === undefined ? undefined : new Date(calibrationEndDay * MS_PER_DAY);
    const customersVersion = await this.orm.em
      .fork()
      .findOne(DatasetVersion, { dataset: datasetId, kind: 'customers' }, { orderBy: { version: 'desc' } });
    const customers = customersVersion
      ? decodeFrame(await this.artifacts.get(customersVersion.artifactKey))
      : undefined;
    // This runs in the API or worker process: it yields as it goes, so pending work (a pool's connection requests) gets its turn.
    const features = await buildCustomerFeaturesYielding(table, {
      featureSets: ['rfm', 'bgnbd'],
      customers,
      referenceDate,
    });
    let frame = features.frame;
    if (horizon && calibrationEndDay !== undefined) {
      const labels = churnLabelsOfTable(table, calibrationEndDay, horizon);
      frame = createFeatureFrame(frame.ids, {
        ...frame.columns,
        churned: numeric(frame.ids.map((id) => labels.get(id) ?? Number.NaN)),
      });
    }
    // Adding the churn label or the customers' columns keeps the rows, so the features' customer → row map holds.
    const { rowOfCustomer } = features;
    const customerRow = new Int32Array(table.rowCount);
    for (let start = 0; start < table.rowCount; start += FEATURE_ROWS_PER_STEP) {
      const end = Math.min(table.rowCount, start + FEATURE_ROWS_PER_STEP);
      for (let i = start; i < end; i++) customerRow[i] = rowOfCustomer[table.customer[i]];
      await new Promise(setImmediate);
    }
    const featureSet = [
      ...features.featureSets.map((f) => `${f.name}@${f.version}`),
      ...(customersVersion ? [`customers-v${customersVersion.version}`] : []),
      ...(horizon ? [`churned@1(${horizon}d)`] : []),
    ].join('+');
    return {
      frame,
      ids: StringTable.of(frame.ids),
      featureSet,
      revenueFeature: 'monetary',
      referenceDate: features.referenceDate.getTime(),
      tables,
      transactions: {
        customerRow,
        order: table.order.subarray(0, table.rowCount),
        timestamp: table.timestamp.subarray(0, table.rowCount),
        amount: table.amount.subarray(0, table.rowCount),
        isReturn: table.isReturn.subarray(0, table.rowCount),
      },
    };
  }

  /** The latest version of each extra table of the dataset, decoded. */
  private async tables(datasetId: string): Promise<Record<string, FeatureFrame>> {
    const versions = await this.orm.em
      .fork()
      .find(DatasetVersion, { dataset: datasetId, kind: 'table' }, { orderBy: { version: 'asc' } });
    const latest = new Map(versions.map((v) => [v.tableName as string, v]));
    const out: Record<string, FeatureFrame> = {};
    for (const [name, v] of latest) out[name] = decodeFrame(await this.artifacts.get(v.artifactKey));
    return out;
  }

  /** The features a run on this version trains on, with definitions, units and ranges. */
  async features(version: DatasetVersion): Promise<FeatureView[]> {
    return describeFeatures(version, (await this.loadRunInput(version)).frame);
  }

  /** `workbench features <dataset>`, `GET /datasets/:id/features`: of a version, by default the one a run trains on. */
  async featuresOf(
    idOrName: string,
    versionNumber?: number,
  ): Promise<{ version: DatasetVersion; features: FeatureView[] }> {
    const dataset = await this.datasets.get(idOrName);
    const version =
      versionNumber === undefined
        ? await this.datasets.latestVersion(dataset.id)
        : await this.datasets.version(dataset.id, versionNumber);
    if (version.kind === 'table')
      throw new InvalidRequestError(
        `dataset '${dataset.name}' v${version.version} is the extra table '${version.tableName}'; runs train on customers or transactions versions`,
      );
    return { version, features: await this.features(version) };
  }

  async loadFrame(version: DatasetVersion): Promise<FeatureFrame> {
    return (await this.loadRunInput(version)).frame;
  }
}
