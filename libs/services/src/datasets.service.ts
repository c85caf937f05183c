import { UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/core';
import {
  buildCustomerFeatures,
  churnCalibrationEndDay,
  churnLabelsOfTable,
  MS_PER_DAY,
  contentHash,
  decodeFrame,
  decodeTransactions,
  encodeFrame,
  encodeTransactions,
  ingestCustomersCsv,
  ingestTransactions,
  type CustomerIngestOptions,
  type CustomerTable,
  type IngestReport,
  type TransactionIngestOptions,
  type TransactionSource,
} from '@workbench/data';
import { Dataset, DatasetVersion, type ArtifactStore } from '@workbench/persistence';
import { createFeatureFrame, numeric, type FeatureFrame, type TransactionColumns } from '@workbench/plugin-sdk';
import { describeFeatures, type FeatureView } from './dataset-features';
import { InvalidRequestError, NotFoundError } from './errors';
import { noDatasetEvents, type DatasetEvents } from './events';

export interface IngestCustomersRequest extends CustomerIngestOptions {
  dataset: string;
  /** The file's bytes (decoded with `encoding`, UTF-8 by default and checked) or its text. */
  text: string | Uint8Array;
  sourceName?: string;
}

export interface IngestTransactionsRequest extends TransactionIngestOptions {
  dataset: string;
  /** A file path, the bytes, or a stream of chunks: read as a stream, never whole as text. */
  source: TransactionSource;
  sourceName?: string;
}

/** What a run trains on and what its KPIs are computed from. */
export interface RunInput {
  /** One row per customer. */
  frame: FeatureFrame;
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

export interface IngestTableRequest {
  dataset: string;
  /** Name KPI evaluators know the table by, e.g. `marketing_spend` or `survey`. */
  table: string;
  /** The file's bytes (decoded with `encoding`) or its text. */
  text: string | Uint8Array;
  sourceName?: string;
  delimiter?: string;
  policy?: 'reject' | 'skip';
  /** How the file is read: as for a customers table. */
  format?: Pick<CustomerIngestOptions, 'encoding' | 'header' | 'columns' | 'decimal' | 'thousands' | 'currency'>;
}

const TABLE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

export interface IngestResult {
  dataset: Dataset;
  version: DatasetVersion;
  /** False when the same content was uploaded before: the existing version is returned. */
  created: boolean;
  report: IngestReport;
}

const DATASET_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,99}$/;

export class DatasetsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly artifacts: ArtifactStore,
    private readonly events: DatasetEvents = noDatasetEvents,
  ) {}

  /**
   * Ingests a customers table as a new immutable version of `dataset` (created on first upload).
   * The same content again returns the version that holds it. A file that fails validation stores nothing.
   */
  async ingestCustomers(request: IngestCustomersRequest): Promise<IngestResult> {
    this.checkName(request.dataset);
    return this.storeFrameTable(request.dataset, ingestCustomersCsv(request.text, request), { kind: 'customers', sourceName: request.sourceName });
  }

  /** Stores a table read into a frame (customers, or an extra table) as a version of `dataset`. */
  private async storeFrameTable(dataset: string, table: CustomerTable, as: { kind: 'customers' | 'table'; tableName?: string; sourceName?: string }): Promise<IngestResult> {
    const bytes = encodeFrame(table.frame);
    // The bytes go first: a crash after this leaves only an unreferenced blob, never a version without data.
    const artifactKey = await this.artifacts.put(bytes);
    // An extra table's name is part of its content: the same file as `survey` and as another table are two versions.
    const hash = contentHash(as.tableName ? Buffer.concat([Buffer.from(`${as.tableName}\n`), bytes]) : bytes);
    return this.storeVersion(dataset, hash, {
      kind: as.kind,
      ...(as.tableName ? { tableName: as.tableName } : {}),
      rowCount: table.frame.rowCount,
      rejectedCount: table.report.rowsRejected,
      schema: table.schema,
      stats: { columns: table.stats },
      report: table.report as unknown as Record<string, unknown>,
      artifactKey,
      sourceName: as.sourceName ?? null,
    }, table.report);
  }

  private checkName(name: string): void {
    if (!DATASET_NAME.test(name)) {
      throw new InvalidRequestError(`dataset name '${name}' must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit`);
    }
  }

  /** Records a version of `name` holding content `hash` (created with the dataset), or returns the version that already holds it. */
  private async storeVersion(
    name: string,
    hash: string,
    fields: Pick<DatasetVersion, 'kind' | 'rowCount' | 'rejectedCount' | 'schema' | 'stats' | 'report' | 'artifactKey' | 'sourceName'> & { tableName?: string },
    report: IngestReport,
  ): Promise<IngestResult> {
    const result = await this.recordVersion(name, hash, fields, report);
    await this.events.versionStored(result.version);
    return result;
  }

  private async recordVersion(
    name: string,
    hash: string,
    fields: Pick<DatasetVersion, 'kind' | 'rowCount' | 'rejectedCount' | 'schema' | 'stats' | 'report' | 'artifactKey' | 'sourceName'> & { tableName?: string },
    report: IngestReport,
  ): Promise<IngestResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.orm.em.fork().transactional(async (em) => {
          let dataset = await em.findOne(Dataset, { name });
          if (!dataset) dataset = em.create(Dataset, { name });
          const existing = await em.findOne(DatasetVersion, { dataset, contentHash: hash });
          // The report is this upload's: the same content can come from a file with other rejected rows (or all of its problems were asked for).
          if (existing) return { dataset, version: existing, created: false, report };
          const last = await em.findOne(DatasetVersion, { dataset }, { orderBy: { version: 'desc' } });
          const version = em.create(DatasetVersion, { dataset, version: (last?.version ?? 0) + 1, contentHash: hash, ...fields });
          return { dataset, version, created: true, report };
        });
      } catch (e) {
        // Two uploads raced for the same name or version number: the loser re-reads and tries again.
        if (e instanceof UniqueConstraintViolationException && attempt < 3) continue;
        throw e;
      }
    }
  }

  /**
   * Ingests an extra table of a dataset (e.g. `marketing_spend`: channel, period, spend; `survey`:
   * customer_id, csat, nps). Rows are numbered; every column is data. Versioned like the others.
   */
  async ingestTable(request: IngestTableRequest): Promise<IngestResult> {
    this.checkName(request.dataset);
    if (!TABLE_NAME.test(request.table)) throw new InvalidRequestError(`table name '${request.table}' must be 1-64 lowercase letters, digits or _, starting with a letter`);
    const table = ingestCustomersCsv(request.text, { ...request.format, rowIds: true, delimiter: request.delimiter, policy: request.policy });
    return this.storeFrameTable(request.dataset, table, { kind: 'table', tableName: request.table, sourceName: request.sourceName });
  }

  /** The latest version of each extra table of the dataset, decoded. */
  private async tables(datasetId: string): Promise<Record<string, FeatureFrame>> {
    const versions = await this.orm.em.fork().find(DatasetVersion, { dataset: datasetId, kind: 'table' }, { orderBy: { version: 'asc' } });
    const latest = new Map(versions.map((v) => [v.tableName as string, v]));
    const out: Record<string, FeatureFrame> = {};
    for (const [name, v] of latest) out[name] = decodeFrame(await this.artifacts.get(v.artifactKey));
    return out;
  }

  /**
   * Ingests a transactions table (streamed) as a new immutable version of `dataset`; the same
   * normalised content again returns the existing version. A refused file stores nothing.
   */
  async ingestTransactions(request: IngestTransactionsRequest): Promise<IngestResult> {
    this.checkName(request.dataset);
    const { dataset: _dataset, source, sourceName: _sourceName, ...options } = request;
    const result = await ingestTransactions(source, options);
    // The encoding holds the data only (no quoting, line endings or BOM), so its hash is the content's identity
    // (what transactionsHash computes); hashing these bytes saves encoding a second copy.
    const bytes = encodeTransactions(result.table);
    const artifactKey = await this.artifacts.put(bytes);
    const report = { ...result.report, mapping: result.mapping, dateFormat: result.dateFormat };
    return this.storeVersion(request.dataset, contentHash(bytes), {
      kind: 'transactions',
      rowCount: result.table.rowCount,
      rejectedCount: result.report.rowsRejected,
      schema: Object.entries(result.mapping)
        .filter(([, column]) => column)
        .map(([role, column]) => ({ name: role, source: column as string, type: role === 'customerId' || role === 'orderId' ? 'categorical' : 'numeric' })),
      stats: result.stats as unknown as Record<string, unknown>,
      report: report as unknown as Record<string, unknown>,
      artifactKey,
      sourceName: request.sourceName ?? (typeof source === 'string' ? source : null),
    }, result.report);
  }

  /**
   * The frame a run of this dataset version trains on. A customers table is used as it is; a
   * transactions table becomes per-customer features (rfm@1 + bgnbd@1) joined with the dataset's
   * latest customers table when it has one, and its transactions are kept for the KPIs.
   */
  async loadRunInput(version: DatasetVersion, options: { churnHorizonDays?: number } = {}): Promise<RunInput> {
    // Building features from millions of transactions takes seconds; a comparison or a retrain right after a
    // run needs the same input again. Versions are immutable, so the key names everything the input depends on.
    const datasetId = typeof version.dataset === 'object' ? version.dataset.id : (version.dataset as string);
    const others = await this.orm.em.fork().find(DatasetVersion, { dataset: datasetId, kind: { $in: ['customers', 'table'] } }, { fields: ['id'] });
    const key = [version.id, options.churnHorizonDays ?? 0, ...others.map((v) => v.id).sort()].join(':');
    const cached = this.inputs.get(key);
    if (cached) return cached;
    const input = await this.buildRunInput(version, options);
    this.inputs.set(key, input);
    // Two inputs at most: the champion's and the candidate's (a frame of a million customers is ~100 MB).
    while (this.inputs.size > 2) this.inputs.delete(this.inputs.keys().next().value as string);
    return input;
  }

  private readonly inputs = new Map<string, RunInput>();

  private async buildRunInput(version: DatasetVersion, options: { churnHorizonDays?: number }): Promise<RunInput> {
    const bytes = await this.artifacts.get(version.artifactKey);
    const datasetId = typeof version.dataset === 'object' ? version.dataset.id : (version.dataset as string);
    const tables = await this.tables(datasetId);
    if (version.kind === 'table') throw new InvalidRequestError(`dataset version ${version.version} is the extra table '${version.tableName}'; train on a customers or transactions version`);
    if (version.kind === 'customers') {
      const frame = decodeFrame(bytes);
      const revenueFeature = version.schema.find((c) => (c as { role?: string }).role === 'revenue')?.name;
      return { frame, featureSet: 'customer-columns/1', revenueFeature, referenceDate: version.createdAt.getTime(), tables };
    }
    const table = decodeTransactions(bytes);
    const horizon = options.churnHorizonDays;
    // With a churn horizon, features are as of the calibration end; the label is what happened after it.
    const calibrationEndDay = horizon ? churnCalibrationEndDay(table, horizon) : undefined;
    const referenceDate = calibrationEndDay === undefined ? undefined : new Date(calibrationEndDay * MS_PER_DAY);
    const customersVersion = await this.orm.em.fork().findOne(DatasetVersion, { dataset: datasetId, kind: 'customers' }, { orderBy: { version: 'desc' } });
    const customers = customersVersion ? decodeFrame(await this.artifacts.get(customersVersion.artifactKey)) : undefined;
    const features = buildCustomerFeatures(table, { featureSets: ['rfm', 'bgnbd'], customers, referenceDate });
    let frame = features.frame;
    if (horizon && calibrationEndDay !== undefined) {
      const labels = churnLabelsOfTable(table, calibrationEndDay, horizon);
      frame = createFeatureFrame(frame.ids, { ...frame.columns, churned: numeric(frame.ids.map((id) => labels.get(id) ?? Number.NaN)) });
    }
    const rowOf = new Map(frame.ids.map((id, i) => [id, i]));
    const rowOfCustomer = Int32Array.from(table.customerIds, (id) => rowOf.get(id) ?? -1);
    const featureSet = [
      ...features.featureSets.map((f) => `${f.name}@${f.version}`),
      ...(customersVersion ? [`customers-v${customersVersion.version}`] : []),
      ...(horizon ? [`churned@1(${horizon}d)`] : []),
    ].join('+');
    return {
      frame,
      featureSet,
      revenueFeature: 'monetary',
      referenceDate: features.referenceDate.getTime(),
      tables,
      transactions: {
        customerRow: Int32Array.from(table.customer.subarray(0, table.rowCount), (c) => rowOfCustomer[c]),
        order: table.order.subarray(0, table.rowCount),
        timestamp: table.timestamp.subarray(0, table.rowCount),
        amount: table.amount.subarray(0, table.rowCount),
        isReturn: table.isReturn.subarray(0, table.rowCount),
      },
    };
  }

  async list(): Promise<Dataset[]> {
    return this.orm.em.fork().find(Dataset, {}, { orderBy: { name: 'asc' } });
  }

  async get(idOrName: string): Promise<Dataset> {
    const dataset = await this.orm.em.fork().findOne(Dataset, { $or: [{ id: idOrName }, { name: idOrName }] });
    if (!dataset) throw new NotFoundError(`dataset '${idOrName}' not found`);
    return dataset;
  }

  async versions(idOrName: string): Promise<DatasetVersion[]> {
    const dataset = await this.get(idOrName);
    return this.orm.em.fork().find(DatasetVersion, { dataset: dataset.id }, { orderBy: { version: 'asc' } });
  }

  async version(idOrName: string, version: number): Promise<DatasetVersion> {
    const dataset = await this.get(idOrName);
    const found = await this.orm.em.fork().findOne(DatasetVersion, { dataset: dataset.id, version });
    if (!found) throw new NotFoundError(`dataset '${dataset.name}' has no version ${version}`);
    return found;
  }

  /**
   * The version a model trains on by default: the latest transactions version (its features are joined
   * with the latest customers table), else the latest customers version; extra tables are never trained on.
   */
  async latestVersion(datasetId: string): Promise<DatasetVersion> {
    const em = this.orm.em.fork();
    const found =
      (await em.findOne(DatasetVersion, { dataset: datasetId, kind: 'transactions' }, { orderBy: { version: 'desc' } })) ??
      (await em.findOne(DatasetVersion, { dataset: datasetId, kind: 'customers' }, { orderBy: { version: 'desc' } }));
    if (!found) throw new NotFoundError(`dataset ${datasetId} has no version yet; upload data first`);
    return found;
  }

  /** The features a run on this version trains on, with definitions, units and ranges. */
  async features(version: DatasetVersion): Promise<FeatureView[]> {
    return describeFeatures(version, (await this.loadRunInput(version)).frame);
  }

  /** `workbench features <dataset>`, `GET /datasets/:id/features`: of a version, by default the one a run trains on. */
  async featuresOf(idOrName: string, versionNumber?: number): Promise<{ version: DatasetVersion; features: FeatureView[] }> {
    const dataset = await this.get(idOrName);
    const version = versionNumber === undefined ? await this.latestVersion(dataset.id) : await this.version(dataset.id, versionNumber);
    if (version.kind === 'table') throw new InvalidRequestError(`dataset '${dataset.name}' v${version.version} is the extra table '${version.tableName}'; runs train on customers or transactions versions`);
    return { version, features: await this.features(version) };
  }

  async loadFrame(version: DatasetVersion): Promise<FeatureFrame> {
    return (await this.loadRunInput(version)).frame;
  }
}
