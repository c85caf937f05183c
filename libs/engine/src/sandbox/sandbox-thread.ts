import { parentPort, workerData } from 'node:worker_threads';
import type { KpiEvaluator, RunContext, SegmentationModel, WorkbenchPlugin } from '@workbench/plugin-sdk';
import { PluginRegistry } from '../plugin-registry';
import { scoreAndEvaluate, scoreFrame } from '../score-frame';
import { trainAndEvaluate } from '../train-and-evaluate';
import type {
  HostMessage,
  SandboxJob,
  ScoreSandboxJob,
  SerializedError,
  ServeSandboxJob,
  ThreadMessage,
} from './protocol';

/**
 * The body of a sandbox thread: loads the plugins of one job, runs it on the copies it was handed and
 * posts the result. Everything the plugin does to its input stays in this thread.
 *
 * The thread starts with the job's modules only (workerData) and loads them while the host copies the job's data,
 * which arrives as the first message: loading takes a second or more (here, from the TypeScript sources), so does
 * copying a large run's data, and they run on two cores instead of one after the other.
 */
if (!parentPort) throw new Error('sandbox-thread runs only as a worker thread');
const port = parentPort;
let job: SandboxJob | ScoreSandboxJob | ServeSandboxJob;
/** A warm scoring thread waits for the host's frames; a one-job thread lives only as long as its plugin's work. */
let serving = false;
const post = (message: ThreadMessage) => port.postMessage(message);
const toSerialized = (e: unknown): SerializedError =>
  e instanceof Error
    ? { name: e.name, message: e.message }
    : { name: 'Error', message: typeof e === 'string' ? e : JSON.stringify(e) };

const abort = new AbortController();
const pending = new Map<number, { resolve: (bytes: Uint8Array | undefined) => void; reject: (e: Error) => void }>();
let nextRequest = 1;
let onScore: ((message: Extract<HostMessage, { type: 'score' }>) => void) | undefined;
port.on('message', (message: HostMessage) => {
  if (message.type === 'job') start(message.job);
  if (message.type === 'abort') abort.abort(message.reason);
  if (message.type === 'score') onScore?.(message);
  if (message.type !== 'reply') return;
  const waiting = pending.get(message.requestId);
  pending.delete(message.requestId);
  if (pending.size === 0 && !serving) port.unref();
  if (message.error) waiting?.reject(Object.assign(new Error(message.error.message), { name: message.error.name }));
  else waiting?.resolve(message.bytes);
});
const ask = (message: ThreadMessage & { requestId: number }) =>
  new Promise<Uint8Array | undefined>((resolve, reject) => {
    pending.set(message.requestId, { resolve, reject });
    port.ref(); // waiting for the host's answer keeps the thread alive
    post(message);
  });

function loadPlugins(modules: string[]): PluginRegistry {
  const registry = new PluginRegistry();
  for (const specifier of modules) {
    const loaded = require(specifier) as Record<string, unknown>;
    // A plugin module default-exports its plugin; a composition module exports a list, or several plugins by name.
    const exported = 'default' in loaded ? [loaded.default] : Object.values(loaded);
    for (const plugin of exported.flat() as WorkbenchPlugin[]) {
      const name = plugin?.manifest?.name;
      if (typeof name === 'string' && !registry.has(name)) registry.register(plugin, specifier);
    }
  }
  return registry;
}

const context = (): RunContext => ({
  runId: job.runId,
  seed: job.seed,
  signal: abort.signal,
  progress: (fraction, note) => post({ type: 'progress', fraction, note }),
  log: {
    info: (message) => post({ type: 'log', level: 'info', message }),
    warn: (message) => post({ type: 'log', level: 'warn', message }),
    error: (message) => post({ type: 'log', level: 'error', message }),
  },
  artifacts: {
    write: async (name, bytes) => void (await ask({ type: 'artifact-write', requestId: nextRequest++, name, bytes })),
    read: async (name) => (await ask({ type: 'artifact-read', requestId: nextRequest++, name })) as Uint8Array,
  },
});

/** The plugins of the job's modules, or why they did not load (reported once the job is there to fail). */
const loaded: PluginRegistry | Error = (() => {
  try {
    return loadPlugins((workerData as Pick<SandboxJob, 'modules'>).modules);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
})();

function plugins(): PluginRegistry {
  if (loaded instanceof Error) throw loaded;
  return loaded;
}

async function main(): Promise<void> {
  const registry = plugins();
  const model: SegmentationModel = registry.segmentationModel(job.model);
  const ctx = context();
  if ('task' in job && job.task === 'score' && job.evaluate) {
    const { kpis, ...evaluation } = job.evaluate;
    const step = { model, artifact: job.artifact, frame: job.frame, segmentCount: job.segmentCount };
    const steps = kpis.map((k) => ({
      evaluator: registry.kpiEvaluator(k.evaluator) as KpiEvaluator,
      params: k.params,
    }));
    post({ type: 'done', result: await scoreAndEvaluate(step, { ...evaluation, kpis: steps }, ctx) });
    return;
  }
  if ('task' in job && job.task === 'score') {
    post({
      type: 'done',
      result: await scoreFrame(
        { model, artifact: job.artifact, frame: job.frame, segmentCount: job.segmentCount },
        ctx,
      ),
    });
    return;
  }
  const train = job as SandboxJob;
  const kpis = train.kpis.map((k) => ({
    evaluator: registry.kpiEvaluator(k.evaluator) as KpiEvaluator,
    params: k.params,
  }));
  const result = await trainAndEvaluate(
    {
      step: { model, params: train.params, frame: train.frame, revenueFeature: train.revenueFeature },
      kpis,
      kpiInput: train.kpiInput,
    },
    ctx,
  );
  post({ type: 'done', result });
}

/**
 * A warm scoring thread: reads the model once (the plugin's `prepare`, when it has one), says so, then
 * scores each frame the host sends (one at a time) with the same scoreFrame as a batch.
 */
async function serve(warm: ServeSandboxJob): Promise<void> {
  const model = plugins().segmentationModel(warm.model);
  const ctx = context();
  const prepared = model.prepare ? await model.prepare(warm.artifact, ctx) : undefined;
  onScore = ({ frame, segmentCount }) =>
    void scoreFrame({ model, artifact: warm.artifact, prepared, frame, segmentCount }, ctx).then(
      (outcome) => post({ type: 'scored', outcome }),
      (e: unknown) => post({ type: 'score-failed', error: toSerialized(e) }),
    );
  post({ type: 'ready' });
}

function start(received: SandboxJob | ScoreSandboxJob | ServeSandboxJob): void {
  job = received;
  serving = 'task' in job && job.task === 'serve';
  if (serving) {
    // Waiting for the host's frames keeps this thread alive; the host ends it.
    serve(job as ServeSandboxJob).catch((e: unknown) => {
      post({ type: 'failed', error: toSerialized(e) });
      port.close();
    });
    return;
  }
  // Only the plugin's own work keeps this thread alive: a promise it never settles, with nothing left to run,
  // ends the thread without a result, which the host reports, instead of waiting for the time limit.
  port.unref();
  main().then(
    () => port.close(),
    (e: unknown) => {
      post({ type: 'failed', error: toSerialized(e) });
      port.close();
    },
  );
}
