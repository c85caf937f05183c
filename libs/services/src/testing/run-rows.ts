import type { EntityManager } from '@mikro-orm/core';
import { Dataset, DatasetVersion, Run, Segmentation, type RunStatus } from '@workbench/persistence';

/** The rows a run points at, without data behind them: a dataset, a version of it and a segmentation of plugin `p`. */
export interface RunParents {
  version: DatasetVersion;
  segmentation: Segmentation;
}

/**
 * {@link RunParents} of a version of `rowCount` customers whose artifact does not exist: for specs of what is stored
 * about runs (assignment rows, paging, heartbeats), which need run rows but train nothing. Flush `em` to store them.
 */
export function runParents(em: EntityManager, rowCount: number): RunParents {
  const dataset = em.create(Dataset, { name: 'd' });
  const version = em.create(DatasetVersion, {
    dataset,
    version: 1,
    contentHash: 'h',
    kind: 'customers',
    rowCount,
    rejectedCount: 0,
    schema: [],
    stats: {},
    report: {},
    artifactKey: 'k',
  });
  const segmentation = em.create(Segmentation, { name: 's', pluginName: 'p', params: {}, features: [], dataset });
  return { version, segmentation };
}

/** A run row of the parents' segmentation (plugin `p` 1.0.0, no params, seed 1) with `fields` on top. */
export function runRow(
  em: EntityManager,
  parents: RunParents,
  fields: { version: number; status: RunStatus; finishedAt?: Date; assignmentsArtifactKey?: string },
): Run {
  return em.create(Run, {
    segmentation: parents.segmentation,
    datasetVersion: parents.version,
    pluginName: 'p',
    pluginVersion: '1.0.0',
    params: {},
    seed: 1,
    ...fields,
  });
}
