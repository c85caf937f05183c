import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  encodeTransactionParts,
  IngestError,
  ingestTransactions,
  readTransactions,
  transactionsHash,
} from '@workbench/data';
import { LocalArtifactStore, RunStatus } from '@workbench/persistence';
import type { TransactionColumns } from '@workbench/plugin-sdk';
import { fixturePath } from '@workbench/plugin-sdk/testing';
import { loadConfig } from './config';
import { revenuePerSegment, splitAtMedian } from './testing';
import { RunInputsService } from './run-inputs.service';
import { createWorkbench, type Workbench } from './workbench';

const elog = fixturePath('cdnowElog.csv');
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const cdnow = { mapping: { customerId: 'masterid', timestamp: 'date', amount: 'sales' } };

/** Every file of the artifact store, to show a refused upload writes nothing there. */
const artifactFiles = (home: string) => readdirSync(join(home, 'artifacts'), { recursive: true }).map(String).sort();

describe('a transactions dataset (CDNOW event log), segmented and evaluated', () => {
  let wb: Workbench;
  const home = mkdtempSync(join(tmpdir(), 'wb-tx-'));
  beforeAll(async () => {
    wb = await createWorkbench(loadConfig({}, { home, jobBackoffMs: 5 }), {
      plugins: [splitAtMedian, revenuePerSegment],
      logger: quiet,
    });
    await wb.startWorker();
  });
  afterAll(async () => {
    await wb.close();
  });

  it('ingests the file as a versioned dataset, idempotently', async () => {
    const first = await wb.datasets.ingestTransactions({ dataset: 'cdnow', source: elog, ...cdnow });
    const again = await wb.datasets.ingestTransactions({ dataset: 'cdnow', source: readFileSync(elog), ...cdnow });
    expect([first.created, again.created, again.version.id]).toEqual([true, false, first.version.id]);
    // Independent count: data lines of the file.
    expect(first.version.rowCount).toBe(readFileSync(elog, 'utf8').trim().split('\n').length - 1);
    expect(first.version.kind).toBe('transactions');
  });

  it('stores nothing, in the database or the artifact store, when a file is refused', async () => {
    const before = artifactFiles(home);
    await expect(
      wb.datasets.ingestTransactions({ dataset: 'cdnow-bad', source: elog, mapping: { customerId: 'CustomerID' } }),
    ).rejects.toBeInstanceOf(IngestError);
    const badRow = `${readFileSync(elog, 'utf8').trim()}\n9999,1,20991231,1,10.00\n`; // a date in the future, on the last line
    await expect(
      wb.datasets.ingestTransactions({ dataset: 'cdnow-bad', source: Buffer.from(badRow), ...cdnow }),
    ).rejects.toThrow(/line 6921, date: /);
    await expect(wb.datasets.get('cdnow-bad')).rejects.toThrow("dataset 'cdnow-bad' not found");
    expect(artifactFiles(home)).toEqual(before);
  });

  it('refuses a customer id longer than the database column (255 characters) at upload, naming the line and the limit, and stores nothing', async () => {
    const before = artifactFiles(home);
    const longId = `${readFileSync(elog, 'utf8').trim()}\n9999,${'x'.repeat(256)},19970101,1,10.00\n`;
    await expect(
      wb.datasets.ingestTransactions({
        dataset: 'cdnow-long',
        source: Buffer.from(longId),
        mapping: { customerId: 'sampleid', timestamp: 'date', amount: 'sales' },
      }),
    ).rejects.toThrow(
      '1 of 6920 rows are invalid (first: line 6921, sampleid: customer id is 256 characters long; the limit is 255)',
    );
    await expect(
      wb.datasets.ingestCustomers({ dataset: 'customers-long', text: `customer_id,monetary\n${'y'.repeat(300)},1\n` }),
    ).rejects.toThrow('line 2, customer_id: customer id is 300 characters long; the limit is 255');
    await expect(wb.datasets.get('cdnow-long')).rejects.toThrow("dataset 'cdnow-long' not found");
    await expect(wb.datasets.get('customers-long')).rejects.toThrow("dataset 'customers-long' not found");
    expect(artifactFiles(home)).toEqual(before);
  });

  it('trains on per-customer features and stores the KPI evaluator results with their evaluator', async () => {
    await wb.segmentations.create({
      name: 'cdnow-spend',
      plugin: 'test-split-median',
      params: { feature: 'monetary' },
      dataset: 'cdnow',
      kpis: [{ plugin: 'test-revenue' }],
    });
    const run = await wb.runs.waitFor((await wb.runs.submit('cdnow-spend')).id);
    expect([run.status, run.featureSet]).toEqual([RunStatus.Succeeded, 'rfm@1+bgnbd@1']);
    const segments = await wb.runs.segments(run.id);
    expect(segments.reduce((a, s) => a + s.size, 0)).toBe(2357); // CDNOW's 1/10th sample has 2,357 customers
    const revenue = (await wb.runs.kpis(run.id)).filter((k) => k.kpi === 'revenue');
    expect(revenue.map((k) => k.evaluator)).toEqual(['test-revenue@1.0.0', 'test-revenue@1.0.0']);
    // Independent total: the sum of the sales column.
    const total = readFileSync(elog, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .reduce((sum, line) => sum + Number(line.split(',')[4]), 0);
    expect((revenue[0].value ?? 0) + (revenue[1].value ?? 0)).toBeCloseTo(total, 6);
  });

  it("hands each caller that asks its own transactions, read anew (the features are cached), and a second run's KPIs equal the first's", async () => {
    const dataset = await wb.datasets.get('cdnow');
    const version = await wb.datasets.latestVersion(dataset.id);
    const lines = readFileSync(elog, 'utf8').trim().split('\n').slice(1);
    // Without a horizon every customer has a frame row, in order; with one of 520 days, those who first bought after
    // the calibration end (late January 1997) have none, so each transaction's row is looked up.
    for (const churnHorizonDays of [undefined, 520]) {
      // A service of its own, so the first call builds the input (and hands over the table it read) and the next re-reads it.
      const inputs = new RunInputsService(wb.orm, wb.artifacts, wb.datasets);
      const built = await inputs.loadRunInput(version, { churnHorizonDays, transactions: true });
      const reread = await inputs.loadRunInput(version, { churnHorizonDays, transactions: true });
      const plain = await inputs.loadRunInput(version, { churnHorizonDays });
      expect(reread.frame).toBe(built.frame);
      expect(plain.transactions).toBeUndefined();
      const a = built.transactions as TransactionColumns;
      const b = reread.transactions as TransactionColumns;
      for (const name of ['customerRow', 'order', 'timestamp', 'amount', 'isReturn'] as const) {
        expect(b[name].buffer).not.toBe(a[name].buffer);
        expect(Buffer.from(b[name].buffer).equals(Buffer.from(a[name].buffer))).toBe(true);
      }
      // Independent of the input: each transaction's row holds its customer's id, or it has none.
      const ids = new Set(built.frame.ids);
      const wrong = lines.filter((line, i) => {
        const id = line.split(',')[0];
        return a.customerRow[i] === -1 ? ids.has(id) : built.frame.ids[a.customerRow[i]] !== id;
      });
      expect(wrong).toEqual([]);
      expect(a.customerRow.includes(-1)).toBe(churnHorizonDays !== undefined);
    }

    const first = await wb.runs.submit('cdnow-spend');
    const second = await wb.runs.submit('cdnow-spend');
    await wb.runs.waitFor(first.id);
    await wb.runs.waitFor(second.id);
    const revenue = async (id: string) =>
      (await wb.runs.kpis(id)).filter((k) => k.kpi === 'revenue').map((k) => k.value);
    expect(await revenue(second.id)).toEqual(await revenue(first.id));
  });

  it('refuses a KPI evaluator that is not one, naming the list entry', async () => {
    await expect(
      wb.segmentations.create({
        name: 'x',
        plugin: 'test-split-median',
        dataset: 'cdnow',
        kpis: [{ plugin: 'test-split-median' }],
      }),
    ).rejects.toThrow("kpis.0.plugin: plugin 'test-split-median' is a segmenter, not a KPI evaluator");
  });

  it('stores a not-available KPI as null with its note', async () => {
    await wb.segmentations.create({
      name: 'cdnow-na',
      plugin: 'test-split-median',
      params: { feature: 'monetary' },
      dataset: 'cdnow',
      kpis: [{ plugin: 'test-revenue', params: { unavailable: 'always' } }],
    });
    const run = await wb.runs.waitFor((await wb.runs.submit('cdnow-na')).id);
    const [value] = (await wb.runs.kpis(run.id)).filter((k) => k.kpi === 'revenue');
    expect([value.value, value.note]).toEqual([null, 'not available: needs a transactions table']);
  });
});

describe('a stored transactions table, written and read back through the artifact store in small chunks', () => {
  it('comes back equal column by column and id by id, after thousands of 64-byte reads and writes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wb-tx-chunks-'));
    const { table } = await ingestTransactions(elog, cdnow);
    const store = new LocalArtifactStore(root, { chunkBytes: 64 });
    const key = await store.put(encodeTransactionParts(table));
    expect(key).toBe(transactionsHash(table));
    const reader = await store.open(key);
    expect(reader.size / 64).toBeGreaterThan(1000);
    const back = await readTransactions(reader).finally(() => reader.close());
    rmSync(root, { recursive: true, force: true });
    expect(back.rowCount).toBe(table.rowCount);
    expect(Array.from({ length: back.customerIds.length }, (_, i) => back.customerIds.at(i))).toEqual(
      Array.from({ length: table.customerIds.length }, (_, i) => table.customerIds.at(i)),
    );
    expect(Array.from({ length: back.orderIds.length }, (_, i) => back.orderIds.at(i))).toEqual(
      Array.from({ length: table.orderIds.length }, (_, i) => table.orderIds.at(i)),
    );
    for (const column of ['customer', 'order', 'timestamp', 'amount', 'isReturn'] as const) {
      expect(
        Buffer.compare(
          Buffer.from(back[column].buffer, back[column].byteOffset, back[column].byteLength),
          Buffer.from(table[column].buffer, table[column].byteOffset, table[column].byteLength),
        ),
      ).toBe(0);
    }
  });
});
