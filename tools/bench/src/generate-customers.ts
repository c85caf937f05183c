/**
 * Writes a seeded transactions CSV for a whole customer base with KNOWN structure, for the pipeline
 * benchmark: every customer belongs to one of 8 behavioural groups that differ in how often, how
 * recently and how much they buy.
 *
 *   node -r ./tools/register.js tools/bench/src/generate-customers.ts <out.csv> [customers] [transactions] [seed]
 *
 * Columns `InvoiceNo,CustomerID,InvoiceDate,Amount` (the names ingest detects), one line per order
 * line, in time order (orders sorted by day), dates `YYYY-MM-DD HH:MM:SS` over the two years before
 * 2025-01-01. Every customer buys at least once, so the ingest finds exactly `customers` customers.
 * About 2% of orders are followed by a return: an order `C<invoice>` of one line with a negative
 * amount, within two weeks. The line count is close to `transactions` (a random outcome: the
 * returned counts are exact). Beside the CSV, `<out.csv>.groups` holds each customer's group
 * (one byte per customer, customer id = 10,000,000 + index) and `<out.csv>.json` the counts.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '@workbench/plugin-sdk';

export interface BehaviourGroup {
  name: string;
  /** Share of the customers in this group. */
  weight: number;
  /** Mean orders over the active window before scaling to the requested transaction count. */
  meanOrders: number;
  /** Median order value (log-normal, σ = 0.5). */
  medianOrderValue: number;
  /** Active window as fractions of the two-year period: orders fall uniformly in it. */
  activeFrom: number;
  activeTo: number;
}

/** The 8 groups: distinct in recency (window end), frequency (orders) and monetary (orders × value). */
export const BEHAVIOUR_GROUPS: readonly BehaviourGroup[] = [
  { name: 'champions', weight: 0.05, meanOrders: 40, medianOrderValue: 120, activeFrom: 0, activeTo: 1 },
  { name: 'loyal', weight: 0.1, meanOrders: 15, medianOrderValue: 60, activeFrom: 0, activeTo: 1 },
  { name: 'big spenders', weight: 0.05, meanOrders: 3, medianOrderValue: 600, activeFrom: 0, activeTo: 1 },
  { name: 'frequent small', weight: 0.2, meanOrders: 8, medianOrderValue: 15, activeFrom: 0, activeTo: 1 },
  { name: 'new', weight: 0.15, meanOrders: 1.5, medianOrderValue: 40, activeFrom: 0.92, activeTo: 1 },
  { name: 'at risk', weight: 0.15, meanOrders: 10, medianOrderValue: 50, activeFrom: 0, activeTo: 0.55 },
  { name: 'lost one-timers', weight: 0.2, meanOrders: 1, medianOrderValue: 30, activeFrom: 0, activeTo: 0.4 },
  { name: 'occasional', weight: 0.1, meanOrders: 3, medianOrderValue: 40, activeFrom: 0, activeTo: 1 },
];

export interface GroupCounts {
  name: string;
  customers: number;
  /** Purchase orders (returns not counted). */
  orders: number;
  /** Lines, returns included. */
  lines: number;
  /** Net amount (returns subtract). */
  revenue: number;
}

export interface GeneratedCustomerBase {
  customers: number;
  /** Lines written (the CSV's data rows), returns included. */
  transactions: number;
  orders: number;
  returnOrders: number;
  bytes: number;
  groups: GroupCounts[];
}

export const FIRST_CUSTOMER_ID = 10_000_000;
const DAYS = 730;
const END_DAY = Date.UTC(2025, 0, 1) / 86_400_000;
const RETURN_RATE = 0.02;

/** Knuth's multiplication method: fine for the small means used here (≤ 40). */
function poisson(rand: () => number, mean: number): number {
  if (mean <= 0) return 0;
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rand(); p > limit; p *= rand()) k++;
  return k;
}

