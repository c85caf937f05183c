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
export async function predictProbabilities(model: tf.LayersModel, x: Float32Array, rows: number, width: number): Promise<Float64Array> {
  if (rows === 0) return new Float64Array(0);
  const output = tf.tidy(() => model.predict(tf.tensor2d(x, [rows, width]), { batchSize: rows }) as tf.Tensor);
  try {
    return Float64Array.from(await output.data());
  } finally {
    output.dispose();
  }
}
