/**
 * The web app at scale: time from navigation to a rendered compare view of two runs of 1M customers,
 * and the gzipped size of the app's initial JavaScript. Prints figures; never a timed test.
 *
 *   npm run bench:web                                                    1M customers, ~10M transactions
 *   BENCH_CUSTOMERS=100000 BENCH_TRANSACTIONS=1000000 npm run bench:web  quick run
 *   BENCH_DATA_DIR=/tmp/bench-data npm run bench:web                     reuse the generated file
 *   BENCH_HOME=/tmp/web-bench-home npm run bench:web                     reuse the runs made there by an earlier run
 *
 * Data: bench:pipeline's generator (`src/generate-customers.ts`). Two versions of a k-means
 * segmentation (k = 8, kpi-standard) and their comparison are made through the services on a temp
 * embedded home, as bench:pipeline does; then the real orchestrator serves that home (and the built
 * app) on 127.0.0.1 and Debian's Chromium, driven by playwright-core, opens the compare view with a
 * viewer's key. "Rendered" = the ARI, the Sankey's and the matrix's canvases are on the page and two
 * animation frames have passed. The first navigation loads the compare page's code (cold); the next
 * ones reload the whole app from the browser cache (warm), each a full page load.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { builtinPlugins } from '@workbench/builtin-plugins';
import { ComparisonStatus, RunStatus } from '@workbench/persistence';
import { createWorkbench, loadConfig } from '@workbench/services';
import { freePort } from '@workbench/services/testing';

const ROOT = join(__dirname, '../../..');
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const TRANSACTIONS = Number(process.env.BENCH_TRANSACTIONS ?? 10_000_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const TARGET_MS = 2000;
const TARGET_GZ_KB = 400;
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const fmt = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const now = () => Number(process.hrtime.bigint()) / 1e6;

/** The generated file of this size (the generator's own command line, as bench:pipeline runs it). */
function customersCsv(folder: string): string {
  const csv = join(folder, `customers-${CUSTOMERS}-${TRANSACTIONS}.csv`);
  if (existsSync(`${csv}.json`)) return csv;
  process.stdout.write(
    `generating ${fmt(CUSTOMERS)} customers / ~${fmt(TRANSACTIONS)} transactions in ${folder} ...\n`,
  );
  const result = spawnSync(
    process.execPath,
    [...process.execArgv, join(__dirname, 'generate-customers.ts'), csv, String(CUSTOMERS), String(TRANSACTIONS)],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (result.status !== 0) throw new Error(`generate-customers.ts failed (exit ${result.status})`);
  return csv;
}

/** The scripts index.html loads before anything else (the entry and its modulepreloads), gzipped. */
function initialJavaScript(dist: string): { files: string[]; bytes: number; gzBytes: number } {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const files = [
    ...html.matchAll(/<script[^>]+src="\/ui\/([^"]+\.js)"|<link[^>]+rel="modulepreload"[^>]+href="\/ui\/([^"]+\.js)"/g),
  ].map((m) => m[1] ?? m[2]);
  const contents = files.map((f) => readFileSync(join(dist, f)));
  return {
    files,
    bytes: contents.reduce((n, c) => n + c.length, 0),
    gzBytes: contents.reduce((n, c) => n + gzipSync(c).length, 0),
  };
}

interface Prepared {
  runs: { id: string }[];
  key: string;
}

/** The two runs and their comparison, stored in the home the server will serve (made once per BENCH_HOME). */
async function prepare(home: string, csv: string): Promise<Prepared> {
  const state = join(home, 'web-bench.json');
  if (existsSync(state)) {
    console.log(`reusing the runs in ${home}`);
    return JSON.parse(readFileSync(state, 'utf8')) as Prepared;
  }
  mkdirSync(home, { recursive: true });
  const start = now();
  const wb = await createWorkbench(loadConfig({}, { home }), {
    plugins: builtinPlugins,
    logger: { log: () => undefined, warn: () => undefined, error: (m) => console.error(m) },
  });
  await wb.startWorker();
  await wb.datasets.ingestTransactions({ dataset: 'bench', source: csv });
  await wb.segmentations.create({
    name: 'bench-kmeans',
    plugin: 'segmenter-kmeans',
    dataset: 'bench',
    params: { features: ['recency_days', 'frequency', 'monetary'], logFeatures: ['frequency'], k: 8 },
    kpis: [{ plugin: 'kpi-standard' }],
  });
  const runs = [];
  for (const seed of [1, 2]) {
    const run = await wb.runs.waitFor((await wb.runs.submit('bench-kmeans', { seed })).id, undefined, 50);
    if (run.status !== RunStatus.Succeeded) throw new Error(`run v${run.version} ${run.status}: ${run.error}`);
    runs.push({ id: run.id });
  }
  const comparison = await wb.comparisons.waitFor((await wb.comparisons.submit(runs[0].id, runs[1].id)).id, 50);
  if (comparison.status !== ComparisonStatus.Succeeded)
    throw new Error(`comparison ${comparison.status}: ${comparison.error}`);
  const { key } = await wb.apiKeys.create('web bench', 'viewer');
  await wb.close();
  console.log(
    `setup (ingest, 2 runs, comparison): ${fmt((now() - start) / 1000, 1)} s; ARI ${comparison.metrics?.ari}`,
  );
  // The bench's own temporary home: its viewer key is kept beside the runs so a later bench can log in.
  writeFileSync(state, JSON.stringify({ runs, key }));
  return { runs, key };
}

async function main(): Promise<void> {
  console.log(
    `web benchmark: ${fmt(CUSTOMERS)} customers, ~${fmt(TRANSACTIONS)} transactions, node ${process.version}`,
  );
  const keep = process.env.BENCH_DATA_DIR;
  const dataDir = keep ?? mkdtempSync(join(tmpdir(), 'web-bench-data-'));
  if (keep) mkdirSync(keep, { recursive: true });
  const csv = customersCsv(dataDir);
  const home = process.env.BENCH_HOME ?? mkdtempSync(join(tmpdir(), 'web-bench-home-'));
  const { runs, key } = await prepare(home, csv);

  const build = spawnSync('npx', ['nx', 'run', 'web:build', '--output-style=static'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) throw new Error('nx run web:build failed');
  const initial = initialJavaScript(join(ROOT, 'dist/apps/web'));

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(
    process.execPath,
    ['-r', './tools/register.js', 'apps/orchestrator/src/main.ts', '--host', '127.0.0.1'],
    {
      cwd: ROOT,
      env: { ...process.env, WORKBENCH_HOME: home, PORT: String(port) },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'web-bench-chromium-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1400, height: 1000 },
  });
  try {
    for (let up = false; !up; ) {
      up = await fetch(`${base}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (!up) await new Promise((r) => setTimeout(r, 250));
    }
    const page = await context.newPage();
    let apiBytes = 0;
    let largest = { url: '', bytes: 0 };
    page.on('response', async (res) => {
      if (!['fetch', 'xhr'].includes(res.request().resourceType())) return;
      const bytes = (await res.body().catch(() => Buffer.alloc(0))).length;
      apiBytes += bytes;
      if (bytes > largest.bytes) largest = { url: new URL(res.url()).pathname, bytes };
    });
    await page.goto(`${base}/ui/login#key=${key}`);
    await page.waitForURL(`${base}/ui/segmentations`);

    const url = `${base}/ui/compare/${runs[0].id}/${runs[1].id}`;
    const times: number[] = [];
    let start = 0;
    for (let i = 0; i <= REPEATS; i++) {
      apiBytes = 0;
      start = now();
      await page.goto(url);
      await page.getByTestId('ari').waitFor({ timeout: 120_000 });
      await page.getByTestId('kpi-deltas-overall').waitFor({ timeout: 120_000 });
      await page.getByTestId('sankey').locator('canvas').waitFor();
      await page.locator('figure.chart canvas').nth(1).waitFor();
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      times.push(now() - start);
    }
    const shown = await page.getByTestId('ari').textContent();
    const loadDuring = loadavg();
    const warm = times.slice(1).sort((a, b) => a - b);
    const median = warm[Math.floor(warm.length / 2)];

    console.log('');
    console.log(
      `compare view of two runs of ${fmt(CUSTOMERS)} customers (ARI on the page ${shown}); load average ${loadDuring.map((l) => l.toFixed(2)).join(', ')} on ${cpus().length} cores:`,
    );
    console.log(`  first navigation (compare page code not cached yet)  ${fmt(times[0])} ms`);
    console.log(
      `  full page loads after it, median of ${REPEATS}               ${fmt(median)} ms (min ${fmt(warm[0])}, max ${fmt(warm[warm.length - 1])})`,
    );
    console.log(
      `  API bytes per load                                   ${fmt(apiBytes)} (largest: ${largest.url}, ${fmt(largest.bytes)})`,
    );
    console.log(
      `initial JavaScript: ${initial.files.join(', ')}: ${fmt(initial.bytes / 1024, 1)} kB, ${fmt(initial.gzBytes / 1024, 1)} kB gzipped`,
    );
    console.log('');
    console.log(
      `target: rendered compare view < ${fmt(TARGET_MS)} ms: ${Math.max(times[0], median) < TARGET_MS ? 'met' : 'NOT met'} (${fmt(times[0])} cold, ${fmt(median)} warm)`,
    );
    console.log(
      `target: initial JS < ${TARGET_GZ_KB} kB gzipped: ${initial.gzBytes / 1024 < TARGET_GZ_KB ? 'met' : 'NOT met'} (${fmt(initial.gzBytes / 1024, 1)} kB)`,
    );

    // The other pages of a 1M-customer run: what they ship (aggregates and one page of rows, never the run) and how
    // long they take, the first time (the server builds what it caches: decoded assignments, the run's input) and again.
    const { rows } = (await (
      await fetch(`${base}/runs/${runs[1].id}/assignments/page?limit=1`, { headers: { 'X-API-Key': key } })
    ).json()) as { rows: { customerId: string }[] };
    const pages: [string, string, string][] = [
      ['run v1 (sizes, profiles, KPIs, 50 customers)', `/ui/runs/${runs[0].id}`, 'kpi-table'],
      [
        'KPI tracking (average_order_value)',
        '/ui/segmentations/bench-kmeans/kpis?kpi=average_order_value',
        'kpi-history',
      ],
      [
        `customer ${rows[0].customerId} (history, features)`,
        `/ui/customers/${rows[0].customerId}`,
        'customer-features',
      ],
    ];
    console.log('');
    for (const [name, path, testId] of pages) {
      const took: number[] = [];
      for (let i = 0; i < 2; i++) {
        apiBytes = 0;
        largest = { url: '', bytes: 0 };
        start = now();
        await page.goto(`${base}${path}`);
        await page.getByTestId(testId).waitFor({ timeout: 300_000 });
        await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
        took.push(now() - start);
      }
      console.log(
        `${name}: first ${fmt(took[0])} ms, again ${fmt(took[1])} ms; API bytes ${fmt(apiBytes)} (largest: ${largest.url}, ${fmt(largest.bytes)})`,
      );
    }
    console.log(
      `load average (1, 5, 15 min) at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(', ')} on ${cpus().length} cores`,
    );
  } finally {
    await context.close();
    server.kill('SIGTERM');
  }
}

main().catch((e: Error) => {
  console.error(e.stack ?? e.message);
  process.exit(1);
});
