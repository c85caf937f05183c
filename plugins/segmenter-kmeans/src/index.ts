import { defineSegmentationModel } from '@workbench/plugin-sdk';
import { ARTIFACT_FORMAT } from './artifact';
import { KMeansParams } from './kmeans-params';
import { assignKMeans, PLUGIN_NAME, trainKMeans } from './train';

/** k-means on z-scored numeric features, with k given or chosen by silhouette. */
export default defineSegmentationModel<KMeansParams>({
  contractVersion: 1,
  manifest: {
    name: PLUGIN_NAME,
    version: '1.0.0',
    kind: 'segmenter',
    sdk: '^1.0.0',
    description:
      'k-means (seeded greedy k-means++, Hamerly-accelerated Lloyd on worker threads) on standardised (z-score by default, min-max or none) numeric features; k is given or chosen over kMin..kMax by the best silhouette',
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
