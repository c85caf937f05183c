import type { FillMethod, ModelArtifact } from '@workbench/plugin-sdk';
import type { Scaling, Standardize } from './scaling';

export const ARTIFACT_FORMAT = 'kmeans-json/1';

/**
 * The trained model as stored by the host: UTF-8 JSON. `centroids[c]` is segment c's centroid in the
 * scaled space, in the order of `features`. A z-scored model (the default, and every artifact written
 * before `standardize` existed) stores `means` and `stds`: a row x is scaled as (x[j] − means[j]) / stds[j].
 * A 'minmax' or 'none' model names its `standardize` and stores `offsets` and `scales` used the same way.
 */
export interface KMeansArtifact {
  format: typeof ARTIFACT_FORMAT;
  features: string[];
  /** Features transformed with log(1 + x) before scaling (absent in older artifacts: none). */
  logFeatures?: string[];
  /** Absent: 'zscore'. */
  standardize?: Exclude<Standardize, 'zscore'>;
  means?: number[];
  stds?: number[];
  offsets?: number[];
  scales?: number[];
  /**
   * Missing values (absent: refused): `fill` holds each feature's fill value in original units for
   * 'median', 'mean' and 'zero'; 'drop' assigns a row with missing values over the features it has.
   */
  impute?: { method: 'drop' } | { method: FillMethod; fill: number[] };
  centroids: number[][];
}

/** What `train` knows of a model, whatever its scaling. */
export interface KMeansModel {
  features: string[];
  logFeatures: string[];
  standardize: Standardize;
  scaling: Scaling;
  impute?: KMeansArtifact['impute'];
  centroids: number[][];
}

export function encodeArtifact(model: KMeansModel): ModelArtifact {
  const { features, logFeatures, standardize, scaling, impute, centroids } = model;
  // A z-scored model is written exactly as before `standardize` existed (same bytes, readable by older code).
  const scaled =
    standardize === 'zscore'
      ? { means: scaling.offsets, stds: scaling.scales }
      : { standardize, offsets: scaling.offsets, scales: scaling.scales };
  const body: KMeansArtifact = {
    format: ARTIFACT_FORMAT,
    features,
    logFeatures,
    ...scaled,
    ...(impute ? { impute } : {}),
    centroids,
  };
  return { format: ARTIFACT_FORMAT, bytes: new TextEncoder().encode(JSON.stringify(body)) };
}

/** Reads an artifact back, refusing another format or a body whose shapes do not agree. */
export function decodeArtifact(artifact: ModelArtifact): KMeansArtifact {
  if (artifact.format !== ARTIFACT_FORMAT) {
    throw new Error(`segmenter-kmeans reads '${ARTIFACT_FORMAT}' artifacts, not '${artifact.format}'`);
  }
  const body = JSON.parse(new TextDecoder().decode(artifact.bytes)) as KMeansArtifact;
  const d = body.features?.length ?? 0;
  const { offsets, scales } = artifactScaling(body);
  const wellFormed =
    body.format === ARTIFACT_FORMAT &&
    d > 0 &&
    offsets?.length === d &&
    scales?.length === d &&
    (body.impute === undefined || body.impute.method === 'drop' || body.impute.fill?.length === d) &&
    Array.isArray(body.centroids) &&
    body.centroids.length >= 1 &&
    body.centroids.every((c) => c.length === d);
  if (body.logFeatures?.some((f) => !body.features.includes(f)))
    throw new Error(`the '${ARTIFACT_FORMAT}' artifact is malformed: a log feature is not one of its features`);
  if (!wellFormed)
    throw new Error(
      `the '${ARTIFACT_FORMAT}' artifact is malformed: features, scaling, fill values and every centroid must have the same length`,
    );
  return body;
}

/** The scaling an artifact applies: its means and stds (z-score), or its offsets and scales. */
export function artifactScaling(body: KMeansArtifact): Scaling {
  return body.standardize === undefined
    ? { offsets: body.means as number[], scales: body.stds as number[] }
    : { offsets: body.offsets as number[], scales: body.scales as number[] };
}
