import type { ModelArtifact } from '@workbench/plugin-sdk';

export const ARTIFACT_FORMAT = 'kmeans-json/1';

/**
 * The trained model as stored by the host: UTF-8 JSON. `centroids[c]` is segment c's centroid in z-score
 * units, in the order of `features`; a row x is scaled as (x[j] − means[j]) / stds[j].
 */
export interface KMeansArtifact {
  format: typeof ARTIFACT_FORMAT;
  features: string[];
  /** Features transformed with log(1 + x) before scaling (absent in older artifacts: none). */
  logFeatures?: string[];
  means: number[];
  stds: number[];
  centroids: number[][];
}

export function encodeArtifact(model: Omit<KMeansArtifact, 'format'>): ModelArtifact {
  const body: KMeansArtifact = { format: ARTIFACT_FORMAT, ...model };
  return { format: ARTIFACT_FORMAT, bytes: new TextEncoder().encode(JSON.stringify(body)) };
}

/** Reads an artifact back, refusing another format or a body whose shapes do not agree. */
export function decodeArtifact(artifact: ModelArtifact): KMeansArtifact {
  if (artifact.format !== ARTIFACT_FORMAT) {
    throw new Error(`segmenter-kmeans reads '${ARTIFACT_FORMAT}' artifacts, not '${artifact.format}'`);
  }
  const body = JSON.parse(new TextDecoder().decode(artifact.bytes)) as KMeansArtifact;
  const d = body.features?.length ?? 0;
  const wellFormed =
    body.format === ARTIFACT_FORMAT &&
    d > 0 &&
    body.means?.length === d &&
    body.stds?.length === d &&
    Array.isArray(body.centroids) &&
    body.centroids.length >= 1 &&
    body.centroids.every((c) => c.length === d);
  if (body.logFeatures?.some((f) => !body.features.includes(f))) throw new Error(`the '${ARTIFACT_FORMAT}' artifact is malformed: a log feature is not one of its features`);
  if (!wellFormed) throw new Error(`the '${ARTIFACT_FORMAT}' artifact is malformed: features, means, stds and every centroid must have the same length`);
  return body;
}
