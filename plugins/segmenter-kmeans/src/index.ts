import { defineSegmentationModel } from '@workbench/plugin-sdk';
import { ARTIFACT_FORMAT } from './artifact';
import { KMeansParams } from './kmeans-params';
import { assignKMeans, PLUGIN_NAME, trainKMeans } from './train';

export { ARTIFACT_FORMAT, artifactScaling, decodeArtifact, encodeArtifact, type KMeansArtifact, type KMeansModel } from './artifact';
export { assignNearest, clusterMeans, fitKMeans, inertia, toRowArrays, type KMeansFit, type KMeansFitOptions } from './kmeans-fit';
export { fitFastKMeans, localTrials, type FastKMeansOptions } from './fast-kmeans';
export { AUTO_ROWS_PER_THREAD, CHUNK_ROWS, effectiveThreads, KMeansThreads, MIN_ROWS_PER_THREAD } from './kmeans-threads';
export { KMEANS_ENGINES, KMeansParams, MAX_K, MAX_THREADS, restartsFor, SMALL_DATA_RESTARTS, SMALL_DATA_ROWS, type KMeansEngine } from './kmeans-params';
export { applyScaling, fitScaling, STANDARDIZE_METHODS, type Scaling, type Standardize } from './scaling';
export { rowMatrix, squaredDistance, type RowMatrix } from './row-matrix';
export { sampledSilhouette, silhouette, silhouetteSampleRows } from './silhouette';
export { assignKMeans, candidateKs, canonicalOrder, fitSeed, resolveFeatures, trainKMeans } from './train';
export { applyZScore, fitZScore, type ZScore } from './z-score';

/** k-means on z-scored numeric features, with k given or chosen by silhouette. */
export default defineSegmentationModel<KMeansParams>({
  contractVersion: 1,
  manifest: {
    name: PLUGIN_NAME,
    version: '1.0.0',
    kind: 'segmenter',
    sdk: '^1.0.0',
    description: 'k-means (seeded greedy k-means++, Hamerly-accelerated Lloyd on worker threads) on standardised (z-score by default, min-max or none) numeric features; k is given or chosen over kMin..kMax by the best silhouette',
    params: KMeansParams,
    requires: [],
    artifactFormat: ARTIFACT_FORMAT,
    producesScores: false,
    examples: [
      { features: ['annual_income', 'spending_score'], k: 5, nInit: 10 },
      { features: ['recency_days', 'frequency', 'monetary'], kMin: 2, kMax: 8 },
      {},
    ],
  },
  train: ({ params, frame }, ctx) => trainKMeans(params, frame, ctx),
  assign: (artifact, frame, ctx) => assignKMeans(artifact, frame, ctx),
});
