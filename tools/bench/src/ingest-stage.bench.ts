/**
 * The ingest stage of `bench:peer` alone: our `datasets.ingestTransactions` (read, validate, encode, hash, store,
 * as the pipeline runs it) against DuckDB's `read_csv` into a table (the peer's ingest), on the same generated
 * file, each in a fresh child process, rounds interleaved. Prints figures; never a timed test.
 *
 *   node -r ./tools/register.js tools/bench/src/ingest-stage.bench.ts                 1M customers / ~10M transactions, 3 rounds
 *   BENCH_DATA_DIR=/tmp/pbench BENCH_ROUNDS=5 node -r ./tools/register.js tools/bench/src/ingest-stage.bench.ts
 *   BENCH_BASELINE=/path/to/other/checkout ...   also runs that checkout's ingest (its tools/register.js resolves
 *                                                 @workbench/* to its own sources): before / after in one run
 *
 * Also printed per round: each side's CPU time (all its threads: the figure load does not double) and peak RSS.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_PLUGINS_MODULE, builtinPlugins } from '@workbench/builtin-plugins';
import { createWorkbench, loadConfig } from '@workbench/services';
import { ensureCustomerBase } from './generate-customers';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const TRANSACTIONS = Number(process.env.BENCH_TRANSACTIONS ?? 10_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BASELINE = process.env.BENCH_BASELINE;

interface Figures {
  ms: number;
  cpuMs?: number;
  rows: number;
  peakRssMiB: number;
}

const fmt = (value: number) => Math.round(value).toLocaleString('en-US');
const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function ours(csv: string): Promise<Figures> {
  const home = mkdtempSync(join(tmpdir(), 'ingest-stage-home-'));
  const wb = await createWorkbench(loadConfig({}, { home }), {
    plugins: [...builtinPlugins],
    pluginsModule: BUILTIN_PLUGINS_MODULE,
    logger: { log: () => undefined, warn: () => undefined, error: (m) => console.error(m) },
  });
  try {
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    const { version } = await wb.datasets.ingestTransactions({ dataset: 'bench', source: csv });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const used = process.cpuUsage(cpu);
    return {
      ms,
      cpuMs: (used.user + used.system) / 1000,
      rows: version.rowCount,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await wb.close();
    rmSync(home, { recursive: true, force: true });
  }
}

async function duckdb(csv: string): Promise<Figures> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  // The peer's ingest in bench:peer, as it is there.
  await db.run(`CREATE TABLE tx AS SELECT InvoiceNo AS order_id, CustomerID AS customer_id, InvoiceDate AS ts, Amount AS amount,
                  starts_with(InvoiceNo, 'C') AS is_return
                FROM read_csv('${csv.replace(/'/g, "''")}', header = true, columns = {'InvoiceNo': 'VARCHAR', 'CustomerID': 'BIGINT', 'InvoiceDate': 'TIMESTAMP', 'Amount': 'DOUBLE'})`);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  const rows = Number((await db.runAndReadAll('SELECT count(*) FROM tx')).getRows()[0][0]);
  return { ms, cpuMs: (used.user + used.system) / 1000, rows, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
}

function child(engine: string, csv: string, root?: string): Figures {
  const register = root ? join(root, 'tools/register.js') : undefined;
  const execArgv = register ? ['-r', register] : process.execArgv;
  const result = spawnSync(process.execPath, [...execArgv, __filename, '--child', engine, csv], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: root ? { ...process.env, SWC_NODE_PROJECT: join(root, 'tsconfig.base.json') } : process.env,
  });
  if (result.status !== 0) throw new Error(`${engine} child failed (exit ${result.status})`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) as string) as Figures;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    const run = process.argv[3] === 'duckdb' ? duckdb : ours;
    console.log(JSON.stringify(await run(process.argv[4])));
    return;
  }
  const folder = process.env.BENCH_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'ingest-stage-'));
  mkdirSync(folder, { recursive: true });
  const { csv, counts } = ensureCustomerBase(folder, CUSTOMERS, TRANSACTIONS);
  const engines: [string, string, string | undefined][] = [
    ['ours', 'ours', undefined],
    ...(BASELINE ? [['baseline', 'ours', BASELINE] as [string, string, string]] : []),
    ['duckdb', 'duckdb', undefined],
  ];
  const times = new Map<string, number[]>(engines.map(([name]) => [name, []]));
  console.log(
    `ingest stage, ${fmt(counts.customers)} customers / ${fmt(counts.transactions)} transactions, ${ROUNDS} rounds`,
  );
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, engine, root] of engines) {
      const load = loadavg()[0];
      const f = child(engine, csv, root);
      if (f.rows !== counts.transactions) throw new Error(`${name}: ${f.rows} rows, expected ${counts.transactions}`);
      times.get(name)?.push(f.ms);
      const cpu = f.cpuMs === undefined ? '' : `, CPU ${fmt(f.cpuMs)} ms`;
      console.log(
        `round ${round} ${name.padEnd(8)} ${fmt(f.ms).padStart(7)} ms${cpu}, peak RSS ${fmt(f.peakRssMiB)} MiB (load ${load.toFixed(2)})`,
      );
    }
  }
  const duck = median(times.get('duckdb') ?? []);
  for (const [name] of engines) {
    const m = median(times.get(name) ?? []);
    console.log(`median ${name.padEnd(8)} ${fmt(m).padStart(7)} ms  (${(m / duck).toFixed(2)}x DuckDB)`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
