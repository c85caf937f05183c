import { stat } from 'node:fs/promises';
import { UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/core';
import {
  contentHash,
  encodeFrame,
  encodeTransactionParts,
  IngestError,
  ingestCustomersCsv,
  ingestTransactions,
  transactionStats,
  type CustomerIngestOptions,
  type CustomerTable,
  type IngestReport,
  type TransactionIngestOptions,
  type TransactionSource,
} from '@workbench/data';
import type { LiveEvents } from '@workbench/jobs';
import { Dataset, DatasetVersion, type ArtifactStore } from '@workbench/persistence';
import { InvalidRequestError, NotFoundError } from './errors';
import { noDatasetEvents, type DatasetEvents } from './events';

/** An upload the client follows on `GET /events/stream`: its `ingest` events carry this id. */
interface Followed {
  /** The client's id for this upload; without it no progress is published. */
  uploadId?: string;
}

export interface IngestCustomersRequest extends CustomerIngestOptions, Followed {
  dataset: string;
  /** The file's bytes (decoded with `encoding`, UTF-8 by default and checked) or its text. */
  text: string | Uint8Array;
  sourceName?: string;
}

export interface IngestTransactionsRequest extends TransactionIngestOptions, Followed {
  dataset: string;
  /** A file path, the bytes, or a stream of chunks: read as a stream, never whole as text. */
  source: TransactionSource;
  sourceName?: string;
}

export interface IngestTableRequest extends Followed {
  dataset: string;
  /** Name KPI evaluators know the table by, e.g. `marketing_spend` or `survey`. */
  table: string;
  /** The file's bytes (decoded with `encoding`) or its text. */
  text: string | Uint8Array;
  sourceName?: string;
  delimiter?: string;
  policy?: 'reject' | 'skip';
  /** How many row problems the report keeps (all are counted). Default 100. */
  maxProblems?: number;
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

/** Least time between two `ingest` events of one upload: a progress bar needs a few a second, not one per chunk. */
export const INGEST_EVENT_MS = 200;

/**
 * The `ingest` events of one upload: `read` publishes progress at most every {@link INGEST_EVENT_MS}
 * (`fraction` of `totalBytes` read), `done` always publishes the last one (fraction 1, every row read, kept or
 * not), whether the file was stored or refused.
 */
export function ingestProgress(
  live: Pick<LiveEvents, 'publish'> | null,
  uploadId: string | undefined,
  totalBytes: number,
) {
  let last = Number.NEGATIVE_INFINITY;
  const publish = (fraction: number, rows: number) =>
    uploadId && live?.publish({ type: 'ingest', uploadId, fraction, rows });
  return {
    read: ({ bytes, rows }: { bytes: number; rows: number }) => {
      const now = Date.now();
      if (now - last < INGEST_EVENT_MS) return;
      last = now;
      publish(totalBytes > 0 ? Math.min(1, bytes / totalBytes) : 0, rows);
    },
    done: (rows: number) => publish(1, rows),
  };
}

/** Runs an ingest, announcing its end (rows read, stored or refused) to the upload's followers. */
async function announced<T extends { report: IngestReport }>(
  progress: ReturnType<typeof ingestProgress>,
  ingest: () => Promise<T> | T,
): Promise<T> {
  try {
    const result = await ingest();
    progress.done(result.report.rowsRead);
    return result;
  } catch (e) {
    progress.done(e instanceof IngestError ? (e.report?.rowsRead ?? 0) : 0);
    throw e;
  }
}

export class DatasetsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly artifacts: ArtifactStore,
    private readonly events: DatasetEvents = noDatasetEvents,
    /** Where the progress of an upload with an `uploadId` is published (`ingest` events); null: nowhere. */
    private readonly live: Pick<LiveEvents, 'publish'> | null = null,
  ) {}

  /**
   * Ingests a customers table as a new immutable version of `dataset` (created on first upload).
   * The same content again returns the version that holds it. A file that fails validation stores nothing.
   */
  async ingestCustomers(request: IngestCustomersRequest): Promise<IngestResult> {
    this.checkName(request.dataset);
    const progress = ingestProgress(this.live, request.uploadId, request.text.length);
    const table = await announced(progress, () => ingestCustomersCsv(request.text, request));
    return this.storeFrameTable(request.dataset, table, {
      kind: 'customers',
      sourceName: request.sourceName,
    });
  }

  /** Stores a table read into a frame (customers, or an extra table) as a version of `dataset`. */
  private async storeFrameTable(
    dataset: string,
    table: CustomerTable,
    as: { kind: 'customers' | 'table'; tableName?: string; sourceName?: string },
  ): Promise<IngestResult> {
    const bytes = encodeFrame(table.frame);
    // The bytes go first: a crash after this leaves only an unreferenced blob, never a version without data.
    const artifactKey = await this.artifacts.put(bytes);
    // An extra table's name is part of its content: the same file as `survey` and as another table are two versions.
    const hash = contentHash(as.tableName ? Buffer.concat([Buffer.from(`${as.tableName}\n`), bytes]) : bytes);
    return this.storeVersion(
      dataset,
      hash,
      {
        kind: as.kind,
        ...(as.tableName ? { tableName: as.tableName } : {}),
        rowCount: table.frame.rowCount,
        rejectedCount: table.report.rowsRejected,
        schema: table.schema,
        stats: { columns: table.stats },
        report: table.report as unknown as Record<string, unknown>,
        artifactKey,
        sourceName: as.sourceName ?? null,
      },
      table.report,
    );
  }

  private checkName(name: string): void {
    if (!DATASET_NAME.test(name)) {
      throw new InvalidRequestError(
        `dataset name '${name}' must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit`,
      );
    }
  }

  /** Records a version of `name` holding content `hash` (created with the dataset), or returns the version that already holds it. */
  private async storeVersion(
    name: string,
    hash: string,
    fields: Pick<
      DatasetVersion,
      'kind' | 'rowCount' | 'rejectedCount' | 'schema' | 'stats' | 'report' | 'artifactKey' | 'sourceName'
    > & { tableName?: string },
    report: IngestReport,
  ): Promise<IngestResult> {
    const result = await this.recordVersion(name, hash, fields, report);
    await this.events.versionStored(result.version);
    return result;
  }

  private async recordVersion(
    name: string,
    hash: string,
    fields: Pick<
      DatasetVersion,
      'kind' | 'rowCount' | 'rejectedCount' | 'schema' | 'stats' | 'report' | 'artifactKey' | 'sourceName'
    > & { tableName?: string },
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
          const version = em.create(DatasetVersion, {
            dataset,
            version: (last?.version ?? 0) + 1,
            contentHash: hash,
            ...fields,
          });
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
    if (!TABLE_NAME.test(request.table))
      throw new InvalidRequestError(
        `table name '${request.table}' must be 1-64 lowercase letters, digits or _, starting with a letter`,
      );
    const progress = ingestProgress(this.live, request.uploadId, request.text.length);
    const table = await announced(progress, () =>
      ingestCustomersCsv(request.text, {
        ...request.format,
        rowIds: true,
        delimiter: request.delimiter,
        policy: request.policy,
        maxProblems: request.maxProblems,
      }),
    );
    return this.storeFrameTable(request.dataset, table, {
      kind: 'table',
      tableName: request.table,
      sourceName: request.sourceName,
    });
  }

  /**
   * Ingests a transactions table (streamed) as a new immutable version of `dataset`; the same
   * normalised content again returns the existing version. A refused file stores nothing.
   */
  async ingestTransactions(request: IngestTransactionsRequest): Promise<IngestResult> {
    this.checkName(request.dataset);
    const { dataset: _dataset, source, sourceName: _sourceName, uploadId, ...options } = request;
    const size =
      typeof source === 'string'
        ? ((await stat(source).catch(() => null))?.size ?? 0)
        : source instanceof Uint8Array
          ? source.length
          : 0;
    const progress = ingestProgress(this.live, uploadId, size);
    const result = await announced(progress, () =>
      ingestTransactions(source, {
        ...options,
        onProgress: (read) => {
          options.onProgress?.(read);
          progress.read(read);
        },
      }),
    );
    // The encoding holds the data only (no quoting, line endings or BOM), so its hash is the content's identity
    // (what transactionsHash computes), and the artifact key is that hash. Stored from its parts: the encoded
    // table never exists as one buffer. The stats (for the version row) are computed while its writes are in flight:
    // this thread would only wait for them.
    const [artifactKey, stats] = await Promise.all([
      this.artifacts.put(encodeTransactionParts(result.table)),
      transactionStats(result.table),
    ]);
    const report = { ...result.report, mapping: result.mapping, dateFormat: result.dateFormat };
    return this.storeVersion(
      request.dataset,
      artifactKey,
      {
        kind: 'transactions',
        rowCount: result.table.rowCount,
        rejectedCount: result.report.rowsRejected,
        schema: Object.entries(result.mapping)
          .filter(([, column]) => column)
          .map(([role, column]) => ({
            name: role,
            source: column as string,
            type: role === 'customerId' || role === 'orderId' ? 'categorical' : 'numeric',
          })),
        stats: stats as unknown as Record<string, unknown>,
        report: report as unknown as Record<string, unknown>,
        artifactKey,
        sourceName: request.sourceName ?? (typeof source === 'string' ? source : null),
      },
      result.report,
    );
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
      (await em.findOne(
        DatasetVersion,
        { dataset: datasetId, kind: 'transactions' },
        { orderBy: { version: 'desc' } },
      )) ??
      (await em.findOne(DatasetVersion, { dataset: datasetId, kind: 'customers' }, { orderBy: { version: 'desc' } }));
    if (!found) throw new NotFoundError(`dataset ${datasetId} has no version yet; upload data first`);
    return found;
  }
}
