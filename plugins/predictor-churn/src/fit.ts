import * as tf from '@tensorflow/tfjs';
import { seededPermutation } from './split';

/**
 * Where each layer's parameters sit in the flat parameter vector θ. A layer with `inputs` inputs and `units`
 * units owns an `(inputs + 1) × units` row-major block: its kernel's rows, then the bias as the last row. That is
 * the order tfjs saves a Dense layer (kernel, then bias), so θ is byte for byte the model's weights.
 */
export interface LayerBlock {
  offset: number;
  inputs: number;
  units: number;
}

/** Blocks for `sizes` = [input width, ...hidden units, 1]. */
export function layerBlocks(sizes: number[]): LayerBlock[] {
  const blocks: LayerBlock[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    blocks.push({ offset, inputs: sizes[l], units: sizes[l + 1] });
    offset += (sizes[l] + 1) * sizes[l + 1];
  }
  return blocks;
}

/**
 * Mean binary cross-entropy of one batch plus `l2 · Σ kernel²`, and its gradient with respect to θ, with the
 * backward pass written out (backpropagation, Bishop 2006 §5.3.1) instead of taped by `tf.grad`. On wasm every
 * tfjs op costs ~10 µs whatever its size, which is most of a step for these small networks, so only the
 * row-sized work runs in tfjs (a fused matMul + bias + ReLU per layer, the loss, the backward matMuls, about
 * 15 ops for the logistic model) and the O(parameters) rest — penalty, scaling, transposes — in plain JS.
 *
 * Cross-entropy from the logits z: Σ softplus(z) − yᵀz (= Σ −[y log σ(z) + (1 − y) log(1 − σ(z))], stable for
 * any z). Backward: δ_L = σ(z) − y; ∂/∂W_l = h_{l−1}ᵀ δ_l, ∂/∂b_l = Σ_rows δ_l, δ_{l−1} = (δ_l W_lᵀ) ∘ 1[h_{l−1} > 0];
 * all divided by the batch's row count. `yRow` is `y` as one 1 × rows row.
 */
export function lossAndGradient(
  theta: Float32Array,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  yRow: tf.Tensor2D,
  sizes: number[],
  l2: number,
): { loss: number; gradient: Float32Array } {
  const blocks = layerBlocks(sizes);
  const rows = x.shape[0];
  const gradient = new Float32Array(theta.length);
  const crossEntropy = tf.tidy(() => {
    const inputs: tf.Tensor2D[] = [x];
    let z = x;
    blocks.forEach((b, l) => {
      const kernel = tf.tensor2d(theta.subarray(b.offset, b.offset + b.inputs * b.units), [b.inputs, b.units]);
      const bias = tf.tensor1d(theta.subarray(b.offset + b.inputs * b.units, b.offset + (b.inputs + 1) * b.units));
      const last = l === blocks.length - 1;
      const out = tf.fused.matMul({
        a: inputs[l],
        b: kernel,
        bias,
        activation: last ? 'linear' : 'relu',
      }) as tf.Tensor2D;
      if (last) z = out;
      else inputs.push(out);
    });
    let delta = tf.sub(tf.sigmoid(z), y) as tf.Tensor2D;
    for (let l = blocks.length - 1; l >= 0; l--) {
      const b = blocks[l];
      // units × rows; for one unit a reshape, which copies nothing.
      const deltaT = b.units === 1 ? tf.reshape(delta, [1, rows]) : tf.transpose(delta);
      const kernelGradT = tf.matMul(deltaT, inputs[l]).dataSync(); // units × inputs
      const biasGrad = tf.sum(deltaT, 1).dataSync();
      for (let j = 0; j < b.units; j++) {
        for (let k = 0; k < b.inputs; k++)
          gradient[b.offset + k * b.units + j] =
            kernelGradT[j * b.inputs + k] / rows + 2 * l2 * theta[b.offset + k * b.units + j];
        gradient[b.offset + b.inputs * b.units + j] = biasGrad[j] / rows;
      }
      if (l > 0) {
        const kernelT = new Float32Array(b.units * b.inputs);
        for (let j = 0; j < b.units; j++)
          for (let k = 0; k < b.inputs; k++) kernelT[j * b.inputs + k] = theta[b.offset + k * b.units + j];
        delta = tf.mul(tf.matMul(delta, tf.tensor2d(kernelT, [b.units, b.inputs])), tf.step(inputs[l])) as tf.Tensor2D;
      }
    }
    return tf.sub(tf.sum(tf.softplus(z)), tf.matMul(yRow, z)).dataSync()[0];
  });
  let penalty = 0;
  for (const b of blocks) for (let k = b.offset; k < b.offset + b.inputs * b.units; k++) penalty += theta[k] * theta[k];
  return { loss: crossEntropy / rows + l2 * penalty, gradient };
}

/** Adam's moment estimates and step count for a flat parameter vector. */
export interface AdamState {
  m: Float64Array;
  v: Float64Array;
  t: number;
}

export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
/** tfjs's `tf.train.adam` takes the backend's epsilon, 1e-7 for float32. */
export const ADAM_EPSILON = 1e-7;

