import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Role } from '@workbench/persistence';
import request from 'supertest';
import { createKeys, startApp, testConfig, waitForRun } from './helpers';

const ROOT = join(__dirname, '../../..');
const INVOICES = join(ROOT, 'samples/online-retail-invoices.csv');
/** Written by samples/kpi-series-reference.py: plain SQL over the same file, no workbench code. */
const REFERENCE = JSON.parse(readFileSync(join(ROOT, 'samples/kpi-series-reference.json'), 'utf8')) as {
  month: string;
  segments: Record<string, { revenue: number; orders: number; totalRevenue: number; totalOrders: number }>;
};

interface Point {
  period: string;
  revenue: number;
  orders: number;
  activeCustomers: number;
  averageOrderValue: number | null;
  newCustomers: number;
  cohortRetention: number | null;
}
interface Series {
  period: string;
  periods: { name: string; start: string; end: string }[];
  series: { segmentKey: number | null; segment: string | null; points: Point[] }[];
}

describe('KPI series of a run', () => {
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
        name: 'repeat',
        plugin: 'segmenter-rules',
        dataset: 'retail',
        params: {
          rules: [{ segment: 'Repeat', when: [{ feature: 'frequency', op: '>=', value: 2 }] }],
          defaultSegment: 'One-time',
        },
        kpis: [{ plugin: 'kpi-standard', params: { bootstrapResamples: 20 } }],
      })
      .expect(201);
    const run = await http().post('/segmentations/repeat/runs').set('X-API-Key', keys.analyst).send({}).expect(202);
    expect((await waitForRun(app, keys.viewer, run.body.id, 180_000)).status).toBe('succeeded');
  }, 300_000);
  afterAll(async () => {
    await app?.close();
  });

  it("matches an independent SQL computation of one month's revenue and orders per segment on the Online Retail sample", async () => {
    const body = (await get('/runs/repeat@v1/kpis/series')) as Series;
    expect(body.period).toBe('month');
    const month = body.periods.findIndex((p) => p.name === REFERENCE.month);
    expect(body.periods[month]).toEqual({ name: '2011-03', start: '2011-03-01', end: '2011-04-01' });
    for (const [label, expected] of Object.entries(REFERENCE.segments)) {
      const point = body.series.find((s) => s.segment === label)?.points[month] as Point;
      expect([label, point.revenue]).toEqual([label, expect.closeTo(expected.revenue, 6)]);
      expect([label, point.orders]).toEqual([label, expected.orders]);
      expect(point.averageOrderValue).toBeCloseTo(expected.revenue / expected.orders, 9);
    }
  });

  it("sums back to the run's revenue and orders per segment (kpi-standard's figures), and to the SQL totals", async () => {
    const body = (await get('/runs/repeat@v1/kpis/series')) as Series;
    const kpis = (await get('/runs/repeat@v1/kpis')) as { segment: string | null; kpi: string; value: number }[];
    expect(body.periods).toHaveLength(13); // December 2010 to December 2011
    for (const s of body.series) {
      const revenue = s.points.reduce((sum, p) => sum + p.revenue, 0);
      const orders = s.points.reduce((sum, p) => sum + p.orders, 0);
      const own = (kpi: string) => kpis.find((k) => k.segment === s.segment && k.kpi === kpi)?.value;
      expect([s.segment, revenue]).toEqual([s.segment, expect.closeTo(own('revenue') as number, 6)]);
      expect([s.segment, orders]).toEqual([s.segment, own('orders')]);
      if (s.segment !== null)
        expect([revenue, orders]).toEqual([
          expect.closeTo(REFERENCE.segments[s.segment].totalRevenue, 6),
          REFERENCE.segments[s.segment].totalOrders,
        ]);
    }
    // All customers: the segments' sum, period by period.
    const all = body.series.find((s) => s.segmentKey === null) as Series['series'][number];
    all.points.forEach((p, i) =>
      expect(p.revenue).toBeCloseTo(
        body.series.filter((s) => s.segmentKey !== null).reduce((sum, s) => sum + s.points[i].revenue, 0),
        6,
      ),
    );
  });

  it("gives one-time customers no retention of their cohort, and each customer's first month exactly once", async () => {
    const body = (await get('/runs/repeat@v1/kpis/series')) as Series;
    const oneTime = body.series.find((s) => s.segment === 'One-time') as Series['series'][number];
    // A customer with one purchase never buys again, so no cohort of theirs is retained.
    expect(oneTime.points.every((p) => p.cohortRetention === null || p.cohortRetention === 0)).toBe(true);
    const customers = (await get('/runs/repeat@v1/segments')) as { label: string; size: number }[];
    for (const s of body.series.filter((x) => x.segment !== null)) {
      expect([s.segment, s.points.reduce((sum, p) => sum + p.newCustomers, 0)]).toEqual([
        s.segment,
        customers.find((c) => c.label === s.segment)?.size,
      ]);
    }
  });

  it('cuts ISO weeks with ?period=week, with the same totals', async () => {
    const [months, weeks] = [
      (await get('/runs/repeat@v1/kpis/series')) as Series,
      (await get('/runs/repeat@v1/kpis/series?period=week')) as Series,
    ];
    expect(weeks.period).toBe('week');
    expect(weeks.periods[0]).toEqual({ name: '2010-11-29', start: '2010-11-29', end: '2010-12-06' });
    const total = (s: Series, g: number) => s.series[g].points.reduce((sum, p) => sum + p.revenue, 0);
    expect(total(weeks, 0)).toBeCloseTo(total(months, 0), 6);
    expect(total(weeks, 2)).toBeCloseTo(total(months, 2), 6);
    const bad = await http().get('/runs/repeat@v1/kpis/series?period=day').set('X-API-Key', keys.viewer).expect(400);
    expect(bad.body.message).toEqual(['period: period must be one of the following values: month, week']);
  });

  describe("a segment's customers as an audience", () => {
    it('pages through a segment as CSV by following the Link header, and the pages add up to its assignments', async () => {
      const all = (await get('/runs/repeat@v1/assignments?format=json')) as {
        customerId: string;
        segmentKey: number;
        segmentLabel: string;
        score: number | null;
      }[];
      const key = all.find((r) => r.segmentLabel === 'Repeat')?.segmentKey as number;
      const members = all.filter((r) => r.segmentKey === key);
      const lines: string[] = [];
      let next: string | undefined = `/runs/repeat@v1/segments/${key}/customers?limit=1000`;
      let pages = 0;
      while (next) {
        const res: { text: string; headers: Record<string, string> } = await http()
          .get(next)
          .set('X-API-Key', keys.viewer)
          .expect(200);
        expect(res.headers['content-type']).toMatch(/^text\/csv/);
        expect(res.headers['x-total-count']).toBe(String(members.length));
        const [header, ...rows] = res.text.trim().split('\n');
        expect(header).toBe('customer_id,segment_key,segment,score');
        lines.push(...rows);
        next = /^<([^>]+)>; rel="next"$/.exec(res.headers.link ?? '')?.[1];
        pages++;
      }
      expect(pages).toBe(Math.ceil(members.length / 1000));
      expect(lines).toEqual(members.map((r) => `${r.customerId},${key},Repeat,`));
    });

    it('answers a JSON page with its total, and 404 for a segment the run does not have', async () => {
      const page = (await get('/runs/repeat@v1/segments/1/customers?format=json&offset=10&limit=5')) as {
        total: number;
        offset: number;
        limit: number;
        rows: { segmentKey: number }[];
      };
      expect([page.offset, page.limit, page.rows.length, page.rows.every((r) => r.segmentKey === 1)]).toEqual([
        10,
        5,
        5,
        true,
      ]);
      const segments = (await get('/runs/repeat@v1/segments')) as { key: number; size: number }[];
      expect(page.total).toBe(segments.find((s) => s.key === 1)?.size);
      const missing = await http()
        .get('/runs/repeat@v1/segments/7/customers')
        .set('X-API-Key', keys.viewer)
        .expect(404);
      expect(missing.body.message).toBe('run repeat v1 has no segment 7 (its keys are 0..1)');
      const tooBig = await http()
        .get('/runs/repeat@v1/segments/0/customers?limit=100001')
        .set('X-API-Key', keys.viewer)
        .expect(400);
      expect(tooBig.body.message).toEqual(['limit: limit must not be greater than 100000']);
    });
  });

  it('prints with `kpis --series --json` what the API answers, and a table per segment without --json', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, WORKBENCH_HOME: config.home };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    const cli = (args: string[]) =>
      spawnSync(process.execPath, ['-r', './tools/register.js', 'apps/cli/src/main.ts', ...args], {
        cwd: ROOT,
        env,
        encoding: 'utf8',
        timeout: 90_000,
      });
    const json = cli(['kpis', 'repeat@v1', '--series', '--period', 'week', '--json']);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(await get('/runs/repeat@v1/kpis/series?period=week'));
    const table = cli(['kpis', 'repeat@v1', '--series']);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^Repeat:$/m);
    expect(table.stdout).toMatch(
      new RegExp(
        `^2011-03 +${REFERENCE.segments.Repeat.revenue.toLocaleString('en-US', { minimumFractionDigits: 2 })} +${REFERENCE.segments.Repeat.orders} `,
        'm',
      ),
    );
  }, 120_000);
});
