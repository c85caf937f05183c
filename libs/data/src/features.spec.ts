import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSharedArrayBuffer } from 'node:util/types';
import { Worker } from 'node:worker_threads';
import { categorical, createFeatureFrame, numeric, type FeatureFrame } from '@workbench/plugin-sdk';
import { FIXTURES_DIR } from '@workbench/plugin-sdk/testing';
import {
  buildCustomerFeatures,
  buildCustomerFeaturesYielding,
  bytesSource,
  encodeTransactions,
  ingestTransactions,
  readTransactions,
  parseCsv,
  type TransactionTable,
} from './index';
import {
  computeFeatureRange,
  FEATURE_COLUMNS,
  type FeatureColumns,
  type FeatureRangeJob,
} from './customer-feature-range';
import { threadEntry } from './thread-entry';
import { turnsDuring } from '../test/turns';

const fixtures = FIXTURES_DIR;
const reference = JSON.parse(readFileSync(join(__dirname, '../test/reference/reference.json'), 'utf8'));
const NOW = new Date('2024-01-01T00:00:00Z');

function valuesOf(frame: FeatureFrame, id: string): Record<string, number> {
  const row = frame.ids.indexOf(id);
  return Object.fromEntries(
    Object.entries(frame.columns).map(([name, c]) => [
      name,
      c.kind === 'numeric' ? c.values[row] : c.codes[row] < 0 ? Number.NaN : c.codes[row],
    ]),
  );
}

// Hand-computed below: customer a buys on 2021-01-05 (orders o1 and o2), 2021-02-10 and 2021-04-01 and
// cancels 8 on 2021-02-11; b buys once; c only returns something.
const HAND = [
  'order_id,customer_id,date,amount',
  'o1,a,2021-01-05 10:00,10',
  'o1,a,2021-01-05 10:00,5',
  'o2,a,2021-01-05 15:00,20',
  'o3,a,2021-02-10,30',
  'C4,a,2021-02-11,-8',
  'o5,b,2021-03-01,100',
  'o6,c,2021-03-05,-5',
  'o7,a,2021-04-01,40',
].join('\n');

