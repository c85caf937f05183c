/**
 * Churn benchmark: predictor-churn (TensorFlow.js, logistic and MLP) against scikit-learn's
 * LogisticRegression and MLPClassifier on the IBM Telco data (7,043 customers). Prints figures; never a timed test.
 *
 *   node -r ./tools/register.js tools/bench/src/churn.bench.ts        (BENCH_REPEATS=5 for more runs)
 *
 * Both sides get the same rows, the same holdout (the plugin's seeded stratified split) and the same
 * encoded matrix (the plugin's standardisation + one-hot encoding, fitted on the training rows).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { categorical, createFeatureFrame, numeric, validateParams, type FeatureColumn, type FeatureFrame, type RunContext } from '@workbench/plugin-sdk';
import churnPlugin, {
  ChurnParams,
  decodeArtifact,
  encodeFrame,
  ensureBackend,
  fitPreprocessing,
  labelVector,
  loadNetwork,
  predictProbabilities,
  resolveFeatures,
  stratifiedHoldout,
  type ModelKind,
} from '@workbench/predictor-churn';

const CSV = join(__dirname, '..', '..', '..', 'plugins', 'predictor-churn', 'test', 'fixtures', 'telco_customer_churn.csv');
const NUMERIC = ['SeniorCitizen', 'tenure', 'MonthlyCharges', 'TotalCharges'];
const PYTHON = '/usr/bin/python3';
const SKLEARN_SCRIPT = join(__dirname, '..', 'python', 'sklearn_churn.py');
const SEED = 42;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
// The plugin's defaults, spelled out so the sklearn side gets the same numbers.
const SHARED = { epochs: 20, batchSize: 128, learningRate: 0.01, l2: 1e-4, holdoutFraction: 0.2, hiddenUnits: [16, 8] };

interface SklearnModelFigures {
  fitMs: number;
  predictMs: number;
  auc: number;
  iterations: number;
}
type SklearnFigures = { sklearn: string; numpy: string } & Record<ModelKind, SklearnModelFigures>;

/** The Telco CSV as a frame (no quoted fields; TotalCharges' 11 blanks, all tenure 0, read as 0, as the plugin's tests do). */
function telcoFrame(): FeatureFrame {
  const lines = readFileSync(CSV, 'utf8').trim().split(/\r?\n/);
  const names = lines[0].split(',');
  const rows = lines.slice(1).map((line) => line.split(','));
  const columns: Record<string, FeatureColumn> = {};
  names.slice(1).forEach((name, k) => {
    const j = k + 1;
    columns[name] = NUMERIC.includes(name) ? numeric(rows.map((r) => (r[j].trim() === '' ? 0 : Number(r[j])))) : categorical(rows.map((r) => r[j]));
  });
  return createFeatureFrame(
    rows.map((r) => r[0]),
    columns,
  );
}

function benchContext(): RunContext {
  const files = new Map<string, Uint8Array>();
  return {
    runId: 'bench',
    seed: SEED,
    signal: new AbortController().signal,
    progress: () => undefined,
    log: { info: () => undefined, warn: (m) => process.stderr.write(`warn: ${m}\n`), error: (m) => process.stderr.write(`error: ${m}\n`) },
    artifacts: {
      write: async (name, bytes) => void files.set(name, bytes),
      read: async (name) => {
        const bytes = files.get(name);
        if (!bytes) throw new Error(`no artifact '${name}'`);
        return bytes;
      },
    },
  };
}

const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

interface OurFigures {
  trainMs: number;
  assignMs: number;
  predictMs: number;
  auc: number;
  parameters: number;
}

async function benchOurs(model: ModelKind, frame: FeatureFrame): Promise<OurFigures> {
  const params = validateParams('predictor-churn', ChurnParams, { ...SHARED, model });
  const trainMs: number[] = [];
  let trained;
  for (let r = 0; r < REPEATS; r++) {
    const run = await time(() => churnPlugin.train({ params, frame }, benchContext()));
    trainMs.push(run.ms);
    trained = run.result;
  }
  if (!trained) throw new Error('BENCH_REPEATS must be at least 1');
  const assignMs: number[] = [];
  for (let r = 0; r < REPEATS; r++) assignMs.push((await time(() => churnPlugin.assign(trained.artifact, frame, benchContext()))).ms);
  // The forward pass alone: network loaded and frame encoded beforehand, one predict over all rows.
  const decoded = decodeArtifact(trained.artifact);
  const { x } = encodeFrame(frame, decoded.header.preprocessing);
  const network = await loadNetwork(decoded);
  const predictMs: number[] = [];
  try {
    for (let r = 0; r < REPEATS; r++) predictMs.push((await time(() => predictProbabilities(network, x, frame.rowCount, decoded.header.preprocessing.width))).ms);
  } finally {
    network.dispose();
  }
  return { trainMs: median(trainMs), assignMs: median(assignMs), predictMs: median(predictMs), auc: trained.metrics.auc, parameters: trained.metrics.parameters };
}

