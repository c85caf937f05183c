// What the plugin's own specs and the workspace's benchmarks reach inside segmenter-kmeans for
// (`@workbench/segmenter-kmeans/internal`). Not the plugin's contract: the host loads only the declaration in index.ts.
export {
  ARTIFACT_FORMAT,
  artifactScaling,
  decodeArtifact,
  encodeArtifact,
  type KMeansArtifact,
  type KMeansModel,
} from './artifact';
export {
  assignNearest,
  clusterMeans,
  fitKMeans,
  inertia,
  toRowArrays,
  type KMeansFit,
  type KMeansFitOptions,
} from './kmeans-fit';
export { fitFastKMeans, localTrials, type FastKMeansOptions } from './fast-kmeans';
export {
  AUTO_ROWS_PER_THREAD,
  CHUNK_ROWS,
  effectiveThreads,
  KMeansThreads,
  MIN_ROWS_PER_THREAD,
} from './kmeans-threads';
export {
  KMEANS_ENGINES,
  KMeansParams,
  MAX_K,
  MAX_THREADS,
  restartsFor,
  SMALL_DATA_RESTARTS,
  SMALL_DATA_ROWS,
  type KMeansEngine,
} from './kmeans-params';
export { applyScaling, fitScaling, STANDARDIZE_METHODS, type Scaling, type Standardize } from './scaling';
export { rowMatrix, squaredDistance, type RowMatrix } from './row-matrix';
export { sampledSilhouette, silhouette, silhouetteSampleRows } from './silhouette';
export { assignKMeans, candidateKs, canonicalOrder, fitSeed, resolveFeatures, trainKMeans } from './train';
export { applyZScore, fitZScore, type ZScore } from './z-score';
