import * as tf from '@tensorflow/tfjs';
import { chooseBackend, defaultLoaders, ensureBackend } from './backend';

const missing = () => {
  throw new Error("Cannot find module '@tensorflow/tfjs-node'");
};

describe('backend selection', () => {
  afterAll(async () => {
    await chooseBackend(); // leave the process on the normal choice
  });

  it('falls back to wasm when tfjs-node cannot be loaded (as on this machine)', async () => {
    expect(() => defaultLoaders.node()).toThrow();
    expect(await chooseBackend()).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('falls back to cpu when neither tfjs-node nor wasm loads', async () => {
    expect(await chooseBackend({ node: missing, wasm: missing })).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('caches its choice and restores it when something switched tfjs to another backend', async () => {
    const first = await ensureBackend();
    await tf.setBackend('cpu');
    expect(await ensureBackend()).toBe(first);
    expect(tf.getBackend()).toBe(first);
  });
});
