import { availableParallelism } from 'node:os';
import { isSharedArrayBuffer } from 'node:util/types';
import type { Worker } from 'node:worker_threads';
import { createFeatureFrame, type FeatureColumn, type FeatureFrame } from '@workbench/plugin-sdk';
import { dayOf, MS_PER_DAY } from './bytes';
import {
  customerFeatureRange,
  FEATURE_COLUMNS,
  type CustomerRowGroups,
  type FeatureColumns,
  type FeatureRangeJob,
} from './customer-feature-range';
import { startAnsweringThread } from './thread-entry';
import type { TransactionTable } from './transaction-table';

/** One feature of a feature set: its column name, unit and meaning. */
export interface FeatureDefinition {
  name: string;
  unit: string;
  description: string;
}

/**
 * A named, versioned list of features. The version changes whenever a definition changes, so a run
 * records exactly which features it was trained on.
 *
 * @example
 * { name: 'rfm', version: 1, features: [{ name: 'recency_days', unit: 'days', description: '…' }] }
 */
export interface FeatureSet {
  name: string;
  version: number;
  features: readonly FeatureDefinition[];
}

export const RFM_FEATURES: FeatureSet = {
  name: 'rfm',
  version: 1,
  features: [
    { name: 'recency_days', unit: 'days', description: 'reference day − day of the last purchase' },
    {
      name: 'frequency',
      unit: 'orders',
      description: 'distinct purchase orders (without an order id column: distinct purchase timestamps)',
    },
    { name: 'monetary', unit: 'currency', description: 'total amount; under returns: net, returns are subtracted' },
    { name: 'mean_order_value', unit: 'currency', description: 'monetary / frequency' },
    { name: 'tenure_days', unit: 'days', description: 'reference day − day of the first purchase' },
    {
      name: 'mean_interpurchase_days',
      unit: 'days',
      description:
        '(last − first purchase day) / (distinct purchase days − 1); NaN (missing) for customers with one purchase day',
    },
    { name: 'active_months', unit: 'months', description: 'distinct calendar months (UTC) with a purchase' },
  ],
};

/** Inputs of BG/NBD, Pareto/NBD and Gamma-Gamma (Fader, Hardie & Lee 2005) in the CDNOW convention: days are the unit of purchase, weeks of time. */
export const BGNBD_FEATURES: FeatureSet = {
  name: 'bgnbd',
  version: 1,
  features: [
    { name: 'x', unit: 'purchase days', description: 'repeat purchase days: distinct purchase days − 1' },
    { name: 't_x', unit: 'weeks', description: '(last − first purchase day) / 7' },
    { name: 'T', unit: 'weeks', description: '(reference day − first purchase day) / 7' },
    {
      name: 'monetary_value',
      unit: 'currency',
      description: 'mean purchase total of the repeat purchase days (the first day excluded); 0 when x = 0',
    },
  ],
};

const FEATURE_SETS = { rfm: RFM_FEATURES, bgnbd: BGNBD_FEATURES } as const;

export interface CustomerFeatureOptions {
  /**
   * The day the features are computed as of (UTC; its time of day is ignored). Transactions on
   * later days are left out, those on this day count. Default: the day after the last transaction.
   */
  referenceDate?: Date;
  /** Default `['rfm']`. */
  featureSets?: readonly (keyof typeof FEATURE_SETS)[];
  /** Customer attributes (e.g. the frame of `ingestCustomersCsv`) joined by customer id; missing customers get NaN / no category. */
  customers?: FeatureFrame;
}

export interface CustomerFeatures {
  /** One row per customer with at least one purchase on or before the reference day. */
  frame: FeatureFrame;
  featureSets: FeatureSet[];
  referenceDate: Date;
  /** Customers in the table left out: only returns, or no purchase by the reference day. */
  customersWithoutPurchases: number;
  /** Columns joined from `customers` (renamed `customer_<name>` when a feature has the same name). */
  attributes: string[];
  /** Rows of the frame with no match in `customers`. */
  unmatchedCustomers: number;
  /** The frame row of each customer of the table (by customer index), -1 for those left out: a join without ids. */
  rowOfCustomer: Int32Array;
}

/**
 * Per-customer features from a transactions table as of a reference day. Purchases are the rows not
 * marked as returns; under `returns: 'net'` returns only lower `monetary`. Several orders on one day
 * are one purchase day for the BG/NBD inputs, as in the CDNOW convention.
 */
export function buildCustomerFeatures(table: TransactionTable, options: CustomerFeatureOptions = {}): CustomerFeatures {
  const steps = customerFeatureSteps(table, options, FEATURE_ROWS_PER_STEP, 1);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `buildCustomerFeatures` giving the event loop a turn every few hundred thousand rows: in a server process it takes
 * seconds at 10M transactions (a minute at 100M), and a pool's connection requests or a heartbeat must not wait that
 * long. When the table's row columns are in shared memory (`readTransactions`' `shared`), the per-customer pass runs
 * over ranges of customers on `threads` threads (this one and worker threads; default: the machine's cores, up to
 * 4, from 1M rows): the result is the same for any count. The frame's columns are then in shared memory too (the
 * threads wrote them), which no thread uses any more once it is returned.
 */
