import { createFeatureFrame, type FeatureColumn, type FeatureFrame } from '@workbench/plugin-sdk';
import { dayOf, monthOfDay, MS_PER_DAY } from './bytes';
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
  const steps = customerFeatureSteps(table, options, FEATURE_ROWS_PER_STEP);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `buildCustomerFeatures` giving the event loop a turn every few hundred thousand rows: in a server process it takes
 * seconds at 10M transactions (a minute at 100M), and a pool's connection requests or a heartbeat must not wait that long.
 */
export async function buildCustomerFeaturesYielding(
  table: TransactionTable,
  options: CustomerFeatureOptions = {},
  rowsPerStep = FEATURE_ROWS_PER_STEP,
): Promise<CustomerFeatures> {
  const steps = customerFeatureSteps(table, options, rowsPerStep);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise(setImmediate);
  }
}

/** Rows between two pauses of `customerFeatureSteps`: ~10 ms of work (more on a busy machine); 1,000 pauses cost ~nothing. */
export const FEATURE_ROWS_PER_STEP = 1 << 14;

/** Rows gathered at a time in customer order: ~340 KB of columns, within a core's cache (4K to 64K measured alike). */
const GATHER_ROWS = 1 << 14;

/** The work of `buildCustomerFeatures`, pausing (`yield`) after every `STEP` rows or so. */
function* customerFeatureSteps(
  table: TransactionTable,
  options: CustomerFeatureOptions,
  STEP: number,
): Generator<void, CustomerFeatures, void> {
  const n = table.rowCount;
  let lastDay = -Infinity;
  for (let start = 0; start < n; start += STEP) {
    const end = Math.min(n, start + STEP);
    for (let i = start; i < end; i++) lastDay = Math.max(lastDay, dayOf(table.timestamp[i]));
    yield;
  }
  const refDay = options.referenceDate ? dayOf(options.referenceDate.getTime()) : lastDay + 1;
  const sets = (options.featureSets ?? ['rfm']).map((s) => FEATURE_SETS[s]);

  // Group the rows by customer (counting sort), keeping only rows up to the reference day.
  const customerCount = table.customerIds.length;
  const offsets = new Int32Array(customerCount + 1);
  for (let start = 0; start < n; start += STEP) {
    const end = Math.min(n, start + STEP);
    for (let i = start; i < end; i++) if (dayOf(table.timestamp[i]) <= refDay) offsets[table.customer[i] + 1]++;
    yield;
  }
  for (let c = 0; c < customerCount; c++) offsets[c + 1] += offsets[c];
  const rows = new Int32Array(offsets[customerCount]);
  const fill = offsets.slice(0, customerCount);
  yield;
  for (let start = 0; start < n; start += STEP) {
    const end = Math.min(n, start + STEP);
    for (let i = start; i < end; i++) if (dayOf(table.timestamp[i]) <= refDay) rows[fill[table.customer[i]]++] = i;
    yield;
  }

  // The customer (+ 1) who last counted each order, 0 for none: the array starts zeroed, with no pass to fill it.
  const orderSeen = new Int32Array(table.orderIds.length);
  const ids: string[] = [];
  const rowOfCustomer = new Int32Array(customerCount).fill(-1);
  yield;
  // One preallocated column per feature (trimmed at the end): no per-customer allocation for the GC to chase.
  const names = [
    'recency_days',
    'frequency',
    'monetary',
    'mean_order_value',
    'tenure_days',
    'mean_interpurchase_days',
    'active_months',
    'x',
    't_x',
    'T',
    'monetary_value',
  ] as const;
  const out = {} as Record<(typeof names)[number], Float64Array>;
  // Allocated one at a time: a fresh array's memory is zeroed when it is made (~30 ms for 1M customers).
  for (const name of names) {
    out[name] = new Float64Array(customerCount);
    yield;
  }
  let withoutPurchases = 0;
  let largest = 0;
  for (let c = 0; c < customerCount; c++) largest = Math.max(largest, offsets[c + 1] - offsets[c]);
  // A customer's purchases (their places in the gathered block below), reused for every customer.
  const purchases = new Int32Array(largest);
  yield;
  // The rows of the next customers, gathered into small columns in customer order by a loop that does nothing
  // else: its reads of the table's columns, scattered over hundreds of MB, then overlap one another, where read
  // one customer at a time between the work on them they wait one after another (per customer: 4.1-4.8 s at 10M
  // rows, 3.0-3.3 s gathered). A customer's rows always fit (capacity ≥ largest); a block need not end on one.
  const capacity = Math.max(largest, GATHER_ROWS);
  const timestamp = new Float64Array(capacity);
  const amount = new Float64Array(capacity);
  const orderOf = new Int32Array(capacity);
  const isReturn = new Uint8Array(capacity);
  let blockStart = 0;
  let blockEnd = 0;
  let pauseAt = STEP;
  for (let c = 0; c < customerCount; c++) {
    if (offsets[c] >= pauseAt) {
      pauseAt = offsets[c] + STEP;
      yield;
    }
    if (offsets[c + 1] > blockEnd) {
      blockStart = offsets[c];
      blockEnd = Math.min(offsets[customerCount], blockStart + capacity);
      for (let k = blockStart; k < blockEnd; k++) {
        const i = rows[k];
        timestamp[k - blockStart] = table.timestamp[i];
        amount[k - blockStart] = table.amount[i];
        orderOf[k - blockStart] = table.order[i];
        isReturn[k - blockStart] = table.isReturn[i];
      }
    }
    // Indexes into the gathered block from here on.
    let monetary = 0;
    let count = 0;
    for (let k = offsets[c] - blockStart; k < offsets[c + 1] - blockStart; k++) {
      monetary += amount[k];
      if (isReturn[k] === 0) purchases[count++] = k;
    }
    if (count === 0) {
      withoutPurchases++;
      continue;
    }
    // The grouping keeps file order, and exports are usually in time order: sort only when they are not
    // (with Array's stable sort, so rows of equal time keep file order).
    let inOrder = true;
    for (let k = 1; k < count && inOrder; k++) inOrder = timestamp[purchases[k]] >= timestamp[purchases[k - 1]];
    if (!inOrder) purchases.set(Array.from(purchases.subarray(0, count)).sort((a, b) => timestamp[a] - timestamp[b]));
    let orders = 0;
    let days = 0;
    let months = 0;
    let previousDay = Number.NaN;
    let previousMonth = Number.NaN;
    let previousTimestamp = Number.NaN;
    let repeatDayTotal = 0;
    for (let k = 0; k < count; k++) {
      const i = purchases[k];
      const order = orderOf[i];
      if (order >= 0) {
        if (orderSeen[order] !== c + 1) {
          orderSeen[order] = c + 1;
          orders++;
        }
      } else if (timestamp[i] !== previousTimestamp) orders++;
      previousTimestamp = timestamp[i];
      const day = dayOf(timestamp[i]);
      if (day !== previousDay) {
        days++;
        previousDay = day;
        const month = monthOfDay(day);
        if (month !== previousMonth) {
          months++;
          previousMonth = month;
        }
      }
      if (days > 1) repeatDayTotal += amount[i];
    }
    const firstDay = dayOf(timestamp[purchases[0]]);
    const lastPurchaseDay = dayOf(timestamp[purchases[count - 1]]);
    const r = ids.length;
    ids.push(table.customerIds.at(c) as string);
    rowOfCustomer[c] = r;
    out.recency_days[r] = refDay - lastPurchaseDay;
    out.frequency[r] = orders;
    out.monetary[r] = monetary;
    out.mean_order_value[r] = monetary / orders;
    out.tenure_days[r] = refDay - firstDay;
    out.mean_interpurchase_days[r] = days > 1 ? (lastPurchaseDay - firstDay) / (days - 1) : Number.NaN;
    out.active_months[r] = months;
    out.x[r] = days - 1;
    out.t_x[r] = (lastPurchaseDay - firstDay) / 7;
    out.T[r] = (refDay - firstDay) / 7;
    out.monetary_value[r] = days > 1 ? repeatDayTotal / (days - 1) : 0;
  }

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
