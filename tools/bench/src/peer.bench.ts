/**
 * The pipeline against what a data scientist would write instead: DuckDB for the ingest, the features and
 * the KPIs, scikit-learn (when /usr/bin/python3 has it) for k-means and the adjusted Rand index. Same generated
 * file, interleaved rounds, per-stage and total ratios, results checked. Prints figures; never a timed test.
 *
 *   npm run bench:peer                                                  1M customers / ~10M transactions, 3 rounds
 *   BENCH_CUSTOMERS=100000 BENCH_TRANSACTIONS=1000000 BENCH_ROUNDS=5 npm run bench:peer
 *   BENCH_DATA_DIR=/tmp/pbench npm run bench:peer                       keep (and reuse) the generated file
 *   BENCH_SKLEARN=0 npm run bench:peer                                  DuckDB only, even with scikit-learn installed
 *
 * Data: `src/generate-customers.ts` (the file `bench:pipeline` uses). Each round runs ours, then the peer,
 * each in a fresh child process, so neither warms the other's caches and load hits both alike.
 *
 * Ours: the real pipeline through `createWorkbench` (SQLite, in-process queue): `datasets.ingestTransactions`,
 * run v1 and run v2 of segmenter-kmeans (recency_days / frequency / monetary, log frequency, k = 8, kpi-standard
 * with its defaults), `comparisons.submit` of the two. Run v1 counts `segmentations.create` too: it builds the
 * features (to check the params against them), which run v1 then takes from the cache. Then, outside the stages,
 * k-means alone once more (`runSegmentation` on the same input and seed 1), the stand-in for a peer without
 * scikit-learn.
 *
 * Peer (one DuckDB in-memory database, default threads); a stage's time is the sum of its timed parts:
 * - ingest: `read_csv` into a table (order id, customer id, timestamp, amount, return flag);
 * - run v1: features by SQL (recency_days, frequency, monetary as ours defines them) → k-means → KPIs by SQL
 *   per segment (customers, orders, revenue, AOV, frequency, recency, with a ROLLUP row) → the assignment
 *   rows written to SQLite (libsql, one transaction); run v2 reuses the features table, as a notebook would;
 * - k-means: scikit-learn `KMeans(n_clusters=8, n_init=1)` on [recency, log1p(frequency), monetary] z-scored
 *   (`python/sklearn_peer.py`; timed: scaling + fit, as a notebook cell; the hand-over of the matrix and of the
 *   labels through files is not timed). Without scikit-learn the peer has no k-means: OUR k-means time counts
 *   on both sides and the peer's KPIs, rows and ARI use our runs' assignments (loaded before any timing);
 * - compare: `adjusted_rand_score` of the two runs' labels (scikit-learn), else the ARI by SQL (join on
 *   customer id, contingency table).
 *
 * Results checked each round: the peer's features equal ours for every customer (frequency and recency
 * exactly, monetary within 1e-9 relative); revenue and orders equal kpi-standard's, overall (and per segment
 * when the peer uses our segments).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_PLUGINS_MODULE, builtinPlugins } from '@workbench/builtin-plugins';
import { decodeAssignments, runSegmentation } from '@workbench/engine';
import { ComparisonStatus, RunStatus, type DatasetVersion } from '@workbench/persistence';
import type { RunContext } from '@workbench/plugin-sdk';
import { createWorkbench, loadConfig } from '@workbench/services';
import { ensureCustomerBase } from './generate-customers';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const TRANSACTIONS = Number(process.env.BENCH_TRANSACTIONS ?? 10_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const K = 8;
const PARAMS = { features: ['recency_days', 'frequency', 'monetary'], logFeatures: ['frequency'], k: K };
const STAGES = ['ingest', 'run v1', 'run v2', 'compare'] as const;
type StageName = (typeof STAGES)[number];

interface ChildFigures {
  engine: string;
  stages: Record<StageName, number>;
  /** Parts of the stages (e.g. features, k-means), informative. */
  parts: Record<string, number>;
  peakRssMiB: number;
  checks?: string[];
}

const fmt = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const since = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