describe('customer features', () => {
  const load = async () => (await ingestTransactions(Buffer.from(HAND), { now: NOW })).table;

  it('computes RFM, tenure, inter-purchase and active months as of the day after the last transaction', async () => {
    const features = buildCustomerFeatures(await load(), { featureSets: ['rfm', 'bgnbd'] });
    expect(features.referenceDate.toISOString()).toBe('2021-04-02T00:00:00.000Z');
    expect(features.frame.ids).toEqual(['a', 'b']);
    expect(features.customersWithoutPurchases).toBe(1);
    expect(valuesOf(features.frame, 'a')).toEqual({
      recency_days: 1,
      frequency: 4,
      monetary: 97,
      mean_order_value: 24.25,
      tenure_days: 87,
      mean_interpurchase_days: 43,
      active_months: 3,
      x: 2,
      t_x: 86 / 7,
      T: 87 / 7,
      monetary_value: 35,
    });
    expect(valuesOf(features.frame, 'b')).toEqual({
      recency_days: 32,
      frequency: 1,
      monetary: 100,
      mean_order_value: 100,
      tenure_days: 32,
      mean_interpurchase_days: Number.NaN,
      active_months: 1,
      x: 0,
      t_x: 0,
      T: 32 / 7,
      monetary_value: 0,
    });
  });

  it('maps each customer index of the table to its frame row, -1 for the customer left out', async () => {
    const table = await load();
    const { frame, rowOfCustomer } = buildCustomerFeatures(table);
    expect(Array.from(rowOfCustomer, (row, c) => [table.customerIds.at(c), row < 0 ? null : frame.ids[row]])).toEqual([
      ['a', 'a'],
      ['b', 'b'],
      ['c', null],
    ]);
  });

  it('gives the same features when the rows are not in time order', async () => {
    const [header, ...lines] = HAND.split('\n');
    const shuffled = (await ingestTransactions(Buffer.from([header, ...lines.reverse()].join('\n')), { now: NOW }))
      .table;
    const a = buildCustomerFeatures(await load(), { featureSets: ['rfm', 'bgnbd'] });
    const b = buildCustomerFeatures(shuffled, { featureSets: ['rfm', 'bgnbd'] });
    for (const id of ['a', 'b']) expect(valuesOf(b.frame, id)).toEqual(valuesOf(a.frame, id));
  });

  it('leaves out transactions after the reference date', async () => {
    const features = buildCustomerFeatures(await load(), { referenceDate: new Date('2021-03-31T00:00:00Z') });
    expect(valuesOf(features.frame, 'a')).toEqual({
      recency_days: 49,
      frequency: 3,
      monetary: 57,
      mean_order_value: 19,
      tenure_days: 85,
      mean_interpurchase_days: 36,
      active_months: 2,
    });
  });

  it('names and versions its feature sets', async () => {
    const features = buildCustomerFeatures(await load(), { featureSets: ['rfm'] });
    expect(features.featureSets.map((s) => `${s.name}@${s.version}`)).toEqual(['rfm@1']);
    expect(features.featureSets[0].features.map((f) => f.name)).toEqual(Object.keys(features.frame.columns));
  });

  it('joins numeric and categorical customer attributes by id', async () => {
    const customers = createFeatureFrame(['b', 'z', 'a'], {
      age: numeric([40, 50, 30]),
      country: categorical(['FR', 'DE', 'UK']),
      frequency: numeric([1, 2, 3]),
    });
    const features = buildCustomerFeatures(await load(), { customers });
    expect(features.attributes).toEqual(['age', 'country', 'customer_frequency']);
    expect(features.unmatchedCustomers).toBe(0);
    const country = features.frame.columns.country;
    expect(
      country.kind === 'categorical' && features.frame.ids.map((_, i) => country.levels[country.codes[i]]),
    ).toEqual(['UK', 'FR']);
    expect(valuesOf(features.frame, 'a').age).toBe(30);
    expect(valuesOf(features.frame, 'a').customer_frequency).toBe(3);
    expect(valuesOf(features.frame, 'a').frequency).toBe(4);
  });

  it('matches pandas on the Online Retail sample', async () => {
    const expected = reference.onlineRetailSample;
    const { table } = await ingestTransactions(join(fixtures, 'online-retail-sample.csv'), {
      policy: 'skip',
      returns: 'net',
      now: NOW,
    });
    const features = buildCustomerFeatures(table);
    expect(features.referenceDate.toISOString().slice(0, 10)).toBe(expected.referenceDate);
    expect(features.customersWithoutPurchases).toBe(expected.customersWithoutPurchases);
    expect([...features.frame.ids].sort()).toEqual(Object.keys(expected.features).sort());
    for (const id of features.frame.ids) {
      const ours = valuesOf(features.frame, id);
      for (const [name, value] of Object.entries(expected.features[id] as Record<string, number | null>)) {
        if (value === null) expect(ours[name]).toBeNaN();
        else expect(Math.abs(ours[name] - value)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(value)));
      }
    }
  });

  it('gives the published CDNOW calibration summary (frequency, recency, T in weeks; end 1997-09-30)', async () => {
    const { table } = await ingestTransactions(join(fixtures, 'cdnowElog.csv'), {
      mapping: { customerId: 'sampleid' },
      now: NOW,
    });
    const features = buildCustomerFeatures(table, {
      featureSets: ['bgnbd'],
      referenceDate: new Date('1997-09-30T00:00:00Z'),
    });
    const summary = parseCsv(readFileSync(join(fixtures, 'cdnow_customers_summary.csv'))).slice(1);
    const withValue = parseCsv(readFileSync(join(fixtures, 'cdnow_customers_summary_with_transactions.csv'))).slice(1);
    expect(features.frame.rowCount).toBe(summary.length);
    let repeatDays = 0;
    for (const { fields } of summary) {
      const ours = valuesOf(features.frame, fields[0]);
      expect(ours.x).toBe(Number(fields[1]));
      // The published values are rounded to 2 decimals.
      expect(Math.abs(ours.t_x - Number(fields[2]))).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Math.abs(ours.T - Number(fields[3]))).toBeLessThanOrEqual(0.005 + 1e-9);
      repeatDays += ours.x;
    }
    expect(repeatDays).toBe(2457);
    for (const { fields } of withValue) {
      expect(Math.abs(valuesOf(features.frame, fields[0]).monetary_value - Number(fields[4]))).toBeLessThanOrEqual(
        0.005 + 1e-9,
      );
    }
  });

  describe('built while yielding to the event loop', () => {
    // Steps of 1,000 rows over 20,000, with returns, rows out of time order, rows without an order and a reference day
    // that leaves some out: every branch of the build, at every pause.
    const step = 1000;
    const rows = 20 * step + 345;
    const customers = 2000;
    const orders = 8000;
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const day = 86_400_000;
    const table: TransactionTable = {
      rowCount: rows,
      customerIds: Array.from({ length: customers }, (_, c) => `c${c}`),
      orderIds: Array.from({ length: orders }, (_, o) => `o${o}`),
      customer: Int32Array.from({ length: rows }, () => Math.floor(next() * customers)),
      order: Int32Array.from({ length: rows }, () => (next() < 0.1 ? -1 : Math.floor(next() * orders))),
      timestamp: Float64Array.from({ length: rows }, () => Date.UTC(2020, 0, 1) + Math.floor(next() * 700 * day)),
      amount: Float64Array.from({ length: rows }, () => Math.round(next() * 10_000) / 100),
      quantity: null,
      isReturn: Uint8Array.from({ length: rows }, () => (next() < 0.05 ? 1 : 0)),
    };
    const options = { featureSets: ['rfm', 'bgnbd'] as const, referenceDate: new Date(Date.UTC(2021, 5, 1)) };

    it('gives the same features as the one-pass build', async () => {
      const once = buildCustomerFeatures(table, options);
      const yielding = await buildCustomerFeaturesYielding(table, options, step);
      expect(once.frame.rowCount).toBeGreaterThan(customers * 0.9);
      expect(once.customersWithoutPurchases).toBeGreaterThan(0);
      expect(yielding).toEqual(once);
    });

    it('joins the same customer attributes as the one-pass build', async () => {
      // Every third customer of the table and 500 that are not in it, in another order; `frequency` clashes.
      const known = Array.from({ length: customers }, (_, c) => `c${c}`).filter((_, c) => c % 3 === 0);
      const ids = [...known.reverse(), ...Array.from({ length: 500 }, (_, k) => `other${k}`)];
      const attributes = createFeatureFrame(ids, {
        age: numeric(ids.map((_, i) => 20 + (i % 50))),
        frequency: numeric(ids.map((_, i) => i % 7)),
        country: categorical(ids.map((_, i) => ['UK', 'FR', 'DE', null][i % 4])),
      });
      const withCustomers = { ...options, customers: attributes };
      const once = buildCustomerFeatures(table, withCustomers);
      expect(once.attributes).toEqual(['age', 'customer_frequency', 'country']);
      expect(once.unmatchedCustomers).toBeGreaterThan(0);
      expect(await buildCustomerFeaturesYielding(table, withCustomers, step)).toEqual(once);
    });

    it('gives the same features on any number of threads, from the table in shared memory', async () => {
      // The same table as a stored one read with `shared` (its row columns in SharedArrayBuffers), which the
      // threads read; with orders shared by customers of different ranges (8,000 orders over 2,000 customers).
      const stored = await readTransactions(bytesSource(encodeTransactions(table)), { shared: true });
      expect(isSharedArrayBuffer(stored.timestamp.buffer)).toBe(true);
      const once = buildCustomerFeatures(table, options);
      for (const threads of [1, 2, 3]) {
        const built = await buildCustomerFeaturesYielding(stored, { ...options, threads }, step);
        expect(built).toEqual(once);
      }
      // Customers left out fall inside the threads' ranges: the rows after them are shifted as on one thread.
      const late = { ...options, referenceDate: new Date(Date.UTC(2020, 1, 1)) };
      const few = buildCustomerFeatures(table, late);
      expect(few.customersWithoutPurchases).toBeGreaterThan(customers / 2);
      expect(await buildCustomerFeaturesYielding(stored, { ...late, threads: 3 }, step)).toEqual(few);
    });

    it("computes a range of customers on a worker thread as on this one (the threads' side of the build)", async () => {
      const stored = await readTransactions(bytesSource(encodeTransactions(table)), { shared: true });
      // The rows grouped by customer in shared memory, as the build hands them to its threads.
      const offsets = new Int32Array(new SharedArrayBuffer(4 * (customers + 1)));
      for (let i = 0; i < rows; i++) offsets[stored.customer[i] + 1]++;
      for (let c = 0; c < customers; c++) offsets[c + 1] += offsets[c];
      const grouped = new Int32Array(new SharedArrayBuffer(4 * rows));
      const fill = offsets.slice(0, customers);
      for (let i = 0; i < rows; i++) grouped[fill[stored.customer[i]]++] = i;
      const columns = (room: (bytes: number) => ArrayBufferLike) =>
        Object.fromEntries(
          FEATURE_COLUMNS.map((name) => [name, new Float64Array(room(8 * customers))]),
        ) as FeatureColumns;
      const groups = { ...stored, offsets, rows: grouped, orderCount: orders, refDay: 19_000 };
      const job: FeatureRangeJob = {
        groups,
        out: columns((bytes) => new SharedArrayBuffer(bytes)),
        from: 700,
        to: 1500,
      };
      const entry = threadEntry(__dirname, 'features.thread');
      const worker = new Worker(entry.file, { execArgv: entry.execArgv });
      const answer = new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
      worker.postMessage(job);
      const here = { ...job, out: columns((bytes) => new ArrayBuffer(bytes)) };
      computeFeatureRange(here);
      expect(here.out.frequency.filter((orders) => orders > 0).length).toBeGreaterThan(700);
      expect(await answer).toEqual({ done: true });
      // Written in place in the shared columns, each customer at its index, the same as here (nothing outside the range).
      for (const name of FEATURE_COLUMNS) expect(Array.from(job.out[name])).toEqual(Array.from(here.out[name]));
      expect(job.out.frequency.subarray(0, 700).every((v) => v === 0)).toBe(true);
    });

    it('lets other callbacks run while it builds', async () => {
      // Three passes over the rows and one over the customers' rows, each pausing after every step.
      expect(await turnsDuring(() => buildCustomerFeaturesYielding(table, options, step))).toBeGreaterThanOrEqual(
        3 * 20,
      );
      expect(await turnsDuring(() => buildCustomerFeatures(table, options))).toBe(0);
    });
  });
});
