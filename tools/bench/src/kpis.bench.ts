/**
 * kpi-standard benchmark: the plugin's one-pass typed-array aggregation against the same per-segment
 * figures computed by DuckDB SQL over the same data. Prints figures; never a timed test.
 *
 *   node -r ./tools/register.js tools/bench/src/kpis.bench.ts
 *   BENCH_LINES=1000000 BENCH_CUSTOMERS=50000 BENCH_REPEATS=5 node -r ./tools/register.js tools/bench/src/kpis.bench.ts
 *
 * Data: src/kpi-transactions.ts (seeded; default 5,000,000 lines, 200,000 customers, 8 random segments,
 * 3% return orders). Figures per segment and overall: customers, orders (distinct purchase order ids),
 * revenue (net of returns), AOV, purchase frequency, mean recency in days.
 * Timed on both sides: the aggregation only, from columns already in memory to the per-segment figures.
 * Ours: customerActivity() + segmentFigures() (which also compute repeat buyers and the retention flags).
 * DuckDB: one SQL query over tables `tx` and `customers` loaded once beforehand with the appender
 * (untimed), run with DuckDB's default thread count and with `SET threads = 1`.
 */
import { DOUBLE, DuckDBDataChunk, DuckDBInstance, INTEGER, UTINYINT, type DuckDBConnection } from '@duckdb/node-api';
import kpiStandard from '@workbench/kpi-standard';
import {
  customerActivity,
  KpiStandardParams,
  segmentFigures,
  type SegmentFigures,
} from '@workbench/kpi-standard/internal';
import { createFeatureFrame, validateParams, type RunContext } from '@workbench/plugin-sdk';
import { generateKpiTransactions, type KpiTransactions } from './kpi-transactions';

const LINES = Number(process.env.BENCH_LINES ?? 5_000_000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 200_000);
const SEGMENTS = 8;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const SEED = 20_240_601;
const CHUNK = 2048;

interface Figures {
  segment: number | null;
  customers: number;
  orders: number;
  revenue: number;
  aov: number;
  frequency: number;
  recency: number;
}

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (v: number, d = 0) => v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

function oursToFigures(f: SegmentFigures): Figures[] {
  return Array.from({ length: f.segmentCount + 1 }, (_, s) => ({
    segment: s === f.segmentCount ? null : s,
    customers: f.customers[s],
    orders: f.orders[s],
    revenue: f.revenue[s],
    aov: f.revenue[s] / f.orders[s],
    frequency: f.orders[s] / f.customers[s],
    recency: f.recencyDays[s] / f.recencyCustomers[s],
  }));
}

async function load(connection: DuckDBConnection, data: KpiTransactions): Promise<void> {
  await connection.run(
    'CREATE TABLE tx (customer_row INTEGER, order_id INTEGER, ts DOUBLE, amount DOUBLE, is_return UTINYINT)',
  );
  await connection.run('CREATE TABLE customers (customer_row INTEGER, segment INTEGER)');
  const { customerRow, order, timestamp, amount, isReturn } = data.transactions;
  const tx = await connection.createAppender('tx');
  for (let start = 0; start < customerRow.length; start += CHUNK) {
    const end = Math.min(customerRow.length, start + CHUNK);
    const chunk = DuckDBDataChunk.create([INTEGER, INTEGER, DOUBLE, DOUBLE, UTINYINT], end - start);
    chunk.setColumns([customerRow, order, timestamp, amount, isReturn].map((c) => Array.from(c.subarray(start, end))));
    tx.appendDataChunk(chunk);
  }
  tx.closeSync();
  const customers = await connection.createAppender('customers');
  for (let start = 0; start < data.segment.length; start += CHUNK) {
    const end = Math.min(data.segment.length, start + CHUNK);
    const chunk = DuckDBDataChunk.create([INTEGER, INTEGER], end - start);
    chunk.setColumns([
      Array.from({ length: end - start }, (_, i) => start + i),
      Array.from(data.segment.subarray(start, end)),
    ]);
    customers.appendDataChunk(chunk);
  }
  customers.closeSync();
}