/** Standard normal by Box–Muller. */
function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Writes the customer base to `path` (plus `.groups`), resolving with the exact counts written. */
export async function generateCustomerBaseCsv(
  path: string,
  customers: number,
  transactions: number,
  seed = 20250101,
): Promise<GeneratedCustomerBase> {
  const rand = seededRandom(seed);
  const expectedOrders = BEHAVIOUR_GROUPS.reduce((sum, g) => sum + g.weight * Math.max(1, g.meanOrders), 0);
  const linesPerCustomer = transactions / customers / (1 + RETURN_RATE / 2);
  // Orders per customer keep the groups' ratios; lines per order make up the requested total.
  const orderScale = Math.min(1, linesPerCustomer / expectedOrders);
  const extraLinesPerOrder = Math.max(0, linesPerCustomer / (expectedOrders * orderScale) - 1);

  const group = new Uint8Array(customers);
  const cumulative = BEHAVIOUR_GROUPS.map((_, i) => BEHAVIOUR_GROUPS.slice(0, i + 1).reduce((s, g) => s + g.weight, 0));
  for (let i = 0; i < customers; i++) {
    const u = rand();
    let g = 0;
    while (g < cumulative.length - 1 && u >= cumulative[g]) g++;
    group[i] = g;
  }

  // Orders first (typed columns), then written in day order, so customers interleave as in real data.
  let capacity = Math.ceil(customers * expectedOrders * orderScale * 1.2) + 16;
  let orderCustomer = new Int32Array(capacity);
  let orderDay = new Uint16Array(capacity);
  let orderAmount = new Float64Array(capacity);
  let orderLines = new Uint8Array(capacity);
  let orderReturnOf = new Int32Array(capacity);
  let count = 0;
  const push = (customer: number, day: number, amount: number, lines: number, returnOf: number) => {
    if (count === capacity) {
      capacity *= 2;
      const grow = <T extends Int32Array | Uint16Array | Float64Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(capacity);
        b.set(a);
        return b;
      };
      [orderCustomer, orderDay, orderAmount, orderLines, orderReturnOf] = [
        grow(orderCustomer),
        grow(orderDay),
        grow(orderAmount),
        grow(orderLines),
        grow(orderReturnOf),
      ];
    }
    orderCustomer[count] = customer;
    orderDay[count] = day;
    orderAmount[count] = amount;
    orderLines[count] = lines;
    orderReturnOf[count] = returnOf;
    count++;
  };
  for (let i = 0; i < customers; i++) {
    const g = BEHAVIOUR_GROUPS[group[i]];
    const orders = 1 + poisson(rand, g.meanOrders * orderScale - 1);
    const from = Math.floor(g.activeFrom * DAYS);
    const span = Math.max(1, Math.floor(g.activeTo * DAYS) - from);
    for (let o = 0; o < orders; o++) {
      const day = from + Math.floor(rand() * span);
      const amount = Math.max(0.5, Math.round(g.medianOrderValue * Math.exp(0.5 * gaussian(rand)) * 100) / 100);
      const lines = Math.min(255, 1 + poisson(rand, extraLinesPerOrder));
      push(i, day, amount, lines, -1);
      if (rand() < RETURN_RATE) {
        const returnDay = Math.min(DAYS - 1, day + 1 + Math.floor(rand() * 14));
        push(i, returnDay, -Math.max(0.01, Math.round((amount / lines) * rand() * 100) / 100), 1, count - 1);
      }
    }
  }

  // Counting sort of the orders by day.
  const start = new Int32Array(DAYS + 1);
  for (let o = 0; o < count; o++) start[orderDay[o] + 1]++;
  for (let d = 0; d < DAYS; d++) start[d + 1] += start[d];
  const byDay = new Int32Array(count);
  const fill = start.slice(0, DAYS);
  for (let o = 0; o < count; o++) byDay[fill[orderDay[o]]++] = o;

  const dayText = Array.from({ length: DAYS }, (_, d) => {
    const date = new Date((END_DAY - DAYS + d) * 86_400_000);
    return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  });
  const counts: GeneratedCustomerBase = {
    customers,
    transactions: 0,
    orders: 0,
    returnOrders: 0,
    bytes: 0,
    groups: BEHAVIOUR_GROUPS.map((g) => ({ name: g.name, customers: 0, orders: 0, lines: 0, revenue: 0 })),
  };
  for (let i = 0; i < customers; i++) counts.groups[group[i]].customers++;
  const invoiceOf = new Int32Array(count);
  let invoice = 1_000_000;

  const out = createWriteStream(path);
  let text = 'InvoiceNo,CustomerID,InvoiceDate,Amount\n';
  const flush = async () => {
    counts.bytes += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    text = '';
  };
  for (let t = 0; t < count; t++) {
    const o = byDay[t];
    const customer = orderCustomer[o];
    const stats = counts.groups[group[customer]];
    const isReturn = orderReturnOf[o] >= 0;
    // A return is written after its purchase (a later or the same day; same-day orders keep their generation order).
    const id = isReturn ? `C${invoiceOf[orderReturnOf[o]]}` : String((invoiceOf[o] = ++invoice));
    const seconds = 8 * 3600 + Math.floor(rand() * 12 * 3600);
    const prefix = `${id},${FIRST_CUSTOMER_ID + customer},${dayText[orderDay[o]]} ${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)},`;
    const lines = orderLines[o];
    const cents = Math.round(orderAmount[o] * 100);
    // Lines split the order's amount in cents, the last one taking the remainder, so amounts add up exactly.
    const per = Math.trunc(cents / lines);
    for (let l = 0; l < lines; l++) {
      const c = l === lines - 1 ? cents - per * (lines - 1) : per;
      text += `${prefix}${(c / 100).toFixed(2)}\n`;
    }
    counts.transactions += lines;
    stats.lines += lines;
    stats.revenue += cents / 100;
    if (isReturn) counts.returnOrders++;
    else {
      counts.orders++;
      stats.orders++;
    }
    if (text.length > 1 << 20) await flush();
  }
  await flush();
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  writeFileSync(`${path}.groups`, group);
  writeFileSync(`${path}.json`, JSON.stringify(counts));
  return counts;
}

