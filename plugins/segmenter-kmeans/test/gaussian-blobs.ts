import { gaussianBlobs } from '@workbench/plugin-sdk/testing';
import { rowMatrix, type RowMatrix } from '../src/row-matrix';
import { applyZScore, fitZScore } from '../src/z-score';

/**
 * The benchmark's matrix (8 features, 8 blobs, data seed 20240601: the SDK's `gaussianBlobs`, which
 * `tools/bench` draws its data from too), z-scored as `train()` scales it.
 */
export function benchBlobs(rows: number): RowMatrix {
  const raw = rowMatrix(gaussianBlobs({ rows, features: 8, clusters: 8, seed: 20240601 }).values, 8);
  return applyZScore(raw, fitZScore(raw));
}
