import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Role } from '@workbench/persistence';
import { fixturePath } from '@workbench/plugin-sdk/testing';
import request from 'supertest';
import { uploadDir } from '../src/datasets/datasets.module';
import { createKeys, SAMPLE, startApp, testConfig, uploadSample, waitForRun } from './helpers';

describe('the HTTP API on the embedded default (SQLite, in-process queue)', () => {
  let app: INestApplication;
  let keys: Record<Role, string>;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await startApp(testConfig());
    keys = await createKeys(app);
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers /health without a key', async () => {
    const res = await http().get('/health').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, queue: { status: 'up' } },
      queue: 'inline',
      role: 'all',
    });
    expect(res.body.info).not.toHaveProperty('redis');
  });

  it('serves the OpenAPI document at /docs to key holders only (WORKBENCH_PUBLIC_DOCS is off by default)', async () => {
    await http().get('/docs-json').expect(401);
    await http().get('/docs').expect(401);
    const res = await http().get('/docs-json').set('X-API-Key', keys.viewer).expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/datasets', '/segmentations/{id}/runs', '/runs/{id}/segments']),
    );
  });

  it('answers a body over the limit with 413, 10k-deep JSON with 400 and a NUL in a path with 400, without X-Powered-By', async () => {
    const big = await http()
      .post('/segmentations')
      .set('X-API-Key', keys.analyst)
      .set('content-type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(200_000) }))
      .expect(413);
    expect(big.body.message).toBe('the request body is larger than the server accepts');
    expect(big.headers['x-powered-by']).toBeUndefined();
    const deep = `{"params":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    await http()
      .post('/segmentations')
      .set('X-API-Key', keys.analyst)
      .set('content-type', 'application/json')
      .send(deep)
      .expect(400);
    const nul = await http().get('/runs/abc%00def').set('X-API-Key', keys.viewer).expect(400);
    expect(nul.body.message).toBe('the URL path must not contain a NUL character or a broken %-escape');
    await http().get('/health').expect(200);
  });

  it('refuses a request without a key with 401 and says how to send one', async () => {
    const res = await http().get('/datasets').expect(401);
    expect(res.body.message).toBe("missing API key: send it as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'");
  });

  it('refuses an unknown key with 401', async () => {
    const res = await http().get('/datasets').set('Authorization', 'Bearer wb_nope').expect(401);
    expect(res.body.message).toBe('invalid, expired or revoked API key');
  });

  it('refuses a viewer key on a write with 403 naming the role needed', async () => {
    const res = await http().post('/segmentations').set('X-API-Key', keys.viewer).send({}).expect(403);
    expect(res.body.message).toBe("this action needs the analyst role; the key 'test viewer' has the viewer role");
  });

  it('lets only admins create keys', async () => {
    await http().post('/api-keys').set('X-API-Key', keys.scientist).send({ name: 'x', role: 'viewer' }).expect(403);
    const res = await http()
      .post('/api-keys')
      .set('X-API-Key', keys.admin)
      .send({ name: 'dashboard', role: 'viewer' })
      .expect(201);
    await http().get('/datasets').set('Authorization', `Bearer ${res.body.key}`).expect(200);
  });

  it('answers a bad body with 400 naming each bad field', async () => {
    const res = await http()
      .post('/segmentations')
      .set('X-API-Key', keys.analyst)
      .send({ name: 'has space', plugin: 3, colour: 'red' })
      .expect(400);
    expect(res.body.message).toEqual(
      expect.arrayContaining([
        'colour: property colour should not exist',
        "name: name must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit",
        'plugin: plugin must be a string',
        'dataset: dataset must be a string',
      ]),
    );
  });

  it('answers an upload without a file with 400', async () => {
    const res = await http().post('/datasets').set('X-API-Key', keys.analyst).field('name', 'x').expect(400);
    expect(res.body.message).toBe("file: a CSV file is required in the multipart field 'file'");
  });

  it('answers a malformed CSV with 400, the row report, and stores nothing', async () => {
    const res = await http()
      .post('/datasets')
      .set('X-API-Key', keys.analyst)
      .field('name', 'broken')
      .attach('file', Buffer.from('customer_id,spend\n1,10\n1,20\n'), 'broken.csv')
      .expect(400);
    expect(res.body.report.problems).toEqual([
      { line: 3, field: 'customer_id', message: "duplicate customer id '1' (first on line 2)" },
    ]);
    await http().get('/datasets/broken').set('X-API-Key', keys.viewer).expect(404);
  });

  it('ingests, segments through the queue, and reads the segments back', async () => {
    const upload = await uploadSample(http, keys.analyst);
    expect(upload.version).toMatchObject({ version: 1, rowCount: 4338, rejectedCount: 0 });
    const again = await http()
      .post('/datasets')
      .set('X-API-Key', keys.analyst)
      .field('name', 'retail')
      .attach('file', SAMPLE)
      .expect(200);
    expect([again.body.created, again.body.version.id]).toEqual([false, upload.version.id]);

    const params = { features: ['recency_days', 'frequency', 'monetary'], k: 4 };
    const bad = await http()
      .post('/segmentations')
      .set('X-API-Key', keys.analyst)
      .send({ name: 'km', plugin: 'segmenter-kmeans', dataset: 'retail', params: { k: 1 } })
      .expect(400);
    expect(bad.body.message).toContain("invalid params for 'segmenter-kmeans': k: k must not be less than 2");
    const greedy = await http()
      .post('/segmentations')
      .set('X-API-Key', keys.analyst)
      .send({ name: 'km', plugin: 'segmenter-kmeans', dataset: 'retail', params, limits: { memoryMb: 100_000 } })
      .expect(400);
    expect(greedy.body.message).toBe(
      "limits.memoryMb 100000 must be a whole number from 64 to 8192 (the server's cap)",
    );
    const typo = await http()
      .post('/segmentations')
      .set('X-API-Key', keys.analyst)
      .send({ name: 'km', plugin: 'segmenter-kmeans', dataset: 'retail', params, limits: { timeoutSeconds: 'soon' } })
      .expect(400);
    expect(typo.body.message).toEqual(
      expect.arrayContaining(['limits.timeoutSeconds: timeoutSeconds must be an integer number']),
    );
    const created = await http()
      .post('/segmentations')
      .set('X-API-Key', keys.analyst)
      .send({ name: 'km', plugin: 'segmenter-kmeans', dataset: 'retail', params })
      .expect(201);

    const submitted = await http()
      .post(`/segmentations/${created.body.id}/runs`)
      .set('X-API-Key', keys.analyst)
      .send({ seed: 7 })
      .expect(202);
    expect(submitted.body).toMatchObject({
      version: 1,
      status: 'queued',
      seed: 7,
      plugin: { name: 'segmenter-kmeans', version: '1.0.0' },
    });
    const run = await waitForRun(app, keys.viewer, submitted.body.id);
    expect(run).toMatchObject({ status: 'succeeded', progress: 1, attempts: 1, error: null });

    const segments = await http().get(`/runs/${submitted.body.id}/segments`).set('X-API-Key', keys.viewer).expect(200);
    expect(segments.body).toHaveLength(4);
    expect(segments.body.reduce((sum: number, s: { size: number }) => sum + s.size, 0)).toBe(4338);
    const kpis = await http().get(`/runs/km@v1/kpis`).set('X-API-Key', keys.viewer).expect(200);
    const revenue = kpis.body
      .filter((k: { kpi: string }) => k.kpi === 'revenue_share')
      .reduce((sum: number, k: { value: number }) => sum + k.value, 0);
    expect(revenue).toBeCloseTo(1, 9);

    const runs = await http().get('/segmentations/km/runs').set('X-API-Key', keys.viewer).expect(200);
    expect(runs.body.map((r: { version: number }) => r.version)).toEqual([1]);
  });

  it('answers an unknown run with 404', async () => {
    const res = await http()
      .get('/runs/00000000-0000-0000-0000-000000000000')
      .set('X-API-Key', keys.viewer)
      .expect(404);
    expect(res.body.message).toBe("run '00000000-0000-0000-0000-000000000000' not found");
  });
});

describe('plugins over HTTP', () => {
  let app: INestApplication;
  let keys: Record<Role, string>;
  const fixtures = realpathSync(join(__dirname, '../../../libs/services/test/fixtures/plugins'));
  const allowed = realpathSync(mkdtempSync(join(tmpdir(), 'wb-plugins-allowed-')));
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await startApp(testConfig({ pluginDirs: [fixtures, allowed] }));
    keys = await createKeys(app);
  });
  afterAll(async () => {
    await app.close();
    rmSync(allowed, { recursive: true, force: true });
  });

  it('lists the shipped plugins with their param schemas', async () => {
    const res = await http().get('/plugins').set('X-API-Key', keys.viewer).expect(200);
    const kmeans = res.body.find((p: { name: string }) => p.name === 'segmenter-kmeans');
    expect(kmeans).toMatchObject({ version: '1.0.0', kind: 'segmenter', source: 'builtin', enabled: true });
    expect(kmeans.paramsSchema.properties.k).toEqual({
      type: 'integer',
      minimum: 2,
      maximum: 50,
      description: expect.stringContaining('Number of clusters'),
    });
  });

  it('lets a scientist register an external plugin, and refuses analysts, duplicates and broken plugins', async () => {
    const source = join(fixtures, 'external-bands');
    await http().post('/plugins').set('X-API-Key', keys.analyst).send({ source }).expect(403);
    const added = await http().post('/plugins').set('X-API-Key', keys.scientist).send({ source }).expect(201);
    expect(added.body).toMatchObject({
      name: 'external-bands',
      version: '0.2.0',
      registeredBy: 'test scientist',
      enabled: true,
    });
    const again = await http().post('/plugins').set('X-API-Key', keys.admin).send({ source }).expect(409);
    expect(again.body.message).toContain("a plugin named 'external-bands' is already registered");
    const broken = await http()
      .post('/plugins')
      .set('X-API-Key', keys.admin)
      .send({ source: join(fixtures, 'throws-on-load') })
      .expect(400);
    expect(broken.body.message).toContain('native library libfoo.so not found');
    const future = await http()
      .post('/plugins')
      .set('X-API-Key', keys.admin)
      .send({ source: join(fixtures, 'incompatible-sdk') })
      .expect(400);
    expect(future.body.problems).toEqual([
      'it needs plugin SDK ^2.0.0 but this workbench has SDK 1.0.0; rebuild it against ^1.0.0',
    ]);
    await http().get('/health').expect(200);
    const listed = await http().get('/plugins').set('X-API-Key', keys.viewer).expect(200);
    expect(listed.body.map((p: { name: string }) => p.name)).toContain('external-bands');
  });

  it('answers /dev/zero, a 2 GB sparse file, an oversized folder and a folder outside the allowed ones with 400, and stays up', async () => {
    const scratch = mkdtempSync(join(allowed, 'big-'));
    const sparse = join(scratch, 'two-gigabytes.bin');
    writeFileSync(sparse, '');
    truncateSync(sparse, 2 * 2 ** 30);
    const outside = mkdtempSync(join(tmpdir(), 'wb-plugin-outside-'));
    writeFileSync(join(outside, 'index.js'), 'module.exports = {};');
    try {
      const refusals: [string, string | RegExp][] = [
        ['/dev/zero', /^source '\/dev\/zero' is outside the folders plugins may come from/],
        [
          sparse,
          `source '${sparse}' is not a folder: a plugin is a folder (or an npm package) with its package.json or index file`,
        ],
        [scratch, `source '${scratch}' holds more than 100 MiB (WORKBENCH_PLUGIN_MAX_MB)`],
        [outside, /is outside the folders plugins may come from/],
      ];
      for (const [source, message] of refusals) {
        const res = await http().post('/plugins').set('X-API-Key', keys.admin).send({ source }).expect(400);
        expect(res.body.message).toMatch(message);
      }
      await http().get('/health').expect(200);
      await http().get('/plugins').set('X-API-Key', keys.viewer).expect(200);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('lets an admin disable one version: 404 for an unknown one, the listing says who did it', async () => {
    await http().delete('/plugins/external-bands@0.2.0').set('X-API-Key', keys.scientist).expect(403);
    await http().delete('/plugins/external-bands@1.0.0').set('X-API-Key', keys.admin).expect(404);
    const res = await http().delete('/plugins/external-bands@0.2.0').set('X-API-Key', keys.admin).expect(200);
    expect(res.body).toMatchObject({
      name: 'external-bands',
      version: '0.2.0',
      enabled: false,
      disabledBy: 'test admin',
    });
    const listed = await http().get('/plugins').set('X-API-Key', keys.viewer).expect(200);
    expect(listed.body.find((p: { name: string }) => p.name === 'external-bands')).toMatchObject({
      enabled: false,
      disabledBy: 'test admin',
    });
  });
});

describe('retrain policies and their webhooks over HTTP', () => {
  let app: INestApplication;
  let keys: Record<Role, string>;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    // The tests' own loopback hook is allowed explicitly; everything else private stays refused.
    app = await startApp(testConfig({ webhookAllow: ['127.0.0.1'] }));
    keys = await createKeys(app);
    await uploadSample(http, keys.analyst);
    const params = { features: ['recency_days', 'frequency', 'monetary'], k: 3 };
    await http()
      .post('/segmentations')
      .set('X-API-Key', keys.analyst)
      .send({ name: 'km', plugin: 'segmenter-kmeans', dataset: 'retail', params })
      .expect(201);
  });
  afterAll(async () => {
    await app.close();
  });

  it('refuses webhooks to link-local, private and loopback addresses not allowed by the config, and other schemes', async () => {
    const policy = (webhookUrl: string) =>
      http()
        .post('/segmentations/km/policies')
        .set('X-API-Key', keys.scientist)
        .send({ trigger: 'dataset', rule: 'ari >= 0.5', webhookUrl });
    const metadata = await policy('http://169.254.169.254/latest/meta-data/').expect(400);
    expect(metadata.body.message).toBe(
      "webhookUrl host '169.254.169.254' is refused: 169.254.169.254 is a private, loopback, link-local or reserved address (allow it with WORKBENCH_WEBHOOK_ALLOW)",
    );
    await policy('http://10.0.0.5/hook').expect(400);
    await policy('http://127.0.0.2:9/hook').expect(400);
    await policy('ftp://example.com/hook').expect(400);
    await policy('http://127.0.0.1:9/hook').expect(201);
  });

  it('shows webhook URLs to scientists and admins only, and lets scientists disable and delete policies', async () => {
    const forViewer = await http().get('/policies').set('X-API-Key', keys.viewer).expect(200);
    expect(forViewer.body.map((p: { webhookUrl: string }) => p.webhookUrl)).toEqual([
      '(hidden: scientists and admins see webhook URLs)',
    ]);
    const forAnalyst = await http().get('/policies').set('X-API-Key', keys.analyst).expect(200);
    expect(forAnalyst.body[0].webhookUrl).toBe('(hidden: scientists and admins see webhook URLs)');
    const forScientist = await http().get('/policies').set('X-API-Key', keys.scientist).expect(200);
    expect(forScientist.body[0].webhookUrl).toBe('http://127.0.0.1:9/hook');
    const id = forScientist.body[0].id;

    await http().patch(`/policies/${id}`).set('X-API-Key', keys.analyst).send({ enabled: false }).expect(403);
    await http().patch(`/policies/${id}`).set('X-API-Key', keys.scientist).send({ enabled: 'no' }).expect(400);
    const disabled = await http()
      .patch(`/policies/${id}`)
      .set('X-API-Key', keys.scientist)
      .send({ enabled: false })
      .expect(200);
    expect(disabled.body).toMatchObject({ id, enabled: false });
    await http().delete(`/policies/${id}`).set('X-API-Key', keys.analyst).expect(403);
    await http().delete(`/policies/${id}`).set('X-API-Key', keys.scientist).expect(204);
    await http().delete(`/policies/${id}`).set('X-API-Key', keys.scientist).expect(404);
    expect((await http().get('/policies').set('X-API-Key', keys.scientist).expect(200)).body).toEqual([]);
  });
});

describe('transactions datasets over HTTP', () => {
  let app: INestApplication;
  let keys: Record<Role, string>;
  const config = testConfig();
  const elog = fixturePath('cdnowElog.csv');
  const http = () => request(app.getHttpServer());
  const upload = (path: string, name = 'cdnow') =>
    http()
      .post(path)
      .set('X-API-Key', keys.analyst)
      .field('name', name)
      .field('kind', 'transactions')
      .field('customerIdColumn', 'masterid')
      .field('timestampColumn', 'date')
      .field('amountColumn', 'sales');

  beforeAll(async () => {
    app = await startApp(config);
    keys = await createKeys(app);
  });
  afterAll(async () => {
    await app.close();
  });

  it('leaves no upload behind: a missing dataset (404), a body that fails validation or a refused file (400), or an ingest (201)', async () => {
    const uploads = () => (existsSync(uploadDir(config)) ? readdirSync(uploadDir(config)) : []);
    expect(uploads()).toEqual([]);
    await upload('/datasets/no-such-dataset/versions').attach('file', elog).expect(404);
    expect(uploads()).toEqual([]);
    await upload('/datasets', 'cdnow-tmp').field('returns', 'excluded').attach('file', elog).expect(400);
    expect(uploads()).toEqual([]);
    await upload('/datasets', 'cdnow-tmp')
      .attach('file', Buffer.from('masterid,date,sales\n4,20991231,29.33\n'), 'future.csv')
      .expect(400);
    expect(uploads()).toEqual([]);
    await upload('/datasets', 'cdnow-tmp').attach('file', elog).expect(201);
    await upload('/datasets/cdnow-tmp/versions', 'cdnow-tmp')
      .field('returns', 'excluded')
      .attach('file', elog)
      .expect(400);
    expect(uploads()).toEqual([]);
    // The folder was used: multer writes there (a file it then loses would show above).
    expect(existsSync(uploadDir(config))).toBe(true);
  });

  it('ingests a transactions file with a column mapping, idempotently, and adds versions to a dataset', async () => {
    const first = await upload('/datasets').attach('file', elog).expect(201);
    expect(first.body.version).toMatchObject({ version: 1, kind: 'transactions', rowCount: 6919, rejectedCount: 0 });
    expect(first.body.version.report.mapping).toEqual({
      customerId: 'masterid',
      timestamp: 'date',
      amount: 'sales',
      quantity: 'cds',
    }); // quantity auto-detected
    await upload('/datasets').attach('file', elog).expect(200);
    const half = readFileSync(elog, 'utf8').split('\n').slice(0, 3001).join('\n');
    const second = await upload(`/datasets/${first.body.dataset.id}/versions`)
      .attach('file', Buffer.from(half), 'first-3000.csv')
      .expect(201);
    expect(second.body.version).toMatchObject({ version: 2, rowCount: 3000 });
    const got = await http().get('/datasets/cdnow/versions/2').set('X-API-Key', keys.viewer).expect(200);
    expect(got.body.sourceName).toBe('first-3000.csv');
  });

  it('computes acquisition cost, CSAT and NPS per segment once the dataset has the extra tables', async () => {
    // Customer attributes derived from the event log itself: channel by id parity, signup month = month of the first purchase.
    const first = new Map<string, string>();
    for (const line of readFileSync(elog, 'utf8').trim().split('\n').slice(1)) {
      const [id, , date] = line.split(',');
      if (!first.has(id) || date < (first.get(id) as string)) first.set(id, date);
    }
    const customers = [
      'customer_id,acquisition_channel,signup_month',
      ...[...first].map(([id, d]) => `${id},${Number(id) % 2 ? 'search' : 'social'},${d.slice(0, 4)}-${d.slice(4, 6)}`),
    ];
    const spend =
      'channel,period,spend\nsearch,1997-01,5000\nsocial,1997-01,3000\nsearch,1997-02,4000\nsocial,1997-02,2000\nsearch,1997-03,6000\nsocial,1997-03,1000\n';
    const survey = 'customer_id,csat,nps\n4,5,10\n21,2,3\n50,4,9\n';
    await upload('/datasets', 'cdnow-extra').attach('file', elog).expect(201);
    const add = (kind: string, text: string, table?: string) => {
      const req = http().post('/datasets/cdnow-extra/versions').set('X-API-Key', keys.analyst).field('kind', kind);
      return (table ? req.field('table', table) : req)
        .attach('file', Buffer.from(text), `${table ?? kind}.csv`)
        .expect(201);
    };
    await add('customers', customers.join('\n'));
    const tableVersion = await add('table', spend, 'marketing_spend');
    expect(tableVersion.body.version).toMatchObject({ kind: 'table', table: 'marketing_spend', rowCount: 6 });
    await add('table', survey, 'survey');
    await http()
      .post('/segmentations')
      .set('X-API-Key', keys.analyst)
      .send({
        name: 'cdnow-kmeans',
        plugin: 'segmenter-kmeans',
        dataset: 'cdnow-extra',
        params: { features: ['recency_days', 'frequency'], k: 2 },
        kpis: [{ plugin: 'kpi-standard', params: { bootstrapResamples: 0 } }],
      })
      .expect(201);
    const submitted = await http()
      .post('/segmentations/cdnow-kmeans/runs')
      .set('X-API-Key', keys.analyst)
      .send({ seed: 1 })
      .expect(202);
    expect(await waitForRun(app, keys.viewer, submitted.body.id)).toMatchObject({
      status: 'succeeded',
      datasetVersion: { version: 1 },
    });
    const kpis = (await http().get(`/runs/${submitted.body.id}/kpis`).set('X-API-Key', keys.viewer).expect(200))
      .body as { kpi: string; segmentKey: number | null; value: number | null; note: string | null }[];
    const overall = (kpi: string) => kpis.find((k) => k.kpi === kpi && k.segmentKey === null);
    // Every customer was acquired in a (channel, month) cell with spend: CAC = all spend / all customers.
    expect(overall('cac')?.value).toBeCloseTo(21000 / 2357, 9);
    expect(overall('csat_mean')?.value).toBeCloseTo((5 + 2 + 4) / 3, 12);
    expect(overall('nps')?.value).toBeCloseTo(((2 - 1) / 3) * 100, 9); // two promoters (10, 9), one detractor (3)
    // Each value says what it means and over which period.
    const aov = kpis.find((k) => k.kpi === 'average_order_value' && k.segmentKey === null) as unknown as {
      definition: string;
      window: { start: string; end: string };
      evaluator: string;
    };
    expect(aov.definition).toMatch(/order/i);
    expect(aov.window.start < aov.window.end).toBe(true);
    expect(aov.evaluator).toBe('kpi-standard@1.0.0');
  });

  it('validates the fields of a new version as those of a new dataset: a typo is a 400 on both routes', async () => {
    const first = await upload('/datasets', 'cdnow-typo').field('returns', 'excluded').attach('file', elog).expect(400);
    expect(first.body.message).toEqual(['returns: returns must be one of the following values: net, exclude']);
    await upload('/datasets', 'cdnow-typo').attach('file', elog).expect(201);
    const version = await upload('/datasets/cdnow-typo/versions', 'cdnow-typo')
      .field('returns', 'excluded')
      .attach('file', Buffer.from('masterid,date,sales\n4,19970101,29.33\n'), 'one.csv')
      .expect(400);
    expect(version.body.message).toEqual(first.body.message);
    const unknown = await http()
      .post('/datasets/cdnow-typo/versions')
      .set('X-API-Key', keys.analyst)
      .field('kind', 'transactions')
      .field('retruns', 'exclude')
      .attach('file', elog)
      .expect(400);
    expect(unknown.body.message).toEqual(['retruns: property retruns should not exist']);
    const otherName = await upload('/datasets/cdnow-typo/versions', 'cdnow').attach('file', elog).expect(400);
    expect(otherName.body.message).toContain("'cdnow' is not the name of dataset 'cdnow-typo'");
    const versions = await http().get('/datasets/cdnow-typo').set('X-API-Key', keys.viewer).expect(200);
    expect(versions.body.versions).toHaveLength(1);
  });

  it('reads real files with the upload fields encoding, header/columns, currency/thousands and zeroAmounts', async () => {
    const post = (name: string) => http().post('/datasets').set('X-API-Key', keys.analyst).field('name', name);
    const latin1 = Buffer.concat([Buffer.from('customer_id,name\n1,M'), Buffer.from([0xfc]), Buffer.from('ller\n')]);
    const refused = await post('latin1').attach('file', latin1, 'people.csv').expect(400);
    expect(refused.body.message).toBe(
      'line 2, byte offset 20: invalid UTF-8 (byte 0xFC); if the file is Latin-1 or Windows-1252, say so: CLI --encoding latin1|windows-1252, API field encoding',
    );
    await http().get('/datasets/latin1').set('X-API-Key', keys.viewer).expect(404);
    const read = await post('latin1').field('encoding', 'latin1').attach('file', latin1, 'people.csv').expect(201);
    expect(JSON.stringify(read.body.version.stats)).toContain('Müller');
    const cdnow = join(__dirname, '../../cli/test/fixtures/CDNOW_sample-head30.txt');
    const headerless = await post('cdnow-txt')
      .field('kind', 'transactions')
      .field('delimiter', 'whitespace')
      .field('header', 'false')
      .field('columns', 'master_id,sample_id,date,cds,sales')
      .field('customerIdColumn', 'sample_id')
      .attach('file', cdnow)
      .expect(201);
    expect(headerless.body.version).toMatchObject({ rowCount: 30, rejectedCount: 0 });
    const money = Buffer.from('customer_id,date,amount\n1,2011-01-02,"£1,250.00"\n2,2011-01-03,0\n');
    await post('money').field('kind', 'transactions').attach('file', money, 'money.csv').expect(400);
    const moneyRead = await post('money')
      .field('kind', 'transactions')
      .field('currency', 'true')
      .field('thousands', ',')
      .field('zeroAmounts', 'exclude')
      .attach('file', money, 'money.csv')
      .expect(201);
    expect(moneyRead.body.version).toMatchObject({
      rowCount: 1,
      report: { zeroAmountRows: 1, zeroAmountsExcluded: 1 },
      stats: { amount: { max: 1250 } },
    });
  });

  it('answers a mapping that names a missing column with 400 and stores nothing', async () => {
    const res = await http()
      .post('/datasets')
      .set('X-API-Key', keys.analyst)
      .field('name', 'broken-tx')
      .field('kind', 'transactions')
      .field('customerIdColumn', 'CustomerID')
      .attach('file', elog)
      .expect(400);
    expect(res.body.message).toContain("'CustomerID'");
    await http().get('/datasets/broken-tx').set('X-API-Key', keys.viewer).expect(404);
  });
});

describe('a churn predictor on a label derived from transactions', () => {
  let app: INestApplication;
  let keys: Record<Role, string>;
  const invoices = join(__dirname, '../../../samples/online-retail-invoices.csv');
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await startApp(testConfig());
    keys = await createKeys(app);
  });
  afterAll(async () => {
    await app.close();
  });

  it('labels churned = no purchase in the last 90 days, trains on features as of 90 days before, and scores every customer with history by then', async () => {
    await http()
      .post('/datasets')
      .set('X-API-Key', keys.analyst)
      .field('name', 'shop')
      .field('kind', 'transactions')
      .field('returns', 'exclude')
      .attach('file', invoices)
      .expect(201);
    const features = ['recency_days', 'frequency', 'monetary', 'tenure_days', 'active_months'];
    await http()
      .post('/segmentations')
      .set('X-API-Key', keys.analyst)
      .send({
        name: 'churn',
        plugin: 'predictor-churn',
        dataset: 'shop',
        churnHorizonDays: 90,
        params: { label: 'churned', features },
        kpis: [],
      })
      .expect(201);
    const submitted = await http()
      .post('/segmentations/churn/runs')
      .set('X-API-Key', keys.analyst)
      .send({ seed: 1 })
      .expect(202);
    const run = (await waitForRun(app, keys.viewer, submitted.body.id)) as {
      status: string;
      featureSet: string;
      backend: string;
      metrics: Record<string, number>;
    };
    expect([run.status, run.featureSet]).toEqual(['succeeded', 'rfm@1+bgnbd@1+churned@1(90d)']);
    expect(['tensorflow', 'wasm', 'cpu']).toContain(run.backend);

    // The same label computed independently, straight from the CSV.
    const rows = readFileSync(invoices, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const day = (date: string) => Math.floor(Date.parse(`${date.slice(0, 10)}T00:00:00Z`) / 86_400_000);
    const purchases = rows.filter((r) => !r[0].startsWith('C'));
    const end = Math.max(...purchases.map((r) => day(r[1]))) - 90;
    const history = new Set(purchases.filter((r) => day(r[1]) <= end).map((r) => r[2]));
    const retained = new Set(purchases.filter((r) => day(r[1]) > end && history.has(r[2])).map((r) => r[2]));
    const { train_rows, holdout_rows, train_positive_rate, holdout_positive_rate, auc } = run.metrics;
    expect(train_rows + holdout_rows).toBe(history.size);
    expect(Math.round(train_positive_rate * train_rows + holdout_positive_rate * holdout_rows)).toBe(
      history.size - retained.size,
    );
    expect(auc).toBeGreaterThan(0.65);
    const segments = await http().get(`/runs/${submitted.body.id}/segments`).set('X-API-Key', keys.viewer).expect(200);
    expect(segments.body.map((s: { label: string }) => s.label)).toEqual(['Low risk', 'Medium risk', 'High risk']);
  });
});