/**
 * The file of this size in `folder`, generated by a child process (this module run as a script) unless it
 * is there already; the benches that compare engines all read this one file.
 */
export function ensureCustomerBase(
  folder: string,
  customers: number,
  transactions: number,
): { csv: string; counts: GeneratedCustomerBase; groups: Uint8Array; generatedMs?: number } {
  const csv = join(folder, `customers-${customers}-${transactions}.csv`);
  const fmt = (value: number) => value.toLocaleString('en-US');
  let generatedMs: number | undefined;
  if (!existsSync(`${csv}.json`)) {
    process.stdout.write(
      `generating ${fmt(customers)} customers / ~${fmt(transactions)} transactions in ${folder} ...`,
    );
    const start = process.hrtime.bigint();
    const result = spawnSync(
      process.execPath,
      [...process.execArgv, __filename, csv, String(customers), String(transactions)],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    if (result.status !== 0) throw new Error(`generate-customers.ts failed (exit ${result.status})`);
    generatedMs = Number(process.hrtime.bigint() - start) / 1e6;
    process.stdout.write(` ${fmt(Math.round(generatedMs))} ms\n`);
  } else console.log(`reusing ${csv}`);
  return {
    csv,
    counts: JSON.parse(readFileSync(`${csv}.json`, 'utf8')) as GeneratedCustomerBase,
    groups: readFileSync(`${csv}.groups`),
    generatedMs,
  };
}

if (require.main === module) {
  const [path, customers = '1000000', transactions = '10000000', seed = '20250101'] = process.argv.slice(2);
  if (!path) throw new Error('usage: generate-customers.ts <out.csv> [customers] [transactions] [seed]');
  generateCustomerBaseCsv(path, Number(customers), Number(transactions), Number(seed)).then(
    (counts) => console.log(JSON.stringify(counts)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
