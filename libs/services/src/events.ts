import type { DatasetVersion } from '@workbench/persistence';

/**
 * What the datasets service announces, for whoever reacts to it (the retrain policies). Passed to the
 * datasets service at construction, so the dependency is visible in its signature, not assigned later.
 */
export interface DatasetEvents {
  /**
   * Called after every accepted upload with the version that holds its content, new or not: the
   * retrain triggers are idempotent per version, so a re-upload or a retried ingest cannot fire twice.
   */
  versionStored(version: DatasetVersion): Promise<void>;
}

/** No one listens: a datasets service used on its own. */
export const noDatasetEvents: DatasetEvents = { versionStored: async () => undefined };
