/**
 * k-means benchmark: segmenter-kmeans (through its public train function) against scikit-learn's
 * KMeans on the same seeded gaussian blobs. Prints figures; never a timed test.
 *
 *   node -r ./tools/register.js tools/bench/src/kmeans.bench.ts        (or npm run bench:kmeans)
 *   BENCH_SIZES=100000,1000000 npm run bench:kmeans
 *
 * Each size runs in its own child process so "peak RSS" is that size's own high-water mark.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeatureColumn, RunContext } from '@workbench/plugin-sdk';
import kmeansPlugin, { applyZScore, fitZScore, KMeansParams, rowMatrix } from '@workbench/segmenter-kmeans';
import { gaussianBlobs } from './synthetic-blobs';

const FEATURES = 8;
const K = 8;
const DATA_SEED = 20240601;
const RUN_SEED = 1;
const PYTHON = '/usr/bin/python3';
const SKLEARN_SCRIPT = join(__dirname, '..', 'python', 'sklearn_kmeans.py');

interface Figures {
  rows: number;
  fitMs: number;
  iterations: number;
  converged: boolean;
  inertia: number;
  peakRssMb: number;
}
interface SklearnFigures {
  sklearn: string;
  fitMs: number;
  iterations: number;
  inertia: number;
  peakRssMb: number;
}

function benchContext(seed: number): RunContext {
  const files = new Map<string, Uint8Array>();
  return {
    runId: 'bench',
    seed,
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

/** One size, in this (child) process: generate, train, optionally write the scaled matrix for sklearn. */
async function runOneSize(rows: number, dataFile: string | undefined): Promise<Figures> {
  const blobs = gaussianBlobs({ rows, features: FEATURES, clusters: K, seed: DATA_SEED });
  const names = Array.from({ length: FEATURES }, (_, j) => `f${j + 1}`);
  const columns: Record<string, FeatureColumn> = {};
  names.forEach((name, j) => {
    const values = new Float64Array(rows);
    for (let i = 0; i < rows; i++) values[i] = blobs.values[i * FEATURES + j];
    columns[name] = { kind: 'numeric', values };
  });
  const ids = Array.from({ length: rows }, (_, i) => String(i + 1));
  const frame = { ids, columns, rowCount: rows };
  const params = Object.assign(new KMeansParams(), { features: names, k: K, nInit: 1, silhouetteSampleSize: 1000 });

  const start = process.hrtime.bigint();
  const trained = await kmeansPlugin.train({ params, frame }, benchContext(RUN_SEED));
  const fitMs = Number(process.hrtime.bigint() - start) / 1e6;

  if (dataFile) {
    // sklearn gets the same z-scored matrix the plugin clusters, so both inertias are in the same units.
    const raw = rowMatrix(blobs.values, FEATURES);
    const scaled = applyZScore(raw, fitZScore(raw));
    writeFileSync(dataFile, new Uint8Array(scaled.values.buffer, scaled.values.byteOffset, scaled.values.byteLength));
  }
  return {
    rows,
    fitMs,
    iterations: trained.metrics.iterations,
    converged: trained.metrics.converged === 1,
    inertia: trained.metrics.inertia,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

function hasSklearn(): boolean {
  return spawnSync(PYTHON, ['-c', 'import sklearn, numpy'], { stdio: 'ignore' }).status === 0;
}

function runSklearn(dataFile: string, rows: number): SklearnFigures {
  const result = spawnSync(PYTHON, [SKLEARN_SCRIPT, dataFile, String(rows), String(FEATURES), String(K), String(RUN_SEED)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`sklearn run failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as SklearnFigures;
}

function runChild(rows: number, dataFile: string | undefined): Figures {
  const result = spawnSync(process.execPath, [...process.execArgv, __filename], {
    env: { ...process.env, BENCH_CHILD_ROWS: String(rows), BENCH_DATA_FILE: dataFile ?? '' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`benchmark of ${rows} rows failed (exit ${result.status})`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) as string) as Figures;
}

const fmt = (value: number, digits = 0): string => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function main(): Promise<void> {
  const childRows = process.env.BENCH_CHILD_ROWS;
  if (childRows) {
    process.stdout.write(`${JSON.stringify(await runOneSize(Number(childRows), process.env.BENCH_DATA_FILE || undefined))}\n`);
    return;
  }
  const sizes = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map((s) => Number(s.trim()));
  if (sizes.some((s) => !Number.isInteger(s) || s < K)) throw new Error(`BENCH_SIZES must list row counts of at least ${K}, e.g. 100000,1000000`);
  const sklearn = hasSklearn();
  const folder = mkdtempSync(join(tmpdir(), 'kmeans-bench-'));
  console.log(`k-means benchmark: ${FEATURES} features, k=${K}, 8 gaussian blobs (data seed ${DATA_SEED}, run seed ${RUN_SEED}), node ${process.version}`);
  console.log(`segmenter-kmeans: train() with nInit=1, silhouetteSampleSize=1000; sklearn: ${sklearn ? 'KMeans(n_init=1, algorithm=lloyd, init=k-means++)' : 'not available'}`);
  const header = ['rows', 'plugin ms', 'iter', 'conv', 'plugin inertia', 'peak RSS MB', ...(sklearn ? ['sklearn ms', 'iter', 'sklearn inertia', 'py RSS MB', 'time ratio', 'inertia ratio'] : [])];
  const lines: string[][] = [];
  try {
    for (const rows of sizes) {
      console.log(`running ${fmt(rows)} rows ...`);
      const dataFile = sklearn ? join(folder, `blobs-${rows}.f64`) : undefined;
      const ours = runChild(rows, dataFile);
      const line = [fmt(rows), fmt(ours.fitMs), String(ours.iterations), ours.converged ? 'yes' : 'no', fmt(ours.inertia, 1), fmt(ours.peakRssMb)];
      if (dataFile) {
        const theirs = runSklearn(dataFile, rows);
        rmSync(dataFile);
        line.push(fmt(theirs.fitMs), String(theirs.iterations), fmt(theirs.inertia, 1), fmt(theirs.peakRssMb), `${(ours.fitMs / theirs.fitMs).toFixed(1)}x`, (ours.inertia / theirs.inertia).toFixed(6));
      }
      lines.push(line);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c].length)));
  const row = (cells: string[]): string => cells.map((cell, c) => cell.padStart(widths[c])).join('  ');
  console.log(row(header));
  lines.forEach((l) => console.log(row(l)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
