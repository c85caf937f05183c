/**
 * Transactions ingest benchmark: @workbench/data's streaming ingestTransactions against DuckDB's
 * read_csv on the same files. Prints figures; never a timed test.
 *
 *   node -r ./tools/register.js tools/bench/src/ingest.bench.ts
 *   BENCH_ROWS=1000000 node -r ./tools/register.js tools/bench/src/ingest.bench.ts
 *
 * Files: /work/shared/datasets/online_retail/online_retail.csv (48 MB; override with BENCH_RETAIL) and
 * a generated Online-Retail-shaped file of BENCH_ROWS rows (default 5,000,000) in a temp folder.
 * Each engine runs in its own child process, so "peak RSS" is that engine's own high-water mark.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestTransactions, transactionStats } from '@workbench/data';
import { generateTransactionsCsv, type GeneratedCounts } from './generate-transactions';

const RETAIL = process.env.BENCH_RETAIL ?? '/work/shared/datasets/online_retail/online_retail.csv';
const RETAIL_REFERENCE = join(__dirname, '../../../libs/data/test/reference/online-retail-full.json');
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);

interface Figures {
  engine: string;
  firstMs: number;
  bestMs: number;
  rows: number;
  peakRssMb: number;
  counts?: {
    rowsRead: number;
    rowsAccepted: number;
    emptyCustomerId: number;
    returnRows: number;
    customers: number;
    orders: number;
  };
}

async function oursInChild(file: string): Promise<Figures> {
  const times: number[] = [];
  let counts: Figures['counts'];
  for (let r = 0; r < REPEATS; r++) {
    const start = process.hrtime.bigint();
    const { report, table } = await ingestTransactions(file, { policy: 'skip', returns: 'net' });
    // Timed with the ingest, as when the ingest computed them: the figures stay comparable with earlier runs.
    const stats = await transactionStats(table);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    counts = {
      rowsRead: report.rowsRead,
      rowsAccepted: report.rowsAccepted,
      emptyCustomerId: report.rejectedByReason['customer id is empty'] ?? 0,
      returnRows: report.returnRows,
      customers: stats.customers,
      orders: stats.orders,
    };
  }
  return {
    engine: 'ours',
    firstMs: times[0],
    bestMs: Math.min(...times),
    rows: counts?.rowsRead ?? 0,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    counts,
  };
}

async function duckdbInChild(file: string): Promise<Figures> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const times: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const start = process.hrtime.bigint();
    await connection.run(`CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv('${file.replace(/'/g, "''")}')`);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const rows = Number((await connection.runAndReadAll('SELECT count(*) FROM t')).getRows()[0][0]);
  const threads = String((await connection.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0]);
  return {
    engine: `duckdb (${threads} threads)`,
    firstMs: times[0],
    bestMs: Math.min(...times),
    rows,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

function runChild(engine: 'ours' | 'duckdb', file: string): Figures {
  const result = spawnSync(process.execPath, [...process.execArgv, __filename], {
    env: { ...process.env, BENCH_CHILD_ENGINE: engine, BENCH_CHILD_FILE: file },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  if (result.status !== 0) throw new Error(`${engine} on ${file} failed (exit ${result.status})`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) as string) as Figures;
}

const fmt = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function check(label: string, actual: Figures['counts'], expected: Record<string, number>): string {
  const wrong = Object.entries(expected).filter(([k, v]) => (actual as Record<string, number>)[k] !== v);
  return wrong.length === 0
    ? `${label}: counts match (${Object.entries(expected)
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(', ')})`
    : `${label}: COUNTS DIFFER: ${wrong.map(([k, v]) => `${k} expected ${v}, got ${(actual as Record<string, number>)[k]}`).join('; ')}`;
}

async function main(): Promise<void> {
  const engine = process.env.BENCH_CHILD_ENGINE;
  if (engine) {
    const file = process.env.BENCH_CHILD_FILE as string;
    process.stdout.write(
      `${JSON.stringify(engine === 'ours' ? await oursInChild(file) : await duckdbInChild(file))}\n`,
    );
    return;
  }
  const rows = Number(process.env.BENCH_ROWS ?? 5_000_000);
  const folder = mkdtempSync(join(tmpdir(), 'ingest-bench-'));
  const generatedFile = join(folder, `transactions-${rows}.csv`);
  console.log(
    `transactions ingest benchmark, node ${process.version}, ${REPEATS} runs per engine (first and best shown)`,
  );
  const checks: string[] = [];
  const table: string[][] = [];
  try {
    const files: { label: string; path: string; expected?: Record<string, number> }[] = [];
    if (existsSync(RETAIL)) {
      const reference = JSON.parse(readFileSync(RETAIL_REFERENCE, 'utf8')) as Record<string, number>;
      files.push({
        label: 'online_retail.csv',
        path: RETAIL,
        expected: {
          rowsRead: reference.rowsRead,
          rowsAccepted: reference.rowsAccepted,
          emptyCustomerId: reference.emptyCustomerId,
          returnRows: reference.returnRows,
          customers: reference.customers,
          orders: reference.orders,
        },
      });
    } else console.log(`(${RETAIL} not found: skipped)`);
    console.log(`generating ${fmt(rows)} rows ...`);
    const generated: GeneratedCounts = await generateTransactionsCsv(generatedFile, rows);
    files.push({
      label: `generated ${fmt(rows)} rows (${fmt(generated.bytes / 1e6)} MB)`,
      path: generatedFile,
      expected: {
        rowsRead: generated.rows,
        rowsAccepted: generated.rows - generated.emptyCustomerRows,
        emptyCustomerId: generated.emptyCustomerRows,
        returnRows: generated.cancellationRows,
        customers: generated.customers,
        orders: generated.orders,
      },
    });
    for (const file of files) {
      console.log(`running ${file.label} ...`);
      const ours = runChild('ours', file.path);
      const duck = runChild('duckdb', file.path);
      if (file.expected) checks.push(check(file.label, ours.counts, file.expected));
      if (duck.rows !== ours.rows) checks.push(`${file.label}: duckdb read ${duck.rows} rows, we read ${ours.rows}`);
      for (const f of [ours, duck]) {
        table.push([
          file.label,
          f.engine,
          fmt(f.rows),
          fmt(f.firstMs),
          fmt(f.bestMs),
          fmt((f.rows / f.bestMs) * 1000),
          fmt(f.peakRssMb),
        ]);
      }
      table.push([
        file.label,
        'ratio ours / duckdb',
        '',
        `${(ours.firstMs / duck.firstMs).toFixed(2)}x`,
        `${(ours.bestMs / duck.bestMs).toFixed(2)}x`,
        '',
        '',
      ]);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const header = ['file', 'engine', 'rows', 'first ms', 'best ms', 'rows/s (best)', 'peak RSS MB'];
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((l) => l[c].length)));
  const row = (cells: string[]): string =>
    cells.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  console.log(row(header));
  table.forEach((l) => console.log(row(l)));
  checks.forEach((c) => console.log(c));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
