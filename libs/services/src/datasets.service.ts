import { UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/core';
import { contentHash, decodeFrame, encodeFrame, ingestCustomersCsv, type CustomerIngestOptions, type IngestReport } from '@workbench/data';
import { Dataset, DatasetVersion, type ArtifactStore } from '@workbench/persistence';
import type { FeatureFrame } from '@workbench/plugin-sdk';
import { InvalidRequestError, NotFoundError } from './errors';

export interface IngestCustomersRequest extends CustomerIngestOptions {
  dataset: string;
  text: string;
  sourceName?: string;
}

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
  ) {}

  /**
   * Ingests a customers table as a new immutable version of `dataset` (created on first upload).
   * The same content again returns the version that holds it. A file that fails validation stores nothing.
   */
  async ingestCustomers(request: IngestCustomersRequest): Promise<IngestResult> {
    if (!DATASET_NAME.test(request.dataset)) {
      throw new InvalidRequestError(`dataset name '${request.dataset}' must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit`);
    }
    const table = ingestCustomersCsv(request.text, request);
    const bytes = encodeFrame(table.frame);
    const hash = contentHash(bytes);
    // The bytes go first: a crash after this leaves only an unreferenced blob, never a version without data.
    const artifactKey = await this.artifacts.put(bytes);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.orm.em.fork().transactional(async (em) => {
          let dataset = await em.findOne(Dataset, { name: request.dataset });
          if (!dataset) dataset = em.create(Dataset, { name: request.dataset });
          const existing = await em.findOne(DatasetVersion, { dataset, contentHash: hash });
          if (existing) return { dataset, version: existing, created: false, report: existing.report as unknown as IngestReport };
          const last = await em.findOne(DatasetVersion, { dataset }, { orderBy: { version: 'desc' } });
          const version = em.create(DatasetVersion, {
            dataset,
            version: (last?.version ?? 0) + 1,
            contentHash: hash,
            kind: 'customers',
            rowCount: table.frame.rowCount,
            rejectedCount: table.report.rowsRejected,
            schema: table.schema,
            stats: { columns: table.stats },
            report: table.report as unknown as Record<string, unknown>,
            artifactKey,
            sourceName: request.sourceName ?? null,
          });
          return { dataset, version, created: true, report: table.report };
        });
      } catch (e) {
        // Two uploads raced for the same name or version number: the loser re-reads and tries again.
        if (e instanceof UniqueConstraintViolationException && attempt < 3) continue;
        throw e;
      }
    }
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

  async latestVersion(datasetId: string): Promise<DatasetVersion> {
    const found = await this.orm.em.fork().findOne(DatasetVersion, { dataset: datasetId }, { orderBy: { version: 'desc' } });
    if (!found) throw new NotFoundError(`dataset ${datasetId} has no version yet; upload data first`);
    return found;
  }

  async loadFrame(version: DatasetVersion): Promise<FeatureFrame> {
    return decodeFrame(await this.artifacts.get(version.artifactKey));
  }
}
