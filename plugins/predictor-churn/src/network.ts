import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '@workbench/plugin-sdk';
import type { ModelKind } from './churn-params';

export interface NetworkSpec {
  kind: ModelKind;
  inputWidth: number;
  /** Hidden layer sizes (empty for 'logistic'). */
  hiddenUnits: number[];
  l2: number;
  /** Seed of the weight initialisers; each layer gets its own seed drawn from it. */
  seed: number;
}

/**
 * The network: 'logistic' is one sigmoid unit (logistic regression); 'mlp' puts ReLU hidden layers
 * before it. Kernels start Glorot-uniform from a seed, biases at zero; kernels carry an L2 penalty.
 * Layers and the model are named explicitly: tfjs would otherwise number them per process
 * ('dense_Dense3'), and the same seed would then save different bytes.
 */
export function buildNetwork(spec: NetworkSpec): tf.Sequential {
  const rand = seededRandom(spec.seed);
  const layerSeed = () => Math.floor(rand() * 0x7fffffff);
  const regularizer = () => (spec.l2 > 0 ? tf.regularizers.l2({ l2: spec.l2 }) : undefined);
  const hidden = spec.kind === 'mlp' ? spec.hiddenUnits : [];
  const layers: tf.layers.Layer[] = hidden.map((units, i) =>
    tf.layers.dense({
      name: `hidden_${i + 1}`,
      units,
      activation: 'relu',
      ...(i === 0 ? { inputShape: [spec.inputWidth] } : {}),
      kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed() }),
      biasInitializer: 'zeros',
      kernelRegularizer: regularizer(),
    }),
  );
  layers.push(
    tf.layers.dense({
      name: 'churn_probability',
      units: 1,
      activation: 'sigmoid',
      ...(hidden.length === 0 ? { inputShape: [spec.inputWidth] } : {}),
      kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed() }),
      biasInitializer: 'zeros',
      kernelRegularizer: regularizer(),
    }),
  );
  return tf.sequential({ name: `churn_${spec.kind}`, layers });
}

/** Number of trainable weights (kernels and biases). */
export function countParameters(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

/**
 * Churn probability per row, scored in one batch (`predict` with batchSize = rows, so a frame is one
 * forward pass), as float64. `x` is row-major `rows × width`.
 */
export async function predictProbabilities(
  model: tf.LayersModel,
  x: Float32Array,
  rows: number,
  width: number,
): Promise<Float64Array> {
  if (rows === 0) return new Float64Array(0);
  const output = tf.tidy(() => model.predict(tf.tensor2d(x, [rows, width]), { batchSize: rows }) as tf.Tensor);
  try {
    return Float64Array.from(await output.data());
  } finally {
    output.dispose();
  }
}

/** The model's weights in save order (per layer: kernel row-major, then bias) as one vector: θ of `fitAdam`. */
export function flatWeights(model: tf.LayersModel): Float32Array {
  const parts = model.getWeights().map((w) => w.dataSync() as Float32Array);
  const flat = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    flat.set(p, offset);
    offset += p.length;
  }
  return flat;
}

/** Writes a vector laid out as `flatWeights` back into the model. */
export function setFlatWeights(model: tf.LayersModel, flat: Float32Array): void {
  let offset = 0;
  const tensors = model.getWeights().map((w) => {
    const size = w.size;
    const t = tf.tensor(flat.subarray(offset, offset + size), w.shape, 'float32');
    offset += size;
    return t;
  });
  if (offset !== flat.length) throw new Error(`expected ${offset} weights, got ${flat.length}`);
  try {
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}
