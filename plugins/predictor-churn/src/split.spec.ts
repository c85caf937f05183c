import { seededRandom } from '@workbench/plugin-sdk';
import { seededPermutation, stratifiedHoldout, streamSeed } from './split';

const y = Array.from({ length: 1000 }, (_, i) => (i % 4 === 0 ? 1 : 0)); // 250 churners, 750 others

describe('stratifiedHoldout', () => {
  it('holds out the same share of each class', () => {
    const { holdout } = stratifiedHoldout(y, 0.2, 1);
    expect(holdout).toHaveLength(200);
    expect(Array.from(holdout).filter((i) => y[i] === 1)).toHaveLength(50);
  });

  it('partitions the rows: disjoint, complete, each part ascending', () => {
    const { train, holdout } = stratifiedHoldout(y, 0.3, 5);
    const all = [...train, ...holdout].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(train)).toEqual([...train].sort((a, b) => a - b));
    expect(Array.from(holdout)).toEqual([...holdout].sort((a, b) => a - b));
  });

  it('is the same for the same seed and different for another', () => {
    expect(stratifiedHoldout(y, 0.2, 9).holdout).toEqual(stratifiedHoldout(y, 0.2, 9).holdout);
    expect(stratifiedHoldout(y, 0.2, 9).holdout).not.toEqual(stratifiedHoldout(y, 0.2, 10).holdout);
  });

  it('refuses a split that leaves the training rows without one class, naming the problem', () => {
    expect(() => stratifiedHoldout([0, 0, 0, 1], 0.5, 1)).toThrow('the training rows have no customer with label 1');
  });
});

describe('seededPermutation and streamSeed', () => {
  it('permutes 0..n-1 reproducibly', () => {
    const a = seededPermutation(50, seededRandom(3));
    expect([...a].sort((p, q) => p - q)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a).toEqual(seededPermutation(50, seededRandom(3)));
  });

  it('gives each use of randomness its own seed', () => {
    expect(new Set([streamSeed(42, 'split'), streamSeed(42, 'shuffle'), streamSeed(42, 'init')]).size).toBe(3);
  });
});
