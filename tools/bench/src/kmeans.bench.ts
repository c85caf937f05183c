/**
 * k-means benchmark: segmenter-kmeans' fast engine and its ml-kmeans engine against scikit-learn's
 * KMeans, on the same z-scored gaussian blobs. Prints figures; never a timed test.
 *
 *   node -r ./tools/register.js tools/bench/src/kmeans.bench.ts        (or npm run bench:kmeans)
 *   BENCH_SIZES=100000,1000000 BENCH_REPEATS=3 npm run bench:kmeans
 *
 * The parent writes each size's matrix to a float64 file once; every engine then runs in a child
 * process of its own that reads the file straight into (shared) memory, takes its resident set size as
 * the baseline, fits, and reports the peak RSS above that baseline, so "Δ peak" is what the fit needs.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyZScore,
  effectiveThreads,
  fitFastKMeans,
  fitKMeans,
  fitSeed,
  fitZScore,
  KMeansThreads,
  rowMatrix,
  toRowArrays,
} from '@workbench/segmenter-kmeans/internal';
import { gaussianBlobs } from '@workbench/plugin-sdk/testing';

const FEATURES = 8;
const K = 8;
const DATA_SEED = 20240601;
const RUN_SEED = 1;
const MAX_ITERATIONS = 300;
const TOLERANCE = 1e-6;
const PYTHON = '/usr/bin/python3';
const SKLEARN_SCRIPT = join(__dirname, '..', 'python', 'sklearn_kmeans.py');

type EngineName = 'fast' | 'ml-kmeans' | 'sklearn';

/** One fit's figures, as every engine's child process prints them (JSON, last line of stdout). */
interface Figures {
  engine: string;
  threads: number;
  fitMs: number;
  /** Time to build the engine's own input (ml-kmeans: number[][] rows), not in fitMs. */
  inputMs: number;
  iterations: number;
  inertia: number;
  baselineRssMb: number;
  peakRssMb: number;
}

const MB = 1024 * 1024;
const rssMb = (): number => process.memoryUsage().rss / MB;
const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

/** Reads a float64 file straight into shared memory (what the fast engine's workers read, no copy). */
function readMatrix(file: string, rows: number): Float64Array {
  const values = new Float64Array(new SharedArrayBuffer(rows * FEATURES * 8));
  const bytes = new Uint8Array(values.buffer);
  const fd = openSync(file, 'r');
  try {
    for (let at = 0; at < bytes.length; ) {
      const read = readSync(fd, bytes, at, bytes.length - at, at);
      if (read === 0) throw new Error(`${file} is shorter than ${rows} × ${FEATURES} float64 values`);
      at += read;
    }
  } finally {
    closeSync(fd);
  }
  return values;
}

/** One engine on one size, in this (child) process. */
async function runEngine(engine: 'fast' | 'ml-kmeans', file: string, rows: number): Promise<Figures> {
  const x = rowMatrix(readMatrix(file, rows), FEATURES);
  const baselineRssMb = rssMb();
  const options = { seed: fitSeed(RUN_SEED, K, 0), maxIterations: MAX_ITERATIONS, tolerance: TOLERANCE };
  if (engine === 'fast') {
    const count = effectiveThreads(undefined, rows);
    const start = process.hrtime.bigint();
    // Worker start and stop are part of the fit's time.
    const threads = KMeansThreads.open(count);
    try {
      const fit = await fitFastKMeans(x, K, options, threads);
      const fitMs = Number(process.hrtime.bigint() - start) / 1e6;
      return {
        engine,
        threads: count,
        fitMs,
        inputMs: 0,
        iterations: fit.iterations,
        inertia: fit.inertia,
        baselineRssMb,
        peakRssMb: peakRssMb(),
      };
    } finally {
      await threads.close();
    }
  }
  const inputStart = process.hrtime.bigint();
  const input = toRowArrays(x);
  const inputMs = Number(process.hrtime.bigint() - inputStart) / 1e6;
  const start = process.hrtime.bigint();
  const fit = fitKMeans(x, K, options, input);
  const fitMs = Number(process.hrtime.bigint() - start) / 1e6;
  return {
    engine,
    threads: 1,
    fitMs,
    inputMs,
    iterations: fit.iterations,
    inertia: fit.inertia,
    baselineRssMb,
    peakRssMb: peakRssMb(),
  };
}

function lastJsonLine<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as T;
}

function runChild(engine: 'fast' | 'ml-kmeans', file: string, rows: number): Figures {
  const result = spawnSync(process.execPath, [...process.execArgv, __filename], {
    env: { ...process.env, BENCH_CHILD_ENGINE: engine, BENCH_CHILD_ROWS: String(rows), BENCH_DATA_FILE: file },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * MB,
  });
  if (result.status !== 0) throw new Error(`${engine} on ${rows} rows failed (exit ${result.status})`);
  return lastJsonLine<Figures>(result.stdout);
}

function hasSklearn(): boolean {
  return spawnSync(PYTHON, ['-c', 'import sklearn, numpy'], { stdio: 'ignore' }).status === 0;
}

function runSklearn(file: string, rows: number): Figures {
  const result = spawnSync(
    PYTHON,
    [SKLEARN_SCRIPT, file, String(rows), String(FEATURES), String(K), String(RUN_SEED)],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`sklearn run failed: ${result.stderr}`);
  return lastJsonLine<Figures>(result.stdout);
}

