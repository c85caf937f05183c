import { seededRandom } from '@workbench/plugin-sdk';
import { rowMatrix, type RowMatrix } from '../src/row-matrix';
import { applyZScore, fitZScore } from '../src/z-score';

/**
 * The benchmark's data, for tests: seeded isotropic gaussian blobs like sklearn's `make_blobs` (centres
 * uniform in [−10, 10] per feature, std 1, Box–Muller over the SDK's mulberry32). The same algorithm,
 * draw for draw, as `tools/bench/src/synthetic-blobs.ts` (a plugin may not import a tool), so
 * `benchBlobs(100_000)` is the bench's 100k-row matrix, z-scored as `train()` scales it.
 */
export function gaussianBlobs(rows: number, features: number, clusters: number, seed: number): Float64Array {
  const rand = seededRandom(seed);
  let spare: number | null = null;
  const normal = (): number => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - rand()));
    const angle = 2 * Math.PI * rand();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
  const centers = new Float64Array(clusters * features);
  for (let i = 0; i < centers.length; i++) centers[i] = (2 * rand() - 1) * 10;
  const values = new Float64Array(rows * features);
  for (let i = 0; i < rows; i++) {
    const c = Math.floor(rand() * clusters);
    for (let j = 0; j < features; j++) values[i * features + j] = centers[c * features + j] + normal();
  }
  return values;
}

/** The benchmark's matrix (8 features, 8 blobs, data seed 20240601), z-scored. */
export function benchBlobs(rows: number): RowMatrix {
  const raw = rowMatrix(gaussianBlobs(rows, 8, 8, 20240601), 8);
  return applyZScore(raw, fitZScore(raw));
}
