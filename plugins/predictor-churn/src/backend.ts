import * as tf from '@tensorflow/tfjs';

/** Name of a TensorFlow.js backend this plugin may run on, fastest first. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** How each optional backend package is loaded; injectable so the fallback itself can be tested. */
export interface BackendLoaders {
  /** Loads @tensorflow/tfjs-node (registers the 'tensorflow' backend); throws when it is not installed. */
  node(): void;
  /** Loads @tensorflow/tfjs-backend-wasm (registers 'wasm'); throws when it is not installed. */
  wasm(): void;
}

// The packages are loaded with require() inside try/catch on purpose: tfjs-node is an optional
// dependency whose install fails on machines without libtensorflow, and a static import would then
// break the whole plugin instead of falling back.
export const defaultLoaders: BackendLoaders = {
  node: () => void require('@tensorflow/tfjs-node'),
  wasm: () => void require('@tensorflow/tfjs-backend-wasm'),
};

async function trySetBackend(name: BackendName, load: () => void): Promise<boolean> {
  try {
    load();
    return await tf.setBackend(name);
  } catch {
    return false; // absent or failed to initialise: the next candidate is tried
  }
}

/**
 * Picks the fastest available backend: tfjs-node's native 'tensorflow', else 'wasm', else the pure-JS
 * 'cpu'. Any throw while loading or initialising one falls through to the next. Same model code on all.
 */
export async function chooseBackend(loaders: BackendLoaders = defaultLoaders): Promise<BackendName> {
  if (await trySetBackend('tensorflow', loaders.node)) return 'tensorflow';
  if (await trySetBackend('wasm', loaders.wasm)) return 'wasm';
  if (await tf.setBackend('cpu')) return 'cpu';
  throw new Error("no TensorFlow.js backend could be initialised (tried 'tensorflow', 'wasm' and 'cpu')");
}

let chosen: Promise<BackendName> | undefined;

/**
 * The backend chosen once per process (cached), made active again if something else in the process
 * switched tfjs to another one meanwhile.
 */
export async function ensureBackend(): Promise<BackendName> {
  chosen ??= chooseBackend();
  const name = await chosen;
  if (tf.getBackend() !== name) await tf.setBackend(name);
  await tf.ready();
  return name;
}