/** Writes the size's z-scored matrix (the space `train()` clusters in) for every engine to read. */
function writeMatrix(file: string, rows: number): void {
  const raw = rowMatrix(gaussianBlobs({ rows, features: FEATURES, clusters: K, seed: DATA_SEED }).values, FEATURES);
  const scaled = applyZScore(raw, fitZScore(raw));
  writeFileSync(file, new Uint8Array(scaled.values.buffer, scaled.values.byteOffset, scaled.values.byteLength));
}

/** The fastest of `repeats` runs (each in a fresh process): the machine is shared, so noise only adds. */
function best(repeats: number, run: () => Figures): Figures {
  let fastest: Figures | undefined;
  for (let r = 0; r < repeats; r++) {
    const figures = run();
    if (fastest === undefined || figures.fitMs < fastest.fitMs) fastest = figures;
  }
  return fastest as Figures;
}

const fmt = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function main(): Promise<void> {
  const childEngine = process.env.BENCH_CHILD_ENGINE;
  if (childEngine === 'fast' || childEngine === 'ml-kmeans') {
    const figures = await runEngine(
      childEngine,
      process.env.BENCH_DATA_FILE as string,
      Number(process.env.BENCH_CHILD_ROWS),
    );
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    return;
  }
  const sizes = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map((s) => Number(s.trim()));
  if (sizes.some((s) => !Number.isInteger(s) || s < K))
    throw new Error(`BENCH_SIZES must list row counts of at least ${K}, e.g. 100000,1000000`);
  const repeats = Number(process.env.BENCH_REPEATS ?? 3);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error('BENCH_REPEATS must be a positive integer');
  const sklearn = hasSklearn();
  const folder = mkdtempSync(join(tmpdir(), 'kmeans-bench-'));
  console.log(
    `k-means benchmark: ${FEATURES} features, k=${K}, 8 gaussian blobs (data seed ${DATA_SEED}, run seed ${RUN_SEED}), node ${process.version}`,
  );
  console.log(
    `fast and sklearn: best of ${repeats} runs; ml-kmeans: 1 run. Each engine fits the same z-scored matrix from its own k-means++ start ` +
      `(sklearn: ${sklearn ? 'KMeans(n_init=1, algorithm=lloyd, init=k-means++)' : 'not available'}).`,
  );
  const header = [
    'rows',
    'engine',
    'threads',
    'fit ms',
    'input ms',
    'iter',
    'inertia',
    'Δ peak RSS MB',
    'time / sklearn',
    'inertia / sklearn',
  ];
  const lines: string[][] = [];
  const verdicts: string[] = [];
  try {
    for (const rows of sizes) {
      const file = join(folder, `blobs-${rows}.f64`);
      writeMatrix(file, rows);
      const dataMb = (rows * FEATURES * 8) / MB;
      console.log(`running ${fmt(rows)} rows (${fmt(dataMb, 1)} MB of data) ...`);
      const results = new Map<EngineName, Figures>();
      results.set(
        'fast',
        best(repeats, () => runChild('fast', file, rows)),
      );
      results.set('ml-kmeans', runChild('ml-kmeans', file, rows));
      if (sklearn)
        results.set(
          'sklearn',
          best(repeats, () => runSklearn(file, rows)),
        );
      rmSync(file);
      const reference = results.get('sklearn');
      for (const [engine, f] of results) {
        lines.push([
          fmt(rows),
          engine,
          String(f.threads),
          fmt(f.fitMs),
          f.inputMs > 0 ? fmt(f.inputMs) : '',
          String(f.iterations),
          fmt(f.inertia, 1),
          fmt(f.peakRssMb - f.baselineRssMb),
          reference ? `${(f.fitMs / reference.fitMs).toFixed(2)}x` : '',
          reference ? (f.inertia / reference.inertia).toFixed(6) : '',
        ]);
      }
      const fast = results.get('fast') as Figures;
      const memoryOk = fast.peakRssMb - fast.baselineRssMb <= 2 * dataMb;
      const memoryNote = `Δ peak RSS ${fmt(fast.peakRssMb - fast.baselineRssMb)} MB ≤ 2 × data (${fmt(2 * dataMb)} MB): ${memoryOk ? 'met' : 'NOT met'}`;
      if (reference) {
        const timeOk = fast.fitMs <= reference.fitMs;
        const inertiaOk = fast.inertia <= reference.inertia * (1 + 1e-9);
        verdicts.push(
          `${fmt(rows)} rows: fit time ≤ 1.0× sklearn: ${timeOk ? 'met' : 'NOT met'} (${(fast.fitMs / reference.fitMs).toFixed(2)}x); ` +
            `inertia ≤ sklearn's: ${inertiaOk ? 'met' : 'NOT met'}; ${memoryNote}`,
        );
      } else {
        verdicts.push(`${fmt(rows)} rows: ${memoryNote}`);
      }
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c].length)));
  const row = (cells: string[]): string =>
    cells.map((cell, c) => (c === 1 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  console.log(row(header));
  lines.forEach((l) => console.log(row(l)));
  console.log('targets (fast engine):');
  verdicts.forEach((v) => console.log(`  ${v}`));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
