import type { EntityManager } from '@mikro-orm/core';
import { DatasetVersion, Run, Scoring } from '../entities';

/**
 * Every artifact key a row references: dataset versions' content, runs' models and assignments, scorings'
 * results and errors. The one list of the columns that point into the artifact store: an artifact none of
 * them names is garbage once its grace period is over (see `ArtifactCollector` in the services).
 */
export async function referencedArtifactKeys(em: EntityManager): Promise<Set<string>> {
  const keys = new Set<string>();
  const add = (key: string | null | undefined) => {
    if (key) keys.add(key);
  };
  for (const v of await em.find(DatasetVersion, {}, { fields: ['artifactKey'] })) add(v.artifactKey);
  for (const r of await em.find(
    Run,
    { $or: [{ modelArtifactKey: { $ne: null } }, { assignmentsArtifactKey: { $ne: null } }] },
    { fields: ['modelArtifactKey', 'assignmentsArtifactKey'] },
  )) {
    add(r.modelArtifactKey);
    add(r.assignmentsArtifactKey);
  }
  for (const s of await em.find(
    Scoring,
    { $or: [{ resultArtifactKey: { $ne: null } }, { errorsArtifactKey: { $ne: null } }] },
    { fields: ['resultArtifactKey', 'errorsArtifactKey'] },
  )) {
    add(s.resultArtifactKey);
    add(s.errorsArtifactKey);
  }
  return keys;
}
