import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliHarness, fixtures } from '../../test/helpers';

// `workbench ingest` through the real command line (commander parses the flags), on an embedded workbench in
// a temp home, with tiny slices of the public files (test/fixtures/PROVENANCE.md) or files made here.
jest.setTimeout(120_000);

const { attempt: workbench, scratch, file, cdnowIngest } = cliHarness('ingest');

describe('workbench ingest: real files', () => {
  it('refuses a Latin-1 file naming the line and byte offset, and reads it with --encoding latin1', async () => {
    const latin1 = file(
      'latin1.csv',
      Buffer.concat([
        Buffer.from('customer_id,name,spend\n1,Ann,5\n2,M'),
        Buffer.from([0xfc]),
        Buffer.from('ller,7\n'),
      ]),
    );
    const refused = await workbench('ingest', latin1, '--dataset', 'people');
    expect(refused.error?.message).toBe(
      'line 3, byte offset 34: invalid UTF-8 (byte 0xFC); if the file is Latin-1 or Windows-1252, say so: CLI --encoding latin1|windows-1252, API field encoding',
    );
    const read = await workbench('ingest', latin1, '--dataset', 'people', '--encoding', 'latin1', '--json');
    expect(read.error).toBeUndefined();
    const stats = JSON.parse(read.out.stdout.join('\n')).stats.columns as {
      name: string;
      levels?: { level: string }[];
      top?: { value: string }[];
    }[];
    expect(JSON.stringify(stats)).toContain('Müller');
    expect(JSON.stringify(stats)).not.toContain('\ufffd');
  });

  it('names the line, column and value of a bad number, and reads it with --currency and --thousands', async () => {
    const text = 'customer_id,date,amount\n1,2011-01-02,12.50\n2,2011-01-03,£30\n3,2011-01-04,"1,250.00"\n';
    const path = file('money.csv', text);
    const refused = await workbench('ingest', path, '--dataset', 'money', '--kind', 'transactions');
    expect(refused.error?.message).toContain(
      "line 3, amount: '£30' is not a number (to strip currency symbols: CLI --currency, API field currency=true)",
    );
    const read = await workbench(
      'ingest',
      path,
      '--dataset',
      'money',
      '--kind',
      'transactions',
      '--currency',
      '--thousands',
      ',',
      '--json',
    );
    expect(JSON.parse(read.out.stdout.join('\n')).stats.amount).toMatchObject({
      count: 3,
      min: 12.5,
      max: 1250,
      mean: 1292.5 / 3,
    });
  });

  it('reads a header-less CDNOW file with --no-header --columns, after an error that says so', async () => {
    const cdnow = join(fixtures, 'CDNOW_sample-head30.txt');
    const refused = await workbench(
      'ingest',
      cdnow,
      '--dataset',
      'cdnow',
      '--kind',
      'transactions',
      '--delimiter',
      'whitespace',
    );
    expect(refused.error?.message).toContain(
      'if the file has no header, name its columns: CLI --no-header --columns a,b,c; API fields header=false and columns=a,b,c',
    );
    const read = await workbench(
      'ingest',
      cdnow,
      '--dataset',
      'cdnow',
      '--kind',
      'transactions',
      '--delimiter',
      'whitespace',
      '--no-header',
      '--columns',
      'master_id,sample_id,date,cds,sales',
      '--map',
      'customerId=sample_id',
      '--json',
    );
    expect(read.error).toBeUndefined();
    // An independent count: the 30 lines of the slice, and its distinct sample ids (second field).
    const lines = readFileSync(cdnow, 'utf8').trim().split('\n');
    const report = JSON.parse(read.out.stdout.join('\n'));
    expect(report.rowCount).toBe(lines.length);
    expect(report.stats.customers).toBe(new Set(lines.map((l) => l.trim().split(/\s+/)[1])).size);
  });

  it('refuses duplicated header names, naming them, and takes --columns instead', async () => {
    const path = file('dup.csv', 'customer_id,date,amount,date\n1,2011-01-02,5,2011-02-01\n');
    const refused = await workbench('ingest', path, '--dataset', 'dup', '--kind', 'transactions');
    expect(refused.error?.message).toContain("the header repeats 'date' (columns 2, 4)");
    const read = await workbench(
      'ingest',
      path,
      '--dataset',
      'dup',
      '--kind',
      'transactions',
      '--columns',
      'customer_id,ordered,amount,shipped',
      '--map',
      'timestamp=ordered',
      '--json',
    );
    expect(JSON.parse(read.out.stdout.join('\n')).stats.firstTimestamp).toBe('2011-01-02T00:00:00.000Z');
  });

  it('excludes zero-value lines with --zero-amounts exclude and counts them in the report', async () => {
    const retail = join(fixtures, 'online-retail-lines-86785-86800.csv');
    const kept = JSON.parse(
      (await workbench('ingest', retail, '--dataset', 'zero-kept', '--kind', 'transactions', '--json')).out.stdout.join(
        '\n',
      ),
    );
    expect(kept.report).toMatchObject({ zeroAmounts: 'keep', zeroAmountRows: 1, zeroAmountsExcluded: 0 });
    expect(kept.stats).toMatchObject({ rows: 16, orders: 3, customers: 3 });
    const excluded = JSON.parse(
      (
        await workbench(
          'ingest',
          retail,
          '--dataset',
          'zero-excluded',
          '--kind',
          'transactions',
          '--zero-amounts',
          'exclude',
          '--json',
        )
      ).out.stdout.join('\n'),
    );
    // Invoice 543599 is one free line (FAIRY CAKES NOTEBOOK at 0.0): without it, two orders of two customers.
    expect(excluded.report).toMatchObject({ zeroAmounts: 'exclude', zeroAmountRows: 1, zeroAmountsExcluded: 1 });
    expect(excluded.stats).toMatchObject({ rows: 15, orders: 2, customers: 2 });
  });
});

