import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '@workbench/plugin-sdk';
import { ensureBackend } from './backend';
import { adamState, adamStep, fitAdam, layerBlocks, lossAndGradient } from './fit';

beforeAll(() => ensureBackend());

/** A small random batch: rows × width inputs, 0/1 labels, and θ for `sizes`. */
function problem(sizes: number[], rows: number, seed: number) {
  const rand = seededRandom(seed);
  const x = Float32Array.from({ length: rows * sizes[0] }, () => rand() * 4 - 2);
  const y = Float32Array.from({ length: rows }, () => (rand() < 0.4 ? 1 : 0));
  const blocks = layerBlocks(sizes);
  const last = blocks[blocks.length - 1];
  const theta = Float32Array.from({ length: last.offset + (last.inputs + 1) * last.units }, () => rand() - 0.5);
  return { x, y, theta };
}

/** The same objective taped by tf.grad: the independent reference for the hand-written backward pass. */
function autodiff(sizes: number[], x: Float32Array, y: Float32Array, theta: Float32Array, l2: number) {
  const rows = y.length;
  return tf.tidy(() => {
    const xs = tf.tensor2d(x, [rows, sizes[0]]);
    const ys = tf.tensor2d(y, [rows, 1]);
    const f = (t: tf.Tensor1D) => {
      let h: tf.Tensor2D = xs;
      let penalty: tf.Tensor = tf.scalar(0);
      layerBlocks(sizes).forEach((b, l) => {
        const kernel = tf.reshape(tf.slice(t, b.offset, b.inputs * b.units), [b.inputs, b.units]) as tf.Tensor2D;
        const bias = tf.slice(t, b.offset + b.inputs * b.units, b.units);
        penalty = tf.add(penalty, tf.sum(tf.square(kernel)));
        h = tf.add(tf.matMul(h, kernel), bias) as tf.Tensor2D;
        if (l < sizes.length - 2) h = tf.relu(h);
      });
      const p = tf.sigmoid(h);
      const crossEntropy = tf.neg(tf.mean(tf.add(tf.mul(ys, tf.log(p)), tf.mul(tf.sub(1, ys), tf.log(tf.sub(1, p))))));
      return tf.add(crossEntropy, tf.mul(penalty, l2)) as tf.Scalar;
    };
    const { value, grad } = tf.valueAndGrad(f)(tf.tensor1d(theta));
    return { loss: value.dataSync()[0], gradient: Float32Array.from(grad.dataSync()) };
  });
}

describe('lossAndGradient', () => {
  it.each([
    ['logistic', [3, 1]],
    ['MLP [4, 2]', [3, 4, 2, 1]],
  ])('matches tf.valueAndGrad of the same loss for a %s model (within 1e-5)', (_, sizes) => {
    const { x, y, theta } = problem(sizes, 12, 7);
    const l2 = 0.01;
    const rows = y.length;
    const ours = tf.tidy(() => {
      const ys = tf.tensor2d(y, [rows, 1]);
      return lossAndGradient(
        theta,
        tf.tensor2d(x, [rows, sizes[0]]),
        ys,
        tf.reshape(ys, [1, rows]) as tf.Tensor2D,
        sizes,
        l2,
      );
    });
    const reference = autodiff(sizes, x, y, theta, l2);
    expect(Math.abs(ours.loss - reference.loss)).toBeLessThan(1e-5);
    expect(ours.gradient).toHaveLength(reference.gradient.length);
    ours.gradient.forEach((g, k) => expect(Math.abs(g - reference.gradient[k])).toBeLessThan(1e-5));
  });

  it('stays finite for logits far beyond float32’s sigmoid range', () => {
    const theta = Float32Array.from([40, 0]); // z = ±80 for x = ±2
    const x = tf.tensor2d([2, -2], [2, 1]);
    const y = tf.tensor2d([0, 1], [2, 1]);
    const { loss } = lossAndGradient(theta, x, y, tf.reshape(y, [1, 2]) as tf.Tensor2D, [1, 1], 0);
    tf.dispose([x, y]);
    expect(loss).toBeCloseTo(80, 4); // each row costs softplus(80) ≈ 80
  });
});

describe('adamStep', () => {
  it('follows tf.train.adam over five steps (within 1e-5: tfjs rounds m, v and θ to float32 each step)', () => {
    const rand = seededRandom(3);
    const start = Float32Array.from({ length: 6 }, () => rand() - 0.5);
    const gradients = Array.from({ length: 5 }, () => Float32Array.from({ length: 6 }, () => rand() * 2 - 1));
    const ours = Float32Array.from(start);
    const state = adamState(ours.length);
    for (const g of gradients) adamStep(ours, g, state, 0.05);
    const variable = tf.variable(tf.tensor1d(start));
    const optimizer = tf.train.adam(0.05);
    for (const g of gradients)
      tf.tidy(() => optimizer.applyGradients([{ name: variable.name, tensor: tf.tensor1d(g) }]));
    const reference = variable.dataSync();
    tf.dispose(variable);
    optimizer.dispose();
    ours.forEach((w, k) => expect(Math.abs(w - reference[k])).toBeLessThan(1e-5));
  });
});

describe('fitAdam', () => {
  const { x, y, theta } = problem([3, 1], 40, 11);
  const options = {
    sizes: [3, 1],
    maxEpochs: 50,
    batchSize: 0,
    learningRate: 0.05,
    l2: 0,
    tol: 1e-4,
    nIterNoChange: 10,
    shuffle: seededRandom(1),
  };

  it('stops as scikit-learn does: after more than nIterNoChange epochs without a tol improvement', async () => {
    // With tol = 1 no epoch after the first improves enough: epochs 2..5 make 4 > 3 in a row.
    const fit = await fitAdam(x, y, theta, { ...options, tol: 1, nIterNoChange: 3 }, () => undefined);
    expect([fit.epochs, fit.stoppedEarly]).toEqual([5, true]);
  });

  it('takes one step per epoch on a full batch and ceil(rows / batch) with minibatches', async () => {
    const full = await fitAdam(x, y, theta, { ...options, maxEpochs: 4, nIterNoChange: 50 }, () => undefined);
    const mini = await fitAdam(
      x,
      y,
      theta,
      { ...options, maxEpochs: 4, nIterNoChange: 50, batchSize: 16 },
      () => undefined,
    );
    expect([full.epochs, full.steps, full.stoppedEarly]).toEqual([4, 4, false]);
    expect([mini.epochs, mini.steps]).toEqual([4, 12]);
  });

  it('lowers the training loss and leaves no tensor behind, also when onEpoch throws', async () => {
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    await fitAdam(x, y, theta, { ...options, maxEpochs: 30, batchSize: 16 }, (_, loss) => void losses.push(loss));
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    await expect(
      fitAdam(x, y, theta, options, () => {
        throw new Error('aborted');
      }),
    ).rejects.toThrow('aborted');
    expect(tf.memory().numTensors).toBe(before);
  });
});
