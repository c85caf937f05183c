import type { MikroORM } from '@mikro-orm/core';
import {
  buildCustomerFeaturesYielding,
  churnCalibrationEndDay,
  FEATURE_ROWS_PER_STEP,
  churnLabelsOfTable,
  decodeFrame,
  MS_PER_DAY,
  readFrame,
  readTransactionColumns,
  readTransactions,
  StringTable,
  type TransactionRowColumns,
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
  /**
   * The transactions, by column, when asked for (`loadRunInput`'s `transactions`) and the version is a transactions
   * table: read for this call alone, never cached, so the caller may move them to a sandbox thread instead of
   * copying them (100M transactions are 2.5 GB).
   */
  transactions?: TransactionColumns;
  /** The dataset's extra tables (latest version of each), by name. */
  tables: Record<string, FeatureFrame>;
}

/** The buffers of the input's own transactions, which its caller may move to a sandbox thread (see runInSandbox). */
export function transactionBuffers(input: RunInput): ArrayBufferLike[] {
  return Object.values(input.transactions ?? {}).map((column: ArrayBufferView) => column.buffer);
}

/** A built input as cached: the features, without the transactions (re-read per call that asks for them). */
interface CachedInput {
  input: Omit<RunInput, 'transactions'>;
  /** Of a transactions version: its stored table, and the frame row of each of its customers. */
  source?: { artifactKey: string; rowOfCustomer: Int32Array };
}

/**
 * What runs, comparisons and retrains train on, built from a stored dataset version: a customers table as
 * it is, or a transactions table turned into per-customer features (with the dataset's customers and extra
 * tables). Built features are cached: versions are immutable, and a comparison or retrain reads them again.
 * The transactions are not: at 100M rows they are 2.5 GB, and each run hands its own to its sandbox thread.
 */
export class RunInputsService {
  private readonly inputs = new Map<string, CachedInput>();

  constructor(
    private readonly orm: MikroORM,
    private readonly artifacts: ArtifactStore,
    private readonly datasets: DatasetsService,
  ) {}

  /**
   * The frame a run of this dataset version trains on. A customers table is used as it is; a
   * transactions table becomes per-customer features (rfm@1 + bgnbd@1) joined with the dataset's
   * latest customers table when it has one. With `transactions`, its transactions come too, for the KPIs:
   * the caller's own (see {@link RunInput.transactions}).
   */
  async loadRunInput(
    version: DatasetVersion,
    options: { churnHorizonDays?: number; transactions?: boolean } = {},
  ): Promise<RunInput> {
    // Building features from millions of transactions takes seconds; a comparison or a retrain right after a
    // run needs the same input again. Versions are immutable, so the key names everything the input depends on.
    const datasetId = typeof version.dataset === 'object' ? version.dataset.id : (version.dataset as string);
    const others = await this.orm.em
      .fork()
      .find(DatasetVersion, { dataset: datasetId, kind: { $in: ['customers', 'table'] } }, { fields: ['id'] });
    const key = [version.id, options.churnHorizonDays ?? 0, ...others.map((v) => v.id).sort()].join(':');
    const cached = this.inputs.get(key);
    if (cached) {
      if (!options.transactions || !cached.source) return cached.input;
      return { ...cached.input, transactions: await this.transactionsOf(cached.source) };
    }
    const { transactions, ...built } = await this.buildRunInput(version, options);
    this.inputs.set(key, built);
    // Two inputs at most: the champion's and the candidate's (a frame of a million customers is ~100 MB).
    while (this.inputs.size > 2) this.inputs.delete(this.inputs.keys().next().value as string);
    // Those the build read, handed to this caller alone: another reads its own.
    return transactions ? { ...built.input, transactions } : built.input;
  }

  /** The stored table's transactions, read anew: each customer's frame row from the cached map. */
  private async transactionsOf(source: NonNullable<CachedInput['source']>): Promise<TransactionColumns> {
    const reader = await this.artifacts.open(source.artifactKey);
    const table = await readTransactionColumns(reader).finally(() => reader.close());
    return transactionColumns(table, await customerRows(table, source.rowOfCustomer));
  }

  private async buildRunInput(
    version: DatasetVersion,
    options: { churnHorizonDays?: number; transactions?: boolean },
  ): Promise<CachedInput & { transactions?: TransactionColumns }> {
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
        input: {
          frame: stored.frame,
          ids: stored.ids,
          featureSet: 'customer-columns/1',
          revenueFeature,
          referenceDate: version.createdAt.getTime(),
          tables,
        },
      };
    }
    // Section by section from the store: a table of 100M rows is several GB, more than one buffer should hold.
    const reader = await this.artifacts.open(version.artifactKey);
    // Without the order ids: features and KPIs use the order indexes and their count alone (~1 GiB at 75M orders).
    // The row columns in shared memory: the features' worker threads read them where they are.
    const table = await readTransactions(reader, { orderIds: false, shared: true }).finally(() => reader.close());
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
    const featureSet = [
      ...features.featureSets.map((f) => `${f.name}@${f.version}`),
      ...(customersVersion ? [`customers-v${customersVersion.version}`] : []),
      ...(horizon ? [`churned@1(${horizon}d)`] : []),
    ].join('+');
    return {
      input: {
        frame,
        ids: StringTable.of(frame.ids),
        featureSet,
        revenueFeature: 'monetary',
        referenceDate: features.referenceDate.getTime(),
        tables,
      },
      source: { artifactKey: version.artifactKey, rowOfCustomer },
      transactions: options.transactions
        ? transactionColumns(table, await customerRows(table, rowOfCustomer))
        : undefined,
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

/**
 * The frame row of each transaction, from its customer's (with turns for the event loop: 100M rows take a while).
 * When each customer's row is its index (every customer has one, in order: the usual case), that is the customer
 * column itself, which is the caller's own as well.
 */
async function customerRows(table: TransactionRowColumns, rowOfCustomer: Int32Array): Promise<Int32Array> {
  if (rowOfCustomer.every((row, customer) => row === customer)) return table.customer.subarray(0, table.rowCount);
  const customerRow = new Int32Array(table.rowCount);
  for (let start = 0; start < table.rowCount; start += FEATURE_ROWS_PER_STEP) {
    const end = Math.min(table.rowCount, start + FEATURE_ROWS_PER_STEP);
    for (let i = start; i < end; i++) customerRow[i] = rowOfCustomer[table.customer[i]];
    await new Promise(setImmediate);
  }
  return customerRow;
}

function transactionColumns(table: TransactionRowColumns, customerRow: Int32Array): TransactionColumns {
  return {
    customerRow,
    order: table.order.subarray(0, table.rowCount),
    timestamp: table.timestamp.subarray(0, table.rowCount),
    amount: table.amount.subarray(0, table.rowCount),
    isReturn: table.isReturn.subarray(0, table.rowCount),
  };
}
