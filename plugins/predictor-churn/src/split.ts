import { FeatureRequirementError, sampleIndices, seededRandom } from '@workbench/plugin-sdk';

/** Rows of the training and holdout parts, each in ascending row order. */
export interface HoldoutSplit {
  train: Uint32Array;
  holdout: Uint32Array;
}

/** Independent seeds for the split and the epoch shuffles, derived from the run seed (so changing one use of randomness does not shift another). */
export function streamSeed(seed: number, stream: 'split' | 'shuffle' | 'init'): number {
  const salt = { split: 0x9e3779b1, shuffle: 0x85ebca6b, init: 0xc2b2ae35 }[stream];
  return Math.floor(seededRandom((seed ^ salt) >>> 0)() * 0x7fffffff);
}

/**
 * Stratified holdout: in each class (label 0 and 1, rows in row order) round(fraction · classSize) rows
 * are drawn without replacement by a seeded partial Fisher–Yates (the SDK's `sampleIndices`), class 0
 * first. Both classes keep their share in both parts, which a plain random split does not guarantee.
 */
export function stratifiedHoldout(y: ArrayLike<number>, fraction: number, seed: number): HoldoutSplit {
  const rand = seededRandom(streamSeed(seed, 'split'));
  const isHoldout = new Uint8Array(y.length);
  for (const cls of [0, 1]) {
    const rows: number[] = [];
    for (let i = 0; i < y.length; i++) if (y[i] === cls) rows.push(i);
    const drawn = sampleIndices(rows.length, Math.round(fraction * rows.length), rand);
    for (const t of drawn) isHoldout[rows[t]] = 1;
    if (rows.length - drawn.length === 0) {
      throw new FeatureRequirementError(
        `the training rows have no customer with label ${cls}; a churn model needs both churners and non-churners`,
      );
    }
  }
  const train: number[] = [];
  const holdout: number[] = [];
  for (let i = 0; i < y.length; i++) (isHoldout[i] ? holdout : train).push(i);
  return { train: Uint32Array.from(train), holdout: Uint32Array.from(holdout) };
}

/** A seeded permutation of 0..n-1 (Fisher–Yates, Knuth vol. 2 §3.4.2 algorithm P). */
export function seededPermutation(n: number, rand: () => number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
  return order;
}
