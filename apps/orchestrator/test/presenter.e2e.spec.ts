import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { builtinPlugins } from '@workbench/builtin-plugins';
import type { Role } from '@workbench/persistence';
import request from 'supertest';
import { createKeys, startApp, testConfig, waitForRun } from './helpers';

const ROOT = join(__dirname, '../../..');
const INVOICES = join(ROOT, 'samples/online-retail-invoices-2011-h1.csv');

/** The `workbench` CLI as a process of its own, on the same embedded store as the server under test. */
function cli(home: string, args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, WORKBENCH_HOME: home };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.WORKBENCH_DEBUG;
  return spawnSync(process.execPath, ['-r', './tools/register.js', 'apps/cli/src/main.ts', ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 90_000,
  });
}

interface OpenApiOperation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

describe('one presenter for the API and the CLI', () => {
  const config = testConfig();
  let app: INestApplication;
  let keys: Record<Role, string>;
  const http = () => request(app.getHttpServer());
  const get = async (path: string) =>
    (await http().get(path).set('X-API-Key', keys.viewer).expect(200)).body as unknown;

  beforeAll(async () => {
    app = await startApp(config);
    keys = await createKeys(app);
    await http()
      .post('/datasets')
      .set('X-API-Key', keys.analyst)
      .field('name', 'retail')
      .field('kind', 'transactions')
      .field('returns', 'exclude')
      .attach('file', INVOICES)
      .expect(201);
    await http()
      .post('/segmentations')
      .set('X-API-Key', keys.analyst)
      .send({
        name: 'rfm',
        plugin: 'segmenter-kmeans',
        dataset: 'retail',
        params: { features: ['recency_days', 'frequency', 'monetary'], k: 3 },
        kpis: [{ plugin: 'kpi-standard', params: { bootstrapResamples: 50 } }],
      })
      .expect(201);
    const run = await http()
      .post('/segmentations/rfm/runs')
      .set('X-API-Key', keys.analyst)
      .send({ seed: 3 })
      .expect(202);
    expect((await waitForRun(app, keys.viewer, run.body.id)).status).toBe('succeeded');
  });
  afterAll(async () => {
    await app.close();
  });

  it('describes the 2xx response schema of every route in /docs-json', async () => {
    const doc = (await http().get('/docs-json').set('X-API-Key', keys.viewer).expect(200)).body as {
      paths: Record<string, Record<string, OpenApiOperation>>;
    };
    const undescribed: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const ok = Object.entries(operation.responses).filter(([status]) => /^2\d\d$/.test(status));
        // 204 No Content has no body to describe.
        const described =
          ok.length > 0 &&
          ok.every(
            ([status, r]) => status === '204' || Object.values(r.content ?? {}).some((c) => c.schema !== undefined),
          );
        if (!described) undescribed.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(undescribed).toEqual([]);
    expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(20);
  });

  it("gives the API docs the workbench's version from package.json", async () => {
    const doc = (await http().get('/docs-json').set('X-API-Key', keys.viewer).expect(200)).body as {
      info: { version: string };
    };
    expect(doc.info.version).toBe(
      (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    );
  });

  it('describes the upload form fields (returns, policy, the column mapping)', async () => {
    const doc = (await http().get('/docs-json').set('X-API-Key', keys.viewer).expect(200)).body as {
      paths: Record<
        string,
        Record<string, { requestBody: { content: Record<string, { schema: { allOf: { $ref?: string }[] } }> } }>
      >;
      components: {
        schemas: Record<string, { properties: Record<string, { description?: string; enum?: string[] }> }>;
      };
    };
    const form = doc.paths['/datasets'].post.requestBody.content['multipart/form-data'].schema.allOf[0].$ref as string;
    const fields = doc.components.schemas[form.split('/').pop() as string].properties;
    expect(fields.returns.enum).toEqual(['net', 'exclude']);
    expect(fields.policy.enum).toEqual(['reject', 'skip']);
    for (const name of ['returns', 'policy', 'customerIdColumn', 'timestampColumn', 'amountColumn', 'orderIdColumn'])
      expect(fields[name].description).toEqual(expect.any(String));
  });

  it('prints with `kpis --json` exactly what GET /runs/:id/kpis answers, segment labels included', async () => {
    const result = cli(config.home, ['kpis', 'rfm@v1', '--json']);
    expect(result.status).toBe(0);
    const printed = JSON.parse(result.stdout) as { segmentKey: number | null; segment: string | null }[];
    expect(printed).toEqual(await get('/runs/rfm@v1/kpis'));
    expect(printed.find((k) => k.segmentKey !== null)?.segment).toEqual(expect.any(String));
  });

  it('prints with `segments --json` exactly what GET /runs/:id/report answers, whose parts are the run, segments and KPI routes', async () => {
    const result = cli(config.home, ['segments', 'rfm@latest', '--json']);
    expect(result.status).toBe(0);
    const printed = JSON.parse(result.stdout) as { run: unknown; segments: unknown; kpis: unknown };
    expect(printed).toEqual(await get('/runs/rfm@latest/report'));
    expect([printed.run, printed.segments, printed.kpis]).toEqual([
      await get('/runs/rfm@v1'),
      await get('/runs/rfm@v1/segments'),
      await get('/runs/rfm@v1/kpis'),
    ]);
  });

  it('prints with `runs --json` the segmentation and runs as GET /segmentations/:id and /segmentations/:id/runs answer them', async () => {
    const result = cli(config.home, ['runs', 'rfm', '--json']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      segmentation: await get('/segmentations/rfm'),
      runs: await get('/segmentations/rfm/runs'),
    });
  });

  it("orders the CLI's KPI table by the evaluator's manifest", async () => {
    const result = cli(config.home, ['kpis', 'rfm@v1']);
    expect(result.status).toBe(0);
    const rows = result.stdout
      .split('\n')
      .slice(2)
      .map((line) => line.split(/\s+/)[0])
      .filter((k) => k !== '' && !k.endsWith(':'));
    const manifest = builtinPlugins.find((p) => p.manifest.name === 'kpi-standard')?.manifest as {
      kpis: { key: string }[];
    };
    const stored = new Set(
      ((await get('/runs/rfm@v1/kpis')) as { kpi: string; evaluator: string }[])
        .filter((k) => k.evaluator.startsWith('kpi-standard@'))
        .map((k) => k.kpi),
    );
    // Counts and shares are columns of the segment table, so the KPI table leaves them out.
    const inSegmentTable = new Set(['customers', 'customer_share', 'revenue_share']);
    expect(rows).toEqual(manifest.kpis.map((k) => k.key).filter((key) => stored.has(key) && !inSegmentTable.has(key)));
    expect(rows.length).toBeGreaterThanOrEqual(5);
  });

  it('lists datasets, segmentations and features with the CLI as the API answers them', async () => {
    for (const [args, path] of [
      [['datasets'], '/datasets'],
      [['segmentations'], '/segmentations'],
      [['features', 'retail'], '/datasets/retail/features'],
    ] as const) {
      const result = cli(config.home, [...args, '--json']);
      expect([args.join(' '), result.status]).toEqual([args.join(' '), 0]);
      expect(JSON.parse(result.stdout)).toEqual(await get(path));
    }
  });

  it('describes each derived feature with its definition, unit and range, in the CLI table too', async () => {
    const features = (await get('/datasets/retail/features')) as {
      name: string;
      unit: string | null;
      definition: string;
      source: string;
      min: number | null;
    }[];
    expect(features.find((f) => f.name === 'frequency')).toMatchObject({
      unit: 'orders',
      source: 'rfm@1',
      definition: expect.stringContaining('distinct purchase orders'),
    });
    expect(features.find((f) => f.name === 'T')).toMatchObject({ unit: 'weeks', source: 'bgnbd@1' });
    const table = cli(config.home, ['features', 'retail']);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(
      /^recency_days +days +[\d.,]+ +[\d.,]+ +[\d.,]+ +reference day − day of the last purchase \(rfm@1\)$/m,
    );
  });

  describe('a log feature on values at or below -1', () => {
    // Under the default `returns: net`, a customer whose returns exceed their purchases in the file has a negative monetary.
    const invoices = join(ROOT, 'samples/online-retail-invoices.csv');
    // Net spend per customer straight from the CSV; a customer with cancellations only (invoice 'C…') has no purchase and no row.
    const netMonetary = () => {
      const sums = new Map<string, number>();
      const buyers = new Set<string>();
      for (const line of readFileSync(invoices, 'utf8').trim().split('\n').slice(1)) {
        const [invoice, , customer, amount] = line.split(',');
        sums.set(customer, (sums.get(customer) ?? 0) + Number(amount));
        if (!invoice.startsWith('C')) buyers.add(customer);
      }
      return Math.min(...[...buyers].map((c) => sums.get(c) as number));
    };
    const segmentation = (name: string, logFeatures: string[]) => ({
      name,
      plugin: 'segmenter-kmeans',
      dataset: 'netted',
      params: { features: ['recency_days', 'frequency', 'monetary'], logFeatures, k: 3 },
      kpis: [],
    });

    beforeAll(async () => {
      await http()
        .post('/datasets')
        .set('X-API-Key', keys.analyst)
        .field('name', 'netted')
        .field('kind', 'transactions')
        .attach('file', invoices)
        .expect(201);
    });

    it("shows the netted monetary's minimum among the dataset's features", async () => {
      const features = (await get('/datasets/netted/features')) as { name: string; min: number }[];
      const expected = netMonetary();
      expect(expected).toBeLessThan(-1);
      expect(features.find((f) => f.name === 'monetary')?.min).toBeCloseTo(expected, 6);
    });

    it('refuses the segmentation with 400 naming the feature and its minimum, and stores nothing', async () => {
      const res = await http()
        .post('/segmentations')
        .set('X-API-Key', keys.analyst)
        .send(segmentation('netted-log', ['frequency', 'monetary']))
        .expect(400);
      expect(res.body.message).toMatch(
        /^logFeatures: 'monetary' has values down to (-[\d.]+) in dataset 'netted' v1; log\(1 \+ x\) needs values above -1\. Remove it from logFeatures, or upload the transactions with returns 'exclude'/,
      );
      expect(Number(/down to (-[\d.]+)/.exec(res.body.message)?.[1])).toBeCloseTo(netMonetary(), 6);
      await http().get('/segmentations/netted-log').set('X-API-Key', keys.viewer).expect(404);
    });

    it('refuses it too when the log feature is spelled as the file or the user writes it', async () => {
      const res = await http()
        .post('/segmentations')
        .set('X-API-Key', keys.analyst)
        .send(segmentation('netted-log-spelled', ['Monetary']))
        .expect(400);
      expect(res.body.message).toMatch(/^logFeatures: 'monetary' has values down to -[\d.]+ in dataset 'netted' v1/);
    });

    it('refuses a run whose params override adds the log feature, before anything is queued', async () => {
      await http()
        .post('/segmentations')
        .set('X-API-Key', keys.analyst)
        .send(segmentation('netted-plain', ['frequency']))
        .expect(201);
      const res = await http()
        .post('/segmentations/netted-plain/runs')
        .set('X-API-Key', keys.analyst)
        .send({ params: { logFeatures: ['monetary'] } })
        .expect(400);
      expect(res.body.message).toMatch(/^logFeatures: 'monetary' has values down to -/);
      expect(await get('/segmentations/netted-plain/runs')).toEqual([]);
    });
  });

  describe('a failed run', () => {
    beforeAll(async () => {
      // k = 5 on 3 customers passes the params check at submission and fails in the job.
      await http()
        .post('/datasets')
        .set('X-API-Key', keys.analyst)
        .field('name', 'tiny')
        .attach('file', Buffer.from('customer_id,spend\na,1\nb,2\nc,3\n'), 'tiny.csv')
        .expect(201);
      await http()
        .post('/segmentations')
        .set('X-API-Key', keys.analyst)
        .send({ name: 'too-many', plugin: 'segmenter-kmeans', dataset: 'tiny', params: { features: ['spend'], k: 5 } })
        .expect(201);
      const run = await http().post('/segmentations/too-many/runs').set('X-API-Key', keys.analyst).send({}).expect(202);
      expect((await waitForRun(app, keys.viewer, run.body.id)).status).toBe('failed');
    });

    it('answers GET /runs/:id/kpis with 409 and the reason', async () => {
      const res = await http().get('/runs/too-many@v1/kpis').set('X-API-Key', keys.viewer).expect(409);
      expect(res.body.message).toMatch(
        /^run too-many v1 failed, so it has no KPIs: .*k \(5\) must not exceed the number of rows \(3\)/,
      );
    });

    it('makes `workbench kpis` exit 1 saying the run failed and why', () => {
      const result = cli(config.home, ['kpis', 'too-many@v1']);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(
        /^error: run too-many v1 failed, so it has no KPIs: .*k \(5\) must not exceed the number of rows \(3\)/m,
      );
      expect(result.stdout).toBe('');
    });
  });
});