/** Per customer first (orders = distinct purchase order ids), then per segment with a ROLLUP row for all customers. */
const sql = (referenceDate: number, distinct: 'count-distinct' | 'group-orders') => {
  const perCustomer =
    distinct === 'count-distinct'
      ? `SELECT customer_row, sum(amount) AS revenue, count(DISTINCT order_id) FILTER (WHERE is_return = 0) AS orders,
                max(ts) FILTER (WHERE is_return = 0) AS last_ts
         FROM tx WHERE customer_row >= 0 AND ts < ${referenceDate} GROUP BY customer_row`
      : `SELECT customer_row, sum(revenue) AS revenue, count(*) FILTER (WHERE purchase) AS orders, max(last_ts) FILTER (WHERE purchase) AS last_ts
         FROM (SELECT customer_row, order_id, bool_or(is_return = 0) AS purchase, sum(amount) AS revenue,
                      max(ts) FILTER (WHERE is_return = 0) AS last_ts
               FROM tx WHERE customer_row >= 0 AND ts < ${referenceDate} GROUP BY customer_row, order_id)
         GROUP BY customer_row`;
  const refDay = Math.floor(referenceDate / 86_400_000);
  return `WITH per_customer AS (${perCustomer})
    SELECT c.segment, count(*)::DOUBLE AS customers, coalesce(sum(p.orders), 0)::DOUBLE AS orders, coalesce(sum(p.revenue), 0) AS revenue,
           sum(p.revenue) / sum(p.orders) AS aov, coalesce(sum(p.orders), 0) / count(*) AS frequency,
           avg(${refDay} - floor(p.last_ts / 86400000)) AS recency
    FROM customers c LEFT JOIN per_customer p USING (customer_row)
    GROUP BY ROLLUP (c.segment) ORDER BY c.segment NULLS LAST`;
};

async function duckdbRun(connection: DuckDBConnection, query: string): Promise<{ ms: number; figures: Figures[] }> {
  const start = process.hrtime.bigint();
  const rows = (await connection.runAndReadAll(query)).getRows();
  const elapsed = ms(start);
  const figures = rows.map((row) => ({
    segment: row[0] === null ? null : Number(row[0]),
    customers: Number(row[1]),
    orders: Number(row[2]),
    revenue: Number(row[3]),
    aov: Number(row[4]),
    frequency: Number(row[5]),
    recency: Number(row[6]),
  }));
  return { ms: elapsed, figures };
}

function compare(ours: Figures[], theirs: Figures[]): string[] {
  const problems: string[] = [];
  if (ours.length !== theirs.length) return [`ours has ${ours.length} rows, duckdb ${theirs.length}`];
  ours.forEach((a, i) => {
    const b = theirs[i];
    if (a.segment !== b.segment) problems.push(`row ${i}: segment ${a.segment} vs ${b.segment}`);
    for (const key of ['customers', 'orders'] as const)
      if (a[key] !== b[key]) problems.push(`segment ${a.segment} ${key}: ${a[key]} vs ${b[key]}`);
    for (const key of ['revenue', 'aov', 'frequency', 'recency'] as const) {
      if (Math.abs(a[key] - b[key]) > 1e-9 * Math.max(1, Math.abs(b[key])))
        problems.push(`segment ${a.segment} ${key}: ${a[key]} vs ${b[key]}`);
    }
  });
  return problems;
}

function silentContext(seed: number): RunContext {
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const artifacts = { write: async () => undefined, read: async () => new Uint8Array() };
  return { runId: 'bench', seed, signal: new AbortController().signal, progress: () => undefined, log, artifacts };
}

