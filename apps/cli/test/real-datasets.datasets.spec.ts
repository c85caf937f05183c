import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { builtinPlugins } from '@workbench/builtin-plugins';
import { createWorkbench, loadConfig, type Workbench } from '@workbench/services';
import { ingestFile } from '../src/commands/ingest';
import { MemoryOutput } from '../src/output';

// The real public files of the datasets folder named by WORKBENCH_DATASETS (relative to the workspace root;
// default ../shared/datasets, beside the clone here and on CI), ingested through the CLI's ingest command. The expected counts come from elsewhere: the datasets' README and provenance
// notes, and pandas (libs/data/test/reference/online-retail-full.json).
const SHARED = resolve(__dirname, '../../..', process.env['WORKBENCH_DATASETS'] ?? '../shared/datasets');
const pandas = JSON.parse(
  readFileSync(join(__dirname, '../../../libs/data/test/reference/online-retail-full.json'), 'utf8'),
);

describe('the four real datasets, ingested through `workbench ingest`', () => {
  let wb: Workbench;
  beforeAll(async () => {
    if (!existsSync(SHARED))
      throw new Error(
        `the public datasets are required at ${SHARED} for this test (set WORKBENCH_DATASETS to their folder)`,
      );
    wb = await createWorkbench(loadConfig({}, { home: mkdtempSync(join(tmpdir(), 'wb-real-')) }), {
      plugins: builtinPlugins,
      logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
    });
  }, 30_000);
  afterAll(async () => {
    await wb?.close();
  });

  const ingest = (file: string, options: Omit<Parameters<typeof ingestFile>[2], 'file'>) =>
    ingestFile(wb, new MemoryOutput(), { file: join(SHARED, file), ...options });

  it('Online Retail: every line read, rows without a customer id reported, cancellations netted', async () => {
    const result = await ingest('online_retail/online_retail.csv', {
      dataset: 'retail',
      kind: 'transactions',
      policy: 'skip',
    });
    const report = result.report as unknown as {
      rowsRead: number;
      rowsAccepted: number;
      rowsRejected: number;
      returnRows: number;
    };
    expect([report.rowsRead, report.rowsAccepted, report.rowsRejected, report.returnRows]).toEqual([
      pandas.rowsRead,
      pandas.rowsAccepted,
      pandas.emptyCustomerId,
      pandas.returnRows,
    ]);
    expect((result.version.stats as { customers: number }).customers).toBe(pandas.customers);
  }, 60_000);

  it('Online Retail under the reject policy: refused with the first bad line named, nothing stored', async () => {
    await expect(
      ingest('online_retail/online_retail.csv', { dataset: 'retail-strict', kind: 'transactions' }),
    ).rejects.toThrow(/135080 of 541909 rows are invalid \(first: line 624, CustomerID: customer id is empty\)/);
    await expect(wb.datasets.get('retail-strict')).rejects.toThrow('not found');
  }, 60_000);

  it('CDNOW event log and master file: 6,919 / 69,659 transactions of 2,357 / 23,570 customers', async () => {
    const elog = await ingest('cdnow/cdnowElog.csv', {
      dataset: 'cdnow-sample',
      kind: 'transactions',
      map: 'customerId=masterid,timestamp=date,amount=sales',
    });
    expect([
      elog.version.rowCount,
      (elog.version.stats as { customers: number }).customers,
      elog.version.rejectedCount,
    ]).toEqual([6919, 2357, 0]);
    const master = await ingest('cdnow/CDNOW_master.txt', {
      dataset: 'cdnow-master',
      kind: 'transactions',
      delimiter: 'whitespace',
      map: 'customerId=customer_id,timestamp=date,amount=dollar_value',
    });
    expect([
      master.version.rowCount,
      (master.version.stats as { customers: number }).customers,
      master.version.rejectedCount,
    ]).toEqual([69659, 23570, 0]);
  }, 60_000);

  it('Telco and Mall customer tables: 7,043 and 200 customers', async () => {
    const telco = await ingest('telco_churn/Telco-Customer-Churn.csv', {
      dataset: 'telco',
      map: 'customerId=customerID',
    });
    expect([telco.version.rowCount, telco.version.rejectedCount]).toEqual([7043, 0]);
    const mall = await ingest('mall_customers/Mall_Customers.csv', { dataset: 'mall' });
    expect([mall.version.rowCount, mall.version.rejectedCount]).toEqual([200, 0]);
  });
});