describe('workbench ingest: messages that say what happened', () => {
  it('says a directory is a directory', async () => {
    for (const kind of ['customers', 'transactions']) {
      const { error } = await workbench('ingest', scratch, '--dataset', 'dir', '--kind', kind);
      expect(error?.message).toMatch(/is a directory; give the path of a file$/);
      expect(error?.message).not.toContain('EISDIR');
    }
  });

  it('says how many problems --json leaves out, and writes all of them with --problems', async () => {
    const rows = Array.from({ length: 150 }, (_, i) => `${i},,5`).join('\n');
    const path = file('blank-dates.csv', `customer_id,date,amount\n1,2011-01-02,5\n${rows}\n`);
    const text = await workbench('ingest', path, '--dataset', 'blanks', '--kind', 'transactions', '--policy', 'skip');
    expect(text.out.stdout).toContain(
      '  … 130 more: --json lists the first 100 (50 left out); --problems FILE writes all of them',
    );
    const json = JSON.parse(
      (
        await workbench('ingest', path, '--dataset', 'blanks', '--kind', 'transactions', '--policy', 'skip', '--json')
      ).out.stdout.join('\n'),
    );
    expect(json.report).toMatchObject({ rowsRejected: 150, problemsOmitted: 50 });
    expect(json.report.problems).toHaveLength(100);
    const all = join(scratch, 'problems.csv');
    const written = await workbench(
      'ingest',
      path,
      '--dataset',
      'blanks',
      '--kind',
      'transactions',
      '--policy',
      'skip',
      '--problems',
      all,
    );
    expect(written.out.stdout).toContain(`  … 130 more: all 150 are in ${all}`);
    const lines = readFileSync(all, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(151);
    expect(lines[0]).toBe('line,field,message');
    expect(lines[150]).toBe('152,date,date is empty');
  });

  it('says "retraining" only when a new version starts a retrain, not when the same content comes again', async () => {
    const ingest = (lines?: number) => workbench(...cdnowIngest(lines));
    expect((await ingest(3001)).error).toBeUndefined();
    const params = JSON.stringify({ features: ['recency_days', 'frequency'], k: 2 });
    expect(
      (
        await workbench(
          'run',
          'shop-kmeans',
          '--plugin',
          'segmenter-kmeans',
          '--dataset',
          'shop',
          '--params',
          params,
          '--seed',
          '1',
        )
      ).error,
    ).toBeUndefined();
    expect(
      (await workbench('policies', 'add', 'shop-kmeans', '--trigger', 'dataset', '--rule', 'ari >= 0')).error,
    ).toBeUndefined();
    const second = await ingest();
    expect(second.error).toBeUndefined();
    expect(second.out.stderr).toContain('retraining 1 segmentation(s) on shop v2 …');
    const again = await ingest();
    expect(again.error).toBeUndefined();
    expect(again.out.stdout[0]).toMatch(/^shop v2: .*same content as before: existing version/);
    expect(again.out.stderr.join('\n')).not.toContain('retraining');
    expect(again.out.stderr).toContain(
      `shop v2 was retrained on before (shop-kmeans: ${'promoted'}); nothing new to retrain`,
    );
  });
});

describe("workbench ingest and run: the file's column names", () => {
  it("shows the file's names, and trains predictor-churn on Telco with its default label 'Churn' or --label", async () => {
    const telco = join(fixtures, 'Telco-Customer-Churn-head30.csv');
    const ingested = await workbench('ingest', telco, '--dataset', 'telco', '--map', 'customerId=customerID');
    expect(ingested.error).toBeUndefined();
    expect(ingested.out.stdout.join('\n')).toContain("churn ← 'Churn'");
    const byDefault = await workbench(
      'run',
      'telco-churn',
      '--plugin',
      'predictor-churn',
      '--dataset',
      'telco',
      '--seed',
      '3',
      '--json',
    );
    expect(byDefault.error).toBeUndefined();
    const report = JSON.parse(byDefault.out.stdout.join('\n')) as {
      run: { status: string };
      segments: { size: number }[];
    };
    expect(report.run.status).toBe('succeeded');
    expect(report.segments.reduce((sum, s) => sum + s.size, 0)).toBe(30);
    const params = JSON.stringify({ features: ['tenure', 'MonthlyCharges', 'Contract'] });
    const labelled = await workbench(
      'run',
      'telco-churn-3',
      '--plugin',
      'predictor-churn',
      '--dataset',
      'telco',
      '--label',
      'CHURN',
      '--params',
      params,
      '--seed',
      '3',
      '--json',
    );
    expect(labelled.error).toBeUndefined();
    const wrong = await workbench(
      'run',
      'telco-churn-x',
      '--plugin',
      'predictor-churn',
      '--dataset',
      'telco',
      '--label',
      'Churned',
      '--seed',
      '3',
    );
    expect(wrong.error?.message).toContain(
      "label: 'Churned' is not in the data, even ignoring case, spaces and punctuation (available: gender, seniorcitizen, partner",
    );
  });
});