export function adamState(size: number): AdamState {
  return { m: new Float64Array(size), v: new Float64Array(size), t: 0 };
}

/**
 * One Adam step in place (Kingma & Ba 2015, Algorithm 1): m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g²,
 * θ ← θ − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε) — tfjs's `AdamOptimizer` formula, on a JS vector because
 * tfjs spends ~15 ops (and ~0.4 ms on wasm) on it per step for a vector of a few hundred numbers.
 */
export function adamStep(
  theta: Float32Array,
  gradient: ArrayLike<number>,
  state: AdamState,
  learningRate: number,
): void {
  state.t++;
  const c1 = 1 - ADAM_BETA1 ** state.t;
  const c2 = 1 - ADAM_BETA2 ** state.t;
  for (let k = 0; k < theta.length; k++) {
    const g = gradient[k];
    state.m[k] = ADAM_BETA1 * state.m[k] + (1 - ADAM_BETA1) * g;
    state.v[k] = ADAM_BETA2 * state.v[k] + (1 - ADAM_BETA2) * g * g;
    theta[k] -= (learningRate * (state.m[k] / c1)) / (Math.sqrt(state.v[k] / c2) + ADAM_EPSILON);
  }
}

export interface AdamFitOptions {
  /** [input width, ...hidden units, 1]. */
  sizes: number[];
  /** Upper bound on the passes over the rows. */
  maxEpochs: number;
  /** Rows per Adam step; 0, or at least the row count, means every row in one batch (no shuffling needed). */
  batchSize: number;
  learningRate: number;
  l2: number;
  /** Early stop, as scikit-learn's MLP: an epoch whose mean loss is not below `best − tol` counts as no improvement … */
  tol: number;
  /** … and training stops once more than `nIterNoChange` such epochs follow each other. */
  nIterNoChange: number;
  /** Random source of the epoch shuffles (minibatches only). */
  shuffle: () => number;
}

export interface AdamFitResult {
  /** Trained θ (see `LayerBlock`). */
  weights: Float32Array;
  /** Last epoch's mean training loss (penalty included). */
  loss: number;
  epochs: number;
  steps: number;
  stoppedEarly: boolean;
}

/**
 * Adam on the flat parameter vector θ (`adamStep`), the rows uploaded to tfjs once.
 * An epoch's loss is the row-weighted mean of its batches' losses (as scikit-learn's `loss_curve_`).
 * `onEpoch(epoch, loss, isLast)` runs after every epoch; a throw from it (an abort) stops training, and every
 * tensor is disposed whatever happens.
 */
export async function fitAdam(
  x: Float32Array,
  y: Float32Array,
  initialWeights: Float32Array,
  options: AdamFitOptions,
  onEpoch: (epoch: number, loss: number, isLast: boolean) => void | Promise<void>,
): Promise<AdamFitResult> {
  const rows = y.length;
  const xs = tf.tensor2d(x, [rows, options.sizes[0]]);
  const ys = tf.tensor2d(y, [rows, 1]);
  const yRow = tf.reshape(ys, [1, rows]) as tf.Tensor2D;
  const theta = Float32Array.from(initialWeights);
  const state = adamState(theta.length);
  const step = (bx: tf.Tensor2D, by: tf.Tensor2D, byRow: tf.Tensor2D): number => {
    const { loss, gradient } = lossAndGradient(theta, bx, by, byRow, options.sizes, options.l2);
    adamStep(theta, gradient, state, options.learningRate);
    return loss;
  };
  try {
    const batch = options.batchSize <= 0 ? rows : Math.min(options.batchSize, rows);
    let best = Number.POSITIVE_INFINITY;
    let noImprovement = 0;
    let steps = 0;
    for (let epoch = 1; epoch <= options.maxEpochs; epoch++) {
      let total = 0;
      if (batch === rows) {
        total = step(xs, ys, yRow) * rows;
        steps++;
      } else {
        const order = seededPermutation(rows, options.shuffle);
        for (let start = 0; start < rows; start += batch) {
          const picked = order.subarray(start, Math.min(rows, start + batch));
          const [bx, by, byRow] = tf.tidy(() => {
            const index = tf.tensor1d(picked, 'int32');
            const batchY = tf.gather(ys, index) as tf.Tensor2D;
            return [tf.gather(xs, index) as tf.Tensor2D, batchY, tf.reshape(batchY, [1, picked.length]) as tf.Tensor2D];
          });
          try {
            total += step(bx, by, byRow) * picked.length;
          } finally {
            tf.dispose([bx, by, byRow]);
          }
          steps++;
        }
      }
      const loss = total / rows;
      // scikit-learn's BaseMultilayerPerceptron._update_no_improvement_count.
      noImprovement = loss > best - options.tol ? noImprovement + 1 : 0;
      best = Math.min(best, loss);
      const stoppedEarly = noImprovement > options.nIterNoChange;
      const isLast = stoppedEarly || epoch === options.maxEpochs;
      await onEpoch(epoch, loss, isLast);
      if (isLast) return { weights: theta, loss, epochs: epoch, steps, stoppedEarly };
    }
    throw new Error('maxEpochs must be at least 1');
  } finally {
    tf.dispose([xs, ys, yRow]);
  }
}