export async function buildCustomerFeaturesYielding(
  table: TransactionTable,
  options: CustomerFeatureOptions & { threads?: number } = {},
  rowsPerStep = FEATURE_ROWS_PER_STEP,
): Promise<CustomerFeatures> {
  const threads =
    options.threads ?? (table.rowCount >= PARALLEL_FEATURES_MIN_ROWS ? Math.min(4, availableParallelism()) : 1);
  const steps = customerFeatureSteps(table, options, rowsPerStep, threads);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await (step.value ?? new Promise(setImmediate));
  }
}

/** Rows between two pauses of `customerFeatureSteps`: ~10 ms of work (more on a busy machine); 1,000 pauses cost ~nothing. */
export const FEATURE_ROWS_PER_STEP = 1 << 14;

/** Rows from which the per-customer pass pays for a worker thread (~0.1 s to start one; the pass is ~0.18 s per 1M rows). */
const PARALLEL_FEATURES_MIN_ROWS = 1 << 20;

/**
 * The work of `buildCustomerFeatures`, pausing (`yield`) after every `STEP` rows or so, and yielding a promise while it
 * waits for its worker threads (`threads` > 1 and the row columns in shared memory; else it starts none).
 */
function* customerFeatureSteps(
  table: TransactionTable,
  options: CustomerFeatureOptions,
  STEP: number,
  threads: number,
): Generator<Promise<unknown> | void, CustomerFeatures, void> {
  const parallel =
    threads > 1 &&
    [table.timestamp, table.amount, table.order, table.isReturn].every((c) => isSharedArrayBuffer(c.buffer));
  // Started first: they load their code while this thread groups the rows.
  const workers = parallel ? Array.from({ length: threads - 1 }, startFeatureThread) : [];
  try {
    return yield* customerFeaturesWith(table, options, STEP, workers);
  } finally {
    for (const { worker } of workers) void worker.terminate();
  }
}

