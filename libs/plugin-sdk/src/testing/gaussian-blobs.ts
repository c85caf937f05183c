import { seededRandom } from '../random';

export interface BlobsOptions {
  rows: number;
  features: number;
  clusters: number;
  seed: number;
  /** Centres are drawn uniformly from [−boxHalfWidth, boxHalfWidth] per feature (sklearn's make_blobs uses 10). */
  boxHalfWidth?: number;
  /** Standard deviation of each blob along every feature (make_blobs' cluster_std, default 1). */
  spread?: number;
}

/** Gaussian blobs with known structure: a row-major `rows × features` matrix, its true labels and centres. */
export interface Blobs {
  values: Float64Array;
  labels: Int32Array;
  centers: Float64Array;
  rows: number;
  features: number;
}

/**
 * Seeded isotropic gaussian blobs, like sklearn's `make_blobs`: each row picks a cluster uniformly and
 * adds N(0, spread²) noise per feature to its centre. Normal deviates come from the Box–Muller transform
 * over the SDK's mulberry32, so the same options give the same bytes on every machine.
 */
export function gaussianBlobs(options: BlobsOptions): Blobs {
  const { rows, features, clusters, seed } = options;
  const boxHalfWidth = options.boxHalfWidth ?? 10;
  const spread = options.spread ?? 1;
  const rand = seededRandom(seed);
  let spare: number | null = null;
  const normal = (): number => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    // Box–Muller: two uniforms give two independent standard normals; 1 − u avoids log(0).
    const radius = Math.sqrt(-2 * Math.log(1 - rand()));
    const angle = 2 * Math.PI * rand();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };

  const centers = new Float64Array(clusters * features);
  for (let i = 0; i < centers.length; i++) centers[i] = (2 * rand() - 1) * boxHalfWidth;
  const values = new Float64Array(rows * features);
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const c = Math.floor(rand() * clusters);
    labels[i] = c;
    for (let j = 0; j < features; j++) values[i * features + j] = centers[c * features + j] + spread * normal();
  }
  return { values, labels, centers, rows, features };
}