async function main(): Promise<void> {
  console.log(
    `kpi-standard benchmark, node ${process.version}: ${fmt(LINES)} lines, ${fmt(CUSTOMERS)} customers, ${SEGMENTS} segments, ${REPEATS} runs each (first / median / best ms)`,
  );
  let start = process.hrtime.bigint();
  const data = generateKpiTransactions({ lines: LINES, customers: CUSTOMERS, segments: SEGMENTS, seed: SEED });
  console.log(
    `generated in ${fmt(ms(start))} ms: ${fmt(data.known.orders)} orders (${fmt(data.known.purchaseOrders)} purchases), ${fmt(data.known.returnLines)} return lines`,
  );

  // The whole plugin evaluate(), for scale: results objects, cohorts and, with B > 0, the bootstrap.
  const frame = createFeatureFrame(
    Array.from({ length: CUSTOMERS }, (_, i) => String(i)),
    {},
  );
  const segments = Array.from({ length: SEGMENTS }, (_, key) => ({ key, label: `s${key}`, size: 0, profile: {} }));
  const evaluateMs: Record<string, number> = {};
  for (const resamples of [0, 200]) {
    const params = validateParams('kpi-standard', KpiStandardParams, { bootstrapResamples: resamples });
    start = process.hrtime.bigint();
    await kpiStandard.evaluate(
      {
        params,
        frame,
        assignments: { segment: data.segment },
        segments,
        referenceDate: data.referenceDate,
        transactions: data.transactions,
      },
      silentContext(1),
    );
    evaluateMs[`B=${resamples}`] = ms(start);
  }

  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  start = process.hrtime.bigint();
  await load(connection, data);
  const loadMs = ms(start);
  const threads = String((await connection.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0]);

  // Runs are interleaved (ours, then each DuckDB configuration, REPEATS rounds) so that load from other
  // processes on the machine falls on both sides alike.
  const options = { referenceDate: data.referenceDate, windowStart: -Infinity, activeDays: 90 };
  const configs = [threads, '1'].flatMap((setting) =>
    (['count-distinct', 'group-orders'] as const).map((variant) => ({
      setting,
      variant,
      query: sql(data.referenceDate, variant),
    })),
  );
  const oursTimes: number[] = [];
  let oursFigures: Figures[] = [];
  const duckTimes = configs.map(() => [] as number[]);
  const duckFigures: Figures[][] = configs.map(() => []);
  for (let r = 0; r < REPEATS; r++) {
    start = process.hrtime.bigint();
    const activity = customerActivity(data.transactions, CUSTOMERS, options);
    const figures = segmentFigures(activity, data.segment, SEGMENTS, data.referenceDate);
    oursTimes.push(ms(start));
    oursFigures = oursToFigures(figures);
    for (const [c, config] of configs.entries()) {
      await connection.run(`SET threads = ${config.setting}`);
      const run = await duckdbRun(connection, config.query);
      duckTimes[c].push(run.ms);
      duckFigures[c] = run.figures;
    }
  }
  const known =
    oursFigures[SEGMENTS].orders === data.known.purchaseOrders
      ? 'orders = generated purchase orders'
      : `ORDERS DIFFER from the generator's ${data.known.purchaseOrders}`;
  const runs = configs.map((config, c) => ({
    label: `duckdb ${config.variant}, ${config.setting} thread(s)`,
    times: duckTimes[c],
    problems: compare(oursFigures, duckFigures[c]),
  }));

  const line = (label: string, times: number[]) =>
    `${label.padEnd(42)} ${fmt(times[0]).padStart(7)} ${fmt(median(times)).padStart(7)} ${fmt(Math.min(...times)).padStart(7)}`;
  console.log(`${''.padEnd(42)} ${'first'.padStart(7)} ${'median'.padStart(7)} ${'best'.padStart(7)}`);
  console.log(line('ours (customerActivity + segmentFigures)', oursTimes));
  for (const run of runs)
    console.log(
      `${line(run.label, run.times)}   ratio ours/duckdb median ${(median(oursTimes) / median(run.times)).toFixed(2)}, best ${(Math.min(...oursTimes) / Math.min(...run.times)).toFixed(2)}`,
    );
  console.log(
    `(untimed) duckdb load via appender ${fmt(loadMs)} ms; plugin evaluate() ${Object.entries(evaluateMs)
      .map(([k, v]) => `${k} ${fmt(v)} ms`)
      .join(', ')}`,
  );
  console.log(`check: ${known}`);
  for (const run of runs)
    console.log(
      `check ${run.label}: ${run.problems.length === 0 ? 'figures agree (counts equal, sums within 1e-9 relative)' : `DIFFER: ${run.problems.slice(0, 5).join('; ')}`}`,
    );
  const all = oursFigures[SEGMENTS];
  console.log(
    `overall: customers ${fmt(all.customers)}, orders ${fmt(all.orders)}, revenue ${fmt(all.revenue, 2)}, AOV ${all.aov.toFixed(4)}, frequency ${all.frequency.toFixed(4)}, recency ${all.recency.toFixed(4)} days`,
  );
  connection.closeSync();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