/** The build, with these workers (none: all on this thread) for the ranges of customers after the first. */
function* customerFeaturesWith(
  table: TransactionTable,
  options: CustomerFeatureOptions,
  STEP: number,
  workers: FeatureThread[],
): Generator<Promise<unknown> | void, CustomerFeatures, void> {
  const n = table.rowCount;
  let lastDay = -Infinity;
  for (let start = 0; start < n; start += STEP) {
    const end = Math.min(n, start + STEP);
    for (let i = start; i < end; i++) lastDay = Math.max(lastDay, dayOf(table.timestamp[i]));
    yield;
  }
  const refDay = options.referenceDate ? dayOf(options.referenceDate.getTime()) : lastDay + 1;
  const sets = (options.featureSets ?? ['rfm']).map((s) => FEATURE_SETS[s]);

  // Group the rows by customer (counting sort), keeping only rows up to the reference day; in shared memory when
  // worker threads read the groups too.
  const room = (bytes: number) => (workers.length > 0 ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const customerCount = table.customerIds.length;
  const offsets = new Int32Array(room(4 * (customerCount + 1)));
  for (let start = 0; start < n; start += STEP) {
    const end = Math.min(n, start + STEP);
    for (let i = start; i < end; i++) if (dayOf(table.timestamp[i]) <= refDay) offsets[table.customer[i] + 1]++;
    yield;
  }
  for (let c = 0; c < customerCount; c++) offsets[c + 1] += offsets[c];
  const rows = new Int32Array(room(4 * offsets[customerCount]));
  const fill = offsets.slice(0, customerCount);
  yield;
  for (let start = 0; start < n; start += STEP) {
    const end = Math.min(n, start + STEP);
    for (let i = start; i < end; i++) if (dayOf(table.timestamp[i]) <= refDay) rows[fill[table.customer[i]]++] = i;
    yield;
  }
  const groups: CustomerRowGroups = {
    offsets,
    rows,
    timestamp: table.timestamp,
    amount: table.amount,
    order: table.order,
    isReturn: table.isReturn,
    orderCount: table.orderIds.length,
    refDay,
  };

  // Ranges of customers with about as much work each, the first on this thread, the others on the workers. A
  // customer's rows cost ~0.17 µs each and the customer ~0.28 µs more (1M customers / 10M rows, where the first half
  // of the rows had 26% of the customers): the work before customer c is counted as offsets[c] + 2c.
  const work = (c: number) => offsets[c] + 2 * c;
  const bounds = [0];
  for (let k = 1, c = 0; k <= workers.length; k++) {
    const workBefore = (work(customerCount) * k) / (workers.length + 1);
    while (c < customerCount && work(c) < workBefore) c++;
    bounds.push(c);
  }
  bounds.push(customerCount);
  // One column per feature: each customer's features at its index, then moved up over the customers left out (and
  // trimmed at the end); no per-customer allocation for the GC to chase. The workers write their ranges in place.
  const out = {} as FeatureColumns;
  // Allocated one at a time: a fresh array's memory is zeroed when it is made (~30 ms for 1M customers).
  for (const name of FEATURE_COLUMNS) {
    out[name] = new Float64Array(room(8 * customerCount));
    yield;
  }
  const answers = workers.map(({ worker, answer }, k) => {
    const job: FeatureRangeJob = { groups, out, from: bounds[k + 1], to: bounds[k + 2] };
    worker.postMessage(job);
    return answer;
  });
  const rowOfCustomer = new Int32Array(customerCount);
  const ids: string[] = [];
  const columnList = FEATURE_COLUMNS.map((name) => out[name]);
  let rowCount = 0;
  /** Gives the range's customers with a purchase the frame's next rows, in customer order (their features moved up). */
  function* placeRange(from: number, to: number): Generator<void, void, void> {
    for (let start = from; start < to; start += STEP) {
      const end = Math.min(to, start + STEP);
      for (let c = start; c < end; c++) {
        if (out.frequency[c] === 0) {
          rowOfCustomer[c] = -1;
          continue;
        }
        if (rowCount !== c) for (const column of columnList) column[rowCount] = column[c];
        rowOfCustomer[c] = rowCount++;
        ids.push(table.customerIds.at(c) as string);
      }
      yield;
    }
  }
  yield* customerFeatureRange(groups, 0, bounds[1], out, STEP);
  // Placed while the workers work on: their ranges come after it.
  yield* placeRange(0, bounds[1]);
  for (let k = 0; k < answers.length; k++) {
    const [from, to] = [bounds[k + 1], bounds[k + 2]];
    const answered = { done: false };
    yield answers[k].then((done) => (answered.done = done));
    // A worker that failed (it could not start, say) leaves its range to this thread.
    if (!answered.done) yield* customerFeatureRange(groups, from, to, out, STEP);
    yield* placeRange(from, to);
  }
  const withoutPurchases = customerCount - rowCount;

  const columns: Record<string, FeatureColumn> = {};
  for (const set of sets) {
    for (const f of set.features) {
      const values = out[f.name as keyof typeof out];
      // Trimmed only when customers were left out: a copy is seconds of fresh memory at 10M customers.
      columns[f.name] = {
        kind: 'numeric',
        values: ids.length === customerCount ? values : values.slice(0, ids.length),
      };
      yield;
    }
  }
  const attributes: string[] = [];
  let unmatched = 0;
  if (options.customers) {
    const attrs = options.customers;
    // A map of a million ids and its lookups take a second: built and read a step of ids at a time.
    const rowOf = new Map<string, number>();
    for (let start = 0; start < attrs.ids.length; start += STEP) {
      const end = Math.min(attrs.ids.length, start + STEP);
      for (let i = start; i < end; i++) rowOf.set(attrs.ids[i], i);
      yield;
    }
    const at = new Int32Array(ids.length);
    for (let start = 0; start < ids.length; start += STEP) {
      const end = Math.min(ids.length, start + STEP);
      for (let r = start; r < end; r++) at[r] = rowOf.get(ids[r]) ?? -1;
      yield;
    }
    unmatched = at.filter((i) => i < 0).length;
    for (const [name, column] of Object.entries(attrs.columns)) {
      yield;
      const target = columns[name] ? `customer_${name}` : name;
      attributes.push(target);
      if (column.kind === 'numeric') {
        const values = new Float64Array(ids.length);
        at.forEach((i, r) => (values[r] = i < 0 ? Number.NaN : column.values[i]));
        columns[target] = { kind: 'numeric', values };
      } else {
        const codes = new Int32Array(ids.length);
        at.forEach((i, r) => (codes[r] = i < 0 ? -1 : column.codes[i]));
        columns[target] = { kind: 'categorical', codes, levels: column.levels };
      }
    }
  }
  return {
    frame: createFeatureFrame(ids, columns),
    featureSets: sets,
    referenceDate: new Date(refDay * MS_PER_DAY),
    customersWithoutPurchases: withoutPurchases,
    attributes,
    unmatchedCustomers: unmatched,
    rowOfCustomer,
  };
}

interface FeatureThread {
  worker: Worker;
  /** Whether it wrote its range's features. */
  answer: Promise<boolean>;
}

function startFeatureThread(): FeatureThread {
  const { worker, answer } = startAnsweringThread<{ done: true } | { error: string }>(__dirname, 'features.thread');
  return { worker, answer: answer.then((m) => m !== null && !('error' in m)) };
}