function hasSklearn(): boolean {
  return spawnSync(PYTHON, ['-c', 'import sklearn, numpy'], { stdio: 'ignore' }).status === 0;
}

/** Writes the plugin's encoded matrix, labels and holdout for sklearn and runs python/sklearn_churn.py on them. */
function benchSklearn(frame: FeatureFrame, folder: string): SklearnFigures {
  const y = labelVector(frame, 'Churn', 'Yes');
  const split = stratifiedHoldout(y, SHARED.holdoutFraction, SEED);
  const prep = fitPreprocessing(frame, resolveFeatures([], 'Churn', frame), split.train);
  const { x } = encodeFrame(frame, prep);
  const x64 = Float64Array.from(x);
  const holdout = new Uint8Array(frame.rowCount);
  for (const i of split.holdout) holdout[i] = 1;
  const files = { x: join(folder, 'x.f64'), y: join(folder, 'y.u8'), holdout: join(folder, 'holdout.u8'), spec: join(folder, 'spec.json') };
  writeFileSync(files.x, new Uint8Array(x64.buffer));
  writeFileSync(files.y, y);
  writeFileSync(files.holdout, holdout);
  writeFileSync(files.spec, JSON.stringify({ ...files, rows: frame.rowCount, cols: prep.width, ...SHARED, seed: SEED, repeats: REPEATS }));
  const result = spawnSync(PYTHON, [SKLEARN_SCRIPT, files.spec], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`sklearn run failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as SklearnFigures;
}

const fmt = (value: number, digits = 0): string => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function main(): Promise<void> {
  const frame = telcoFrame();
  const backend = await ensureBackend();
  const sklearn = hasSklearn();
  console.log(`churn benchmark: IBM Telco, ${fmt(frame.rowCount)} customers, holdout ${SHARED.holdoutFraction} (stratified, seed ${SEED}), node ${process.version}`);
  console.log(
    `predictor-churn on tfjs '${backend}': Adam lr ${SHARED.learningRate}, ${SHARED.epochs} epochs, batch ${SHARED.batchSize}, l2 ${SHARED.l2}; MLP hidden [${SHARED.hiddenUnits.join(', ')}]; median of ${REPEATS} runs`,
  );
  // Warm-up (wasm compilation, kernel set-up), not counted.
  await churnPlugin.train({ params: validateParams('predictor-churn', ChurnParams, { ...SHARED, epochs: 1, model: 'mlp' }), frame }, benchContext());

  const ours: Record<ModelKind, OurFigures> = { logistic: await benchOurs('logistic', frame), mlp: await benchOurs('mlp', frame) };
  const folder = mkdtempSync(join(tmpdir(), 'churn-bench-'));
  let theirs: SklearnFigures | undefined;
  try {
    if (sklearn) theirs = benchSklearn(frame, folder);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  if (theirs) console.log(`sklearn ${theirs.sklearn} (numpy ${theirs.numpy}): LogisticRegression(lbfgs, C = 1/(2·n·l2)); MLPClassifier(adam, same sizes/epochs/batch/lr, alpha = 2·batch·l2)`);
  else console.log('sklearn: not available (/usr/bin/python3 cannot import sklearn)');

  const header = ['model', 'params', 'train ms', 'assign ms', 'predict ms', 'AUC', ...(theirs ? ['sk fit ms', 'sk iter', 'sk predict ms', 'sk AUC', 'train ratio', 'predict ratio', 'AUC diff'] : [])];
  const lines = (['logistic', 'mlp'] as const).map((model) => {
    const o = ours[model];
    const line = [model, String(o.parameters), fmt(o.trainMs), fmt(o.assignMs, 1), fmt(o.predictMs, 1), o.auc.toFixed(4)];
    if (theirs) {
      const t = theirs[model];
      line.push(fmt(t.fitMs, 1), String(t.iterations), fmt(t.predictMs, 2), t.auc.toFixed(4), `${(o.trainMs / t.fitMs).toFixed(1)}x`, `${(o.predictMs / t.predictMs).toFixed(1)}x`, (o.auc - t.auc).toFixed(4));
    }
    return line;
  });
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c].length)));
  const row = (cells: string[]): string => cells.map((cell, c) => cell.padStart(widths[c])).join('  ');
  console.log(row(header));
  lines.forEach((l) => console.log(row(l)));
  console.log('train ms = the whole train() (encode, split, epochs, score all rows, metrics, artifact); assign ms = assign() on all rows (decode, load, encode, one predict);');
  console.log('predict ms = one model.predict over all rows with the network loaded and the rows encoded; ratios = ours / sklearn (train vs fit, predict vs predict_proba).');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
