import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { LiveEvent } from '@workbench/jobs';
import type { Role } from '@workbench/persistence';
import { Workbench } from '@workbench/services';
import request from 'supertest';
import { uploadDir } from '../src/datasets/datasets.module';
import { createKeys, SAMPLE, startApp, testConfig } from './helpers';

// POST /datasets/preview on the real HTTP app (embedded SQLite): what the web app's upload page shows
// before anything is stored, checked against what the upload itself then does with the same file.

const INVOICES = join(__dirname, '../../../samples/online-retail-invoices.csv');
const HEAD = 64 * 1024;

describe('POST /datasets/preview', () => {
  let app: INestApplication;
  let keys: Record<Role, string>;
  const config = testConfig();
  const http = () => request(app.getHttpServer());
  const preview = (file: Buffer, name = 'head.csv', key = keys.analyst) =>
    http().post('/datasets/preview').set('X-API-Key', key).attach('file', file, name);

  beforeAll(async () => {
    app = await startApp(config);
    keys = await createKeys(app);
  });
  afterAll(async () => {
    await app.close();
  });

  it('shows the head of the invoices sample with the mapping and date format the upload then records', async () => {
    const invoices = readFileSync(INVOICES);
    // What the web app sends: the head and one byte more, so the server knows the file goes on.
    const res = await preview(invoices.subarray(0, HEAD + 1)).expect(200);
    const lines = invoices.toString('utf8').split('\n');
    expect(res.body).toMatchObject({
      columns: ['invoice_no', 'invoice_date', 'customer_id', 'amount'],
      complete: false,
      kind: 'transactions',
      transactions: {
        fields: {
          orderIdColumn: 'invoice_no',
          timestampColumn: 'invoice_date',
          customerIdColumn: 'customer_id',
          amountColumn: 'amount',
          dateFormat: 'YYYY-MM-DD',
        },
        problem: null,
      },
      customers: { fields: { customerIdColumn: 'customer_id' }, problem: null },
    });
    expect(res.body.rows).toHaveLength(20);
    expect(res.body.rows[0]).toEqual({ line: 2, fields: lines[1].split(',') });
    expect(res.body.rows[19]).toEqual({ line: 21, fields: lines[20].split(',') });
    expect((await http().get('/datasets').set('X-API-Key', keys.viewer).expect(200)).body).toEqual([]);

    // The fields the preview gave, sent back with the upload as they are: the version records the same mapping.
    let upload = http()
      .post('/datasets')
      .set('X-API-Key', keys.analyst)
      .field('name', 'invoices')
      .field('kind', 'transactions');
    for (const [field, value] of Object.entries(res.body.transactions.fields as Record<string, string>))
      upload = upload.field(field, value);
    const stored = await upload.attach('file', INVOICES).expect(201);
    const { mapping, dateFormat } = stored.body.version.report;
    expect({ mapping, dateFormat }).toEqual({
      mapping: { customerId: 'customer_id', timestamp: 'invoice_date', amount: 'amount', orderId: 'invoice_no' },
      dateFormat: 'YYYY-MM-DD',
    });
    // Detected by the upload alone (no fields): the same.
    const detected = await http()
      .post('/datasets')
      .set('X-API-Key', keys.analyst)
      .field('name', 'invoices-detected')
      .field('kind', 'transactions')
      .attach('file', INVOICES)
      .expect(201);
    expect(detected.body.version.report.mapping).toEqual(mapping);
  });

  it('takes the edited fields: a mapped column that is not there is the problem, named as the upload names it', async () => {
    const head = readFileSync(INVOICES).subarray(0, 4000);
    const res = await http()
      .post('/datasets/preview')
      .set('X-API-Key', keys.analyst)
      .field('kind', 'transactions')
      .field('amountColumn', 'Amount')
      .attach('file', head, 'head.csv')
      .expect(200);
    expect(res.body.kind).toBe('transactions');
    expect(res.body.transactions).toEqual({
      fields: null,
      problem:
        "the mapped amount column 'Amount' is not in the header (columns: invoice_no, invoice_date, customer_id, amount)",
    });
    const upload = await http()
      .post('/datasets')
      .set('X-API-Key', keys.analyst)
      .field('name', 'wrong-amount')
      .field('kind', 'transactions')
      .field('amountColumn', 'Amount')
      .attach('file', INVOICES)
      .expect(400);
    expect(upload.body.message).toBe(res.body.transactions.problem);
    await preview(head).field('dateFormat', 'DD.MM.YYYY').expect(400);
  });

  it('guesses a customers table from the customers sample, its whole file read when it is small', async () => {
    const customers = readFileSync(SAMPLE);
    const small = customers.toString('utf8').split('\n').slice(0, 6).join('\n');
    const res = await preview(Buffer.from(small)).expect(200);
    expect(res.body).toMatchObject({
      complete: true,
      kind: 'customers',
      customers: { fields: { customerIdColumn: 'customer_id', revenueColumn: 'monetary' }, problem: null },
      transactions: { fields: null },
    });
    expect(res.body.transactions.problem).toContain('no timestamp column found');
    // The last line has no newline and is still a row: the file was sent whole.
    expect(res.body.rows.map((r: { line: number }) => r.line)).toEqual([2, 3, 4, 5, 6]);
  });

  it('answers a bad header, a file that is not CSV, a missing file and a viewer with 4xx, and keeps no upload', async () => {
    const repeated = await preview(Buffer.from('customer_id,amount,amount\n1,2,3\n')).expect(400);
    expect(repeated.body.message).toContain("the header repeats 'amount' (columns 2, 3)");
    const oneColumn = await preview(Buffer.from('customer_id;monetary\n1;2\n')).expect(400);
    expect(oneColumn.body.message).toBe(
      "the header has only one column ('customer_id;monetary'); is the delimiter ',' right?",
    );
    const zip = await preview(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00]), 'data.zip').expect(400);
    expect(zip.body.message).toBe('the file is binary, not CSV text (it contains NUL bytes)');
    const missing = await http()
      .post('/datasets/preview')
      .set('X-API-Key', keys.analyst)
      .field('kind', 'x')
      .expect(400);
    expect(missing.body.message).toEqual(expect.arrayContaining([expect.stringContaining('kind')]));
    await preview(Buffer.from('customer_id,monetary\n1,2\n'), 'ok.csv', keys.viewer).expect(403);
    expect(existsSync(uploadDir(config)) ? readdirSync(uploadDir(config)) : []).toEqual([]);
  });

  it("lists every rejected row when the upload asks for problems=all (the web app's download), else the first 100", async () => {
    // The invoices sample with the amounts of 150 rows broken on purpose (lines 2, 4, …, 300).
    const lines = readFileSync(INVOICES, 'utf8').trimEnd().split('\n');
    for (let i = 1; i <= 299; i += 2) lines[i] = lines[i].replace(/,[^,]*$/, ',n/a');
    const csv = Buffer.from(`${lines.join('\n')}\n`);
    const upload = (problems?: string) => {
      const req = http()
        .post('/datasets')
        .set('X-API-Key', keys.analyst)
        .field('name', 'broken-amounts')
        .field('kind', 'transactions');
      return (problems ? req.field('problems', problems) : req).attach('file', csv, 'broken.csv');
    };
    const all = await upload('all').expect(400);
    expect(all.body.report).toMatchObject({ rowsRejected: 150, problemsOmitted: 0 });
    expect(all.body.report.problems.map((p: { line: number }) => p.line)).toEqual(
      Array.from({ length: 150 }, (_, i) => 2 + 2 * i),
    );
    const first = await upload().expect(400);
    expect(first.body.report).toMatchObject({ rowsRejected: 150, problemsOmitted: 50 });
    expect(first.body.report.problems).toEqual(all.body.report.problems.slice(0, 100));
    await upload('some').expect(400);
    await http().get('/datasets/broken-amounts').set('X-API-Key', keys.viewer).expect(404);
  });

  it("publishes an upload's ingest progress under its uploadId, through to every row read, stored or refused", async () => {
    const seen: LiveEvent[] = [];
    const off = app.get(Workbench).events.subscribe((e) => seen.push(e));
    try {
      const invoices = readFileSync(INVOICES);
      const rows = invoices.toString('utf8').trimEnd().split('\n').length - 1;
      await http()
        .post('/datasets')
        .set('X-API-Key', keys.analyst)
        .field('name', 'followed')
        .field('kind', 'transactions')
        .field('uploadId', 'upload-1')
        .attach('file', INVOICES)
        .expect(201);
      const broken = Buffer.from(invoices.toString('utf8').replace(/,139\.12\n/, ',abc\n'));
      await http()
        .post('/datasets')
        .set('X-API-Key', keys.analyst)
        .field('name', 'followed')
        .field('uploadId', 'upload-2')
        .field('kind', 'transactions')
        .attach('file', broken, 'broken.csv')
        .expect(400);
      await http()
        .post('/datasets')
        .set('X-API-Key', keys.analyst)
        .field('name', 'followed-customers')
        .field('uploadId', 'upload-3')
        .attach('file', SAMPLE)
        .expect(201);
      const of = (id: string) =>
        seen.flatMap((e) => (e.type === 'ingest' && e.uploadId === id ? [[e.fraction, e.rows]] : []));
      for (const id of ['upload-1', 'upload-2']) {
        const events = of(id);
        // Read in 1 MiB chunks, the 882 kB sample is one: its progress, then the end (every row read, the 400's bad one too).
        expect(events[0]).toEqual([1, rows]);
        expect(events.at(-1)).toEqual([1, rows]);
        for (let i = 1; i < events.length; i++) {
          expect(events[i][0]).toBeGreaterThanOrEqual(events[i - 1][0]);
          expect(events[i][1]).toBeGreaterThanOrEqual(events[i - 1][1]);
        }
      }
      expect(of('upload-3')).toEqual([[1, 4338]]);
      await http()
        .post('/datasets')
        .set('X-API-Key', keys.analyst)
        .field('name', 'followed')
        .field('uploadId', 'a b')
        .attach('file', SAMPLE)
        .expect(400);
    } finally {
      off();
    }
  });
});