function silentContext(seed: number): RunContext {
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const artifacts = { write: async () => undefined, read: async () => new Uint8Array() };
  return { runId: 'bench', seed, signal: new AbortController().signal, progress: () => undefined, log, artifacts };
}

/** Our pipeline; leaves features, assignments and KPI figures in `out` for the peer and the checks. */
async function ours(csv: string, out: string): Promise<ChildFigures> {
  const home = mkdtempSync(join(tmpdir(), 'peer-bench-home-'));
  const wb = await createWorkbench(loadConfig({}, { home, pluginIsolation: 'thread' }), {
    plugins: [...builtinPlugins],
    pluginsModule: BUILTIN_PLUGINS_MODULE,
    logger: { log: () => undefined, warn: () => undefined, error: (m) => console.error(m) },
  });
  try {
    await wb.startWorker();
    const stages = {} as Record<StageName, number>;
    let start = process.hrtime.bigint();
    const ingested = await wb.datasets.ingestTransactions({ dataset: 'bench', source: csv });
    stages.ingest = since(start);
    // Run v1 starts with the segmentation's creation: it builds the run input (features) to check the params
    // against (checkLogFeatures), and run v1 then reuses it from the cache. The peer's run v1 builds its features.
    start = process.hrtime.bigint();
    await wb.segmentations.create({
      name: 'bench-kmeans',
      plugin: 'segmenter-kmeans',
      dataset: 'bench',
      params: PARAMS,
      kpis: [{ plugin: 'kpi-standard' }],
    });
    const runVersion = async (seed: number) => {
      const run = await wb.runs.waitFor((await wb.runs.submit('bench-kmeans', { seed })).id, undefined, 20);
      if (run.status !== RunStatus.Succeeded) throw new Error(`run v${run.version} ${run.status}: ${run.error}`);
      return run;
    };
    const created = since(start);
    const v1 = await runVersion(1);
    stages['run v1'] = since(start);
    start = process.hrtime.bigint();
    const v2 = await runVersion(2);
    stages['run v2'] = since(start);
    start = process.hrtime.bigint();
    const c = await wb.comparisons.waitFor((await wb.comparisons.submit(v1.id, v2.id)).id, 20);
    if (c.status !== ComparisonStatus.Succeeded) throw new Error(`comparison ${c.status}: ${c.error}`);
    stages.compare = since(start);

    // Untimed in the pipeline: what the peer needs, and k-means alone.
    const input = await wb.runInputs.loadRunInput(ingested.version as DatasetVersion);
    const model = await wb.plugins.segmentationModel('segmenter-kmeans');
    start = process.hrtime.bigint();
    await runSegmentation(
      { model, params: PARAMS, frame: input.frame, revenueFeature: input.revenueFeature },
      silentContext(1),
    );
    const kmeansMs = since(start);
    const f = input.frame;
    const column = (name: string) => (f.columns[name] as { values: Float64Array }).values;
    const [recency, frequency, monetary] = ['recency_days', 'frequency', 'monetary'].map(column);
    const lines = ['customer_id,recency_days,frequency,monetary'];
    for (let r = 0; r < f.rowCount; r++) lines.push(`${f.ids[r]},${recency[r]},${frequency[r]},${monetary[r]}`);
    writeFileSync(join(out, 'features.csv'), `${lines.join('\n')}\n`);
    for (const [name, run] of [
      ['v1', v1],
      ['v2', v2],
    ] as const) {
      const { ids, segment } = decodeAssignments(await wb.artifacts.get(run.assignmentsArtifactKey as string));
      const rows = ['customer_id,segment'];
      for (let r = 0; r < ids.length; r++) rows.push(`${ids[r]},${segment[r]}`);
      writeFileSync(join(out, `assignments-${name}.csv`), `${rows.join('\n')}\n`);
    }
    const kpis = (await wb.runs.kpis(v1.id))
      .filter((k) => k.kpi === 'revenue' || k.kpi === 'orders')
      .map((k) => ({ segment: k.segmentKey, kpi: k.kpi, value: k.value }));
    writeFileSync(join(out, 'kpis-v1.json'), JSON.stringify(kpis));
    return {
      engine: 'ours',
      stages,
      parts: { 'segmentation created (features)': created, 'k-means (runSegmentation alone)': kmeansMs },
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await wb.close();
    rmSync(home, { recursive: true, force: true });
  }
}

function hasSklearn(): boolean {
  return spawnSync('/usr/bin/python3', ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;
}

/** scikit-learn for k-means and the ARI when /usr/bin/python3 has it, unless BENCH_SKLEARN=0. */
function useSklearn(): boolean {
  return process.env.BENCH_SKLEARN !== '0' && hasSklearn();
}

/** DuckDB (+ scikit-learn when present) on the same file; checks its results against ours (left in `out`). */
async function peer(csv: string, out: string, oursKmeansMs: number): Promise<ChildFigures> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const { default: Database } = await import('libsql');
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const sqlite = new Database(join(out, 'peer.sqlite'));
  sqlite.exec('CREATE TABLE assignment (run TEXT NOT NULL, customer_id TEXT NOT NULL, segment INTEGER NOT NULL)');
  const stages = {} as Record<StageName, number>;
  const parts: Record<string, number> = {};
  /** Times `fn` as a part of the stage being measured (`stageMs` sums a stage's parts). */
  let stageMs = 0;
  const part = async (name: string, fn: () => Promise<unknown>) => {
    const start = process.hrtime.bigint();
    await fn();
    const ms = since(start);
    parts[name] = (parts[name] ?? 0) + ms;
    stageMs += ms;
  };
  const partMs = (name: string, ms: number) => {
    parts[name] = (parts[name] ?? 0) + ms;
    stageMs += ms;
  };
  const sklearn = useSklearn();
  const python = (args: string[]) => {
    const result = spawnSync('/usr/bin/python3', [join(__dirname, '../python/sklearn_peer.py'), ...args], {
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`sklearn_peer.py ${args[0]} failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as { ms: number; ari?: number };
  };
  const loadSegments = async (run: string, file: string) =>
    db.run(
      `CREATE OR REPLACE TABLE seg_${run} AS SELECT * FROM read_csv(${sqlString(file)}, header = true, columns = {'customer_id': 'BIGINT', 'segment': 'INTEGER'})`,
    );

  // Without scikit-learn the peer has no k-means of its own (see the header): its segments are our runs', loaded before any timing.
  if (!sklearn) for (const run of ['v1', 'v2']) await loadSegments(run, join(out, `assignments-${run}.csv`));

  let start = process.hrtime.bigint();
  await db.run(`CREATE TABLE tx AS SELECT InvoiceNo AS order_id, CustomerID AS customer_id, InvoiceDate AS ts, Amount AS amount,
                  starts_with(InvoiceNo, 'C') AS is_return
                FROM read_csv(${sqlString(csv)}, header = true, columns = {'InvoiceNo': 'VARCHAR', 'CustomerID': 'BIGINT', 'InvoiceDate': 'TIMESTAMP', 'Amount': 'DOUBLE'})`);
  stages.ingest = since(start);

  const kpiSql = (run: string) => `WITH per_customer AS (
        SELECT customer_id, sum(amount) AS revenue, count(DISTINCT order_id) FILTER (WHERE NOT is_return) AS orders,
               max(epoch_ms(ts) // 86400000) FILTER (WHERE NOT is_return) AS last_day
        FROM tx GROUP BY customer_id)
      SELECT s.segment, count(*)::DOUBLE AS customers, sum(p.orders)::DOUBLE AS orders, sum(p.revenue) AS revenue,
             sum(p.revenue) / sum(p.orders) AS aov, sum(p.orders) / count(*) AS frequency, avg((SELECT ref_day FROM reference) - p.last_day) AS recency
      FROM seg_${run} s JOIN per_customer p USING (customer_id)
      GROUP BY ROLLUP (s.segment) ORDER BY s.segment NULLS LAST`;
  /** Untimed hand-over to numpy (a notebook has the frame in memory): the features as a float64 matrix, by customer id. */
  let customerIds: bigint[] = [];
  const exportFeatures = async () => {
    const columns = (
      await db.runAndReadAll('SELECT customer_id, recency_days, frequency, monetary FROM features ORDER BY customer_id')
    ).getColumns();
    customerIds = columns[0] as bigint[];
    const matrix = new Float64Array(customerIds.length * 3);
    for (let r = 0; r < customerIds.length; r++)
      for (let f = 0; f < 3; f++) matrix[r * 3 + f] = Number(columns[f + 1][r]);
    writeFileSync(join(out, 'features.f64'), matrix);
  };
  const kmeans = async (run: 'v1' | 'v2', seed: number) => {
    if (!sklearn) return partMs('k-means (ours, standing in)', oursKmeansMs);
    if (run === 'v1') await exportFeatures();
    partMs(
      'k-means (sklearn: scaling + fit)',
      python([
        'kmeans',
        join(out, 'features.f64'),
        String(customerIds.length),
        String(seed),
        join(out, `labels-${run}.i32`),
      ]).ms,
    );
    const labels = new Int32Array(readFileSync(join(out, `labels-${run}.i32`)).buffer.slice(0));
    writeFileSync(
      join(out, `peer-assignments-${run}.csv`),
      `customer_id,segment\n${customerIds.map((id, r) => `${id},${labels[r]}`).join('\n')}\n`,
    );
    await loadSegments(run, join(out, `peer-assignments-${run}.csv`));
  };
  const runStage = async (run: 'v1' | 'v2', seed: number) => {
    stageMs = 0;
    if (run === 'v1') {
      await part('features (SQL)', async () => {
        await db.run('CREATE TABLE reference AS SELECT max(epoch_ms(ts) // 86400000) + 1 AS ref_day FROM tx');
        await db.run(`CREATE TABLE features AS
          SELECT customer_id, (SELECT ref_day FROM reference) - max(epoch_ms(ts) // 86400000) FILTER (WHERE NOT is_return) AS recency_days,
                 count(DISTINCT order_id) FILTER (WHERE NOT is_return)::DOUBLE AS frequency, sum(amount) AS monetary
          FROM tx GROUP BY customer_id HAVING count(*) FILTER (WHERE NOT is_return) > 0`);
      });
    }
    await kmeans(run, seed);
    let figures: unknown[][] = [];
    await part('KPIs (SQL)', async () => {
      figures = (await db.runAndReadAll(kpiSql(run))).getRows();
    });
    await part('assignment rows (SQLite)', async () => {
      const rows = (
        await db.runAndReadAll(`SELECT customer_id::VARCHAR, segment FROM seg_${run} ORDER BY customer_id`)
      ).getRows();
      const insert = sqlite.prepare('INSERT INTO assignment (run, customer_id, segment) VALUES (?, ?, ?)');
      sqlite.exec('BEGIN');
      for (const [id, segment] of rows) insert.run(run, id as string, segment as number);
      sqlite.exec('COMMIT');
    });
    return figures;
  };

  const kpisV1 = await runStage('v1', 1);
  stages['run v1'] = stageMs;
  await runStage('v2', 2);
  stages['run v2'] = stageMs;

  if (sklearn) {
    const result = python(['ari', join(out, 'labels-v1.i32'), join(out, 'labels-v2.i32')]);
    stages.compare = result.ms;
    parts[`ARI (sklearn) = ${(result.ari as number).toFixed(4)}`] = result.ms;
  } else {
    start = process.hrtime.bigint();
    const ari = Number(
      (
        await db.runAndReadAll(`WITH n AS (SELECT a.segment AS a, b.segment AS b, count(*)::DOUBLE AS n FROM seg_v1 a JOIN seg_v2 b USING (customer_id) GROUP BY ALL),
        s AS (SELECT sum(n * (n - 1) / 2) AS ij, (SELECT sum(x * (x - 1) / 2) FROM (SELECT sum(n) AS x FROM n GROUP BY a)) AS ai,
                     (SELECT sum(x * (x - 1) / 2) FROM (SELECT sum(n) AS x FROM n GROUP BY b)) AS bj, sum(n) AS total FROM n)
        SELECT (ij - ai * bj / (total * (total - 1) / 2)) / ((ai + bj) / 2 - ai * bj / (total * (total - 1) / 2)) FROM s`)
      ).getRows()[0][0],
    );
    stages.compare = since(start);
    parts[`ARI (SQL) = ${ari.toFixed(4)}`] = stages.compare;
  }

  // Checks (untimed): features against ours, revenue and orders against kpi-standard's.
  const checks: string[] = [];
  await db.run(`CREATE TABLE ours AS SELECT * FROM read_csv(${sqlString(join(out, 'features.csv'))}, header = true,
                  columns = {'customer_id': 'BIGINT', 'recency_days': 'DOUBLE', 'frequency': 'DOUBLE', 'monetary': 'DOUBLE'})`);
  const [[oursRows, peerRows, joined, badRecency, badFrequency, badMonetary]] = (
    await db.runAndReadAll(`SELECT (SELECT count(*) FROM ours), (SELECT count(*) FROM features), count(*),
        count(*) FILTER (WHERE o.recency_days <> p.recency_days), count(*) FILTER (WHERE o.frequency <> p.frequency),
        count(*) FILTER (WHERE abs(o.monetary - p.monetary) > 1e-9 * greatest(1, abs(p.monetary)))
      FROM ours o JOIN features p USING (customer_id)`)
  ).getRows() as bigint[][];
  const featureProblems = Number(badRecency) + Number(badFrequency) + Number(badMonetary);
  checks.push(
    oursRows === peerRows && joined === oursRows && featureProblems === 0
      ? `features equal: ${fmt(Number(joined))} customers, recency_days and frequency exactly, monetary within 1e-9`
      : `FEATURES DIFFER: ours ${oursRows} rows, peer ${peerRows}, matched ${joined}; recency ${badRecency}, frequency ${badFrequency}, monetary ${badMonetary} differ`,
  );
  const oursKpis = JSON.parse(readFileSync(join(out, 'kpis-v1.json'), 'utf8')) as {
    segment: number | null;
    kpi: string;
    value: number;
  }[];
  const wrong: string[] = [];
  let compared = 0;
  for (const row of kpisV1) {
    const segment = row[0] === null ? null : Number(row[0]);
    // With scikit-learn's own segments only the overall row is comparable.
    if (sklearn && segment !== null) continue;
    for (const [kpi, value] of [
      ['orders', Number(row[2])],
      ['revenue', Number(row[3])],
    ] as const) {
      const o = oursKpis.find((k) => k.segment === segment && k.kpi === kpi);
      compared++;
      if (!o || Math.abs(o.value - value) > 1e-9 * Math.max(1, Math.abs(value)))
        wrong.push(`segment ${segment ?? 'all'} ${kpi}: ours ${o?.value}, peer ${value}`);
    }
  }
  checks.push(
    wrong.length === 0
      ? `revenue and orders equal to kpi-standard's (${compared} figures, ${sklearn ? "overall: the segments are scikit-learn's" : 'per segment and overall'})`
      : `KPIS DIFFER: ${wrong.join('; ')}`,
  );
  sqlite.close();
  return {
    engine: sklearn ? 'DuckDB + scikit-learn' : 'DuckDB (k-means: ours)',
    stages,
    parts,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    checks,
  };
}

function child(engine: 'ours' | 'peer', csv: string, out: string, kmeansMs = 0): ChildFigures {
  const result = spawnSync(process.execPath, [...process.execArgv, __filename], {
    env: {
      ...process.env,
      BENCH_CHILD: engine,
      BENCH_CHILD_CSV: csv,
      BENCH_CHILD_OUT: out,
      BENCH_CHILD_KMEANS_MS: String(kmeansMs),
    },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  if (result.status !== 0) throw new Error(`${engine} failed (exit ${result.status})`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) as string) as ChildFigures;
}

async function main(): Promise<void> {
  const role = process.env.BENCH_CHILD;
  if (role) {
    const [csv, out] = [process.env.BENCH_CHILD_CSV as string, process.env.BENCH_CHILD_OUT as string];
    const figures =
      role === 'ours' ? await ours(csv, out) : await peer(csv, out, Number(process.env.BENCH_CHILD_KMEANS_MS));
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    return;
  }
  console.log(
    `peer benchmark: ${fmt(CUSTOMERS)} customers, ~${fmt(TRANSACTIONS)} transactions, ${ROUNDS} interleaved rounds, node ${process.version}`,
  );
  console.log(
    useSklearn()
      ? 'peer: DuckDB + scikit-learn (/usr/bin/python3): KMeans(n_clusters=8, n_init=1) on the z-scored features, adjusted_rand_score'
      : `peer: DuckDB only (${hasSklearn() ? 'BENCH_SKLEARN=0' : '/usr/bin/python3 cannot import sklearn'}): its k-means time is OUR k-means time, its segments our runs'`,
  );
  const keep = process.env.BENCH_DATA_DIR;
  const dataDir = keep ?? mkdtempSync(join(tmpdir(), 'peer-bench-data-'));
  mkdirSync(dataDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'peer-bench-work-'));
  try {
    const { csv } = ensureCustomerBase(dataDir, CUSTOMERS, TRANSACTIONS);
    const results: { ours: ChildFigures; peer: ChildFigures; load: number }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const out = join(work, `round-${round}`);
      mkdirSync(out);
      const load = loadavg()[0];
      const o = child('ours', csv, out);
      const p = child('peer', csv, out, o.parts['k-means (runSegmentation alone)']);
      results.push({ ours: o, peer: p, load });
      const total = (f: ChildFigures) => STAGES.reduce((s, k) => s + f.stages[k], 0);
      console.log(
        `round ${round} (load ${load.toFixed(2)}): ${STAGES.map((s) => `${s} ${fmt(o.stages[s])} / ${fmt(p.stages[s])} ms`).join(', ')}; total ${fmt(total(o))} / ${fmt(total(p))} ms (ours / peer)`,
      );
      for (const [side, f] of [
        ['ours', o],
        ['peer', p],
      ] as const)
        console.log(
          `  ${side} parts: ${Object.entries(f.parts)
            .map(([k, v]) => `${k} ${fmt(v)} ms`)
            .join(', ')}`,
        );
      (p.checks ?? []).forEach((c) => console.log(`  ${c}`));
      rmSync(out, { recursive: true, force: true });
    }
    const rows = STAGES.map((s) => {
      const a = median(results.map((r) => r.ours.stages[s]));
      const b = median(results.map((r) => r.peer.stages[s]));
      return [s, fmt(a), fmt(b), `${(a / b).toFixed(2)}×`];
    });
    const totalOurs = median(results.map((r) => STAGES.reduce((sum, s) => sum + r.ours.stages[s], 0)));
    const totalPeer = median(results.map((r) => STAGES.reduce((sum, s) => sum + r.peer.stages[s], 0)));
    rows.push(['total', fmt(totalOurs), fmt(totalPeer), `${(totalOurs / totalPeer).toFixed(2)}×`]);
    rows.push([
      'peak RSS MiB (max)',
      fmt(Math.max(...results.map((r) => r.ours.peakRssMiB))),
      fmt(Math.max(...results.map((r) => r.peer.peakRssMiB))),
      '',
    ]);
    const header = ['stage (median)', 'ours ms', `${results[0].peer.engine} ms`, 'ours / peer'];
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    console.log();
    for (const r of [header, ...rows])
      console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
    const worst = Math.max(
      ...STAGES.map((s) => median(results.map((r) => r.ours.stages[s])) / median(results.map((r) => r.peer.stages[s]))),
    );
    console.log();
    console.log(
      `load average (1 min) at the rounds' starts: ${results.map((r) => r.load.toFixed(2)).join(', ')}; now ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      `target whole pipeline ≤ 1.0× the peer: ${totalOurs <= totalPeer ? 'MET' : 'NOT MET'} (${(totalOurs / totalPeer).toFixed(2)}×)`,
    );
    console.log(`target no stage above 1.5×: ${worst <= 1.5 ? 'MET' : 'NOT MET'} (worst ${worst.toFixed(2)}×)`);
    const failed = results.flatMap((r) => r.peer.checks ?? []).filter((c) => /DIFFER/.test(c));
    console.log(
      failed.length === 0
        ? 'results equal in every round (features, revenue, orders)'
        : `RESULTS DIFFER in ${failed.length} checks`,
    );
    if (failed.length > 0) process.exitCode = 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
