import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { requireRedis, testRedisUrl } from '@workbench/jobs/testing';
import type { Role } from '@workbench/persistence';
import { createTestDatabase, type TestDatabase } from '@workbench/persistence/testing';
import request from 'supertest';
import { createKeys, SAMPLE, startApp, testConfig, uploadSample, waitForRun } from './helpers';

interface Firing {
  run: { id: string; version: number };
  scoring: { id: string; dataset: string; datasetVersion: number } | null;
  segments: { label: string; values: Record<string, number | null> }[];
  eventId: string;
  webhook: { status: string; attempts: number } | null;
}
interface Alert {
  id: string;
  rule: string;
  webhookUrl: string | null;
  firings: Firing[];
}

/**
 * KPI alerts over HTTP on PostgreSQL with Bull on Redis: a run (or a scoring) whose job is retried fires a
 * breached alert once, and its webhook, failing twice, is retried until delivered.
 */
describe('KPI alerts (PostgreSQL, Bull)', () => {
  let db: TestDatabase;
  let api: INestApplication;
  let keys: Record<Role, string>;
  let hook: Server;
  let hookUrl = '';
  const deliveries: { status: number; body: { id: string; kind: string; details: { rule: string } } }[] = [];
  const http = () => request(api.getHttpServer());
  let firstRun = '';
  const alerts = async () => (await http().get('/alerts').set('X-API-Key', keys.scientist).expect(200)).body as Alert[];

  beforeAll(async () => {
    await requireRedis(testRedisUrl());
    db = await createTestDatabase('postgresql');
    // The webhook answers 500 twice for each event, then 200.
    hook = createServer((req, res) => {
      let text = '';
      req.on('data', (d) => (text += d));
      req.on('end', () => {
        const body = JSON.parse(text);
        const status = deliveries.filter((d) => d.body.id === body.id).length < 2 ? 500 : 200;
        deliveries.push({ status, body });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    const config = testConfig({
      databaseUrl: db.url,
      redisUrl: testRedisUrl(),
      queuePrefix: `wbtest-${randomBytes(4).toString('hex')}`,
      webhookAllow: ['127.0.0.1'],
      jobAttempts: 3,
    });
    api = await startApp(config);
    keys = await createKeys(api);
    await uploadSample(http, keys.analyst);
    // Fails its first attempt of each run and of each scoring: the job is retried and succeeds on the second.
    await http()
      .post('/segmentations')
      .set('X-API-Key', keys.analyst)
      .send({
        name: 'median',
        plugin: 'test-split-median',
        dataset: 'retail',
        params: { feature: 'monetary', failTimes: 1, failScoringTimes: 1 },
      })
      .expect(201);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await db?.drop();
    await new Promise((resolve) => hook?.close(resolve));
  });

  it('refuses a rule over a KPI the segmentation does not have, naming it, and needs the scientist role', async () => {
    const res = await http()
      .post('/segmentations/median/alerts')
      .set('X-API-Key', keys.scientist)
      .send({ rule: 'churn_rate > 0.3' })
      .expect(400);
    expect(res.body.message).toMatch(/^rule: .*churn_rate/);
    await http()
      .post('/segmentations/median/alerts')
      .set('X-API-Key', keys.analyst)
      .send({ rule: 'customers > 1' })
      .expect(403);
    const bad = await http()
      .post('/segmentations/median/alerts')
      .set('X-API-Key', keys.scientist)
      .send({ rule: 'customers > 1', webhookUrl: 'ftp://x' })
      .expect(400);
    expect(bad.body.message).toEqual(['webhookUrl: webhookUrl must be an http:// or https:// URL']);
  });

  it('fires a breached alert once for a run whose job was retried, and retries its webhook until delivered', async () => {
    await http()
      .post('/segmentations/median/alerts')
      .set('X-API-Key', keys.scientist)
      .send({ rule: 'customer_share >= 0.5', webhookUrl: hookUrl })
      .expect(201);
    await http()
      .post('/segmentations/median/alerts')
      .set('X-API-Key', keys.scientist)
      .send({ rule: 'customer_share > 0.9' })
      .expect(201);
    const submitted = await http()
      .post('/segmentations/median/runs')
      .set('X-API-Key', keys.analyst)
      .send({})
      .expect(202);
    const run = await waitForRun(api, keys.viewer, submitted.body.id);
    expect([run.status, run.attempts]).toEqual(['succeeded', 2]);
    firstRun = submitted.body.id;

    let listed = await alerts();
    for (
      const deadline = Date.now() + 60_000;
      listed[0].firings[0]?.webhook?.status !== 'delivered' && Date.now() < deadline;
      listed = await alerts()
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const [breached, quiet] = listed;
    expect(breached.firings).toHaveLength(1);
    expect(quiet.firings).toEqual([]);
    const firing = breached.firings[0];
    // 4,338 customers split at the median: two segments of 2,169, each exactly half.
    expect(firing.segments).toEqual(
      [
        { key: 0, label: 'Low', values: { customer_share: 0.5 } },
        { key: 1, label: 'High', values: { customer_share: 0.5 } },
      ].map(({ label, values }) => ({ key: expect.any(Number), label, values })),
    );
    expect(firing.webhook).toEqual({ status: 'delivered', attempts: 3 });
    expect(deliveries.map((d) => [d.status, d.body.id, d.body.kind])).toEqual([
      [500, firing.eventId, 'alert.fired'],
      [500, firing.eventId, 'alert.fired'],
      [200, firing.eventId, 'alert.fired'],
    ]);
    expect(deliveries[2].body.details.rule).toBe('customer_share >= 0.5');
    const events = (await http().get('/events').set('X-API-Key', keys.viewer).expect(200)).body as {
      id: string;
      kind: string;
    }[];
    expect(events.filter((e) => e.kind === 'alert.fired').map((e) => e.id)).toEqual([firing.eventId]);
  });

  it('fires again for the next breaching run, and hides the webhook URL below the scientist role', async () => {
    const submitted = await http()
      .post('/segmentations/median/runs')
      .set('X-API-Key', keys.analyst)
      .send({})
      .expect(202);
    expect((await waitForRun(api, keys.viewer, submitted.body.id)).status).toBe('succeeded');
    const listed = await alerts();
    expect(listed[0].firings.map((f) => f.run.version)).toEqual([2, 1]);
    const asViewer = (await http().get('/alerts').set('X-API-Key', keys.viewer).expect(200)).body as Alert[];
    expect(asViewer[0].webhookUrl).toBe('(hidden: scientists and admins see webhook URLs)');
    expect(listed[0].webhookUrl).toBe(hookUrl);
  });

  it("fires for a breaching scoring once though its job was retried, over the scored customers' KPIs, with its webhook retried", async () => {
    // The sample's customers at or above the median of monetary (the model's 'High'), plus the first 100 below it.
    const lines = readFileSync(SAMPLE, 'utf8').trim().split('\n');
    const monetary = lines.slice(1).map((l) => Number(l.split(',')[6]));
    const median = Float64Array.from(monetary).sort()[Math.floor(monetary.length / 2)];
    const high = lines.slice(1).filter((_, i) => monetary[i] >= median);
    const low = lines
      .slice(1)
      .filter((_, i) => monetary[i] < median)
      .slice(0, 100);
    await http()
      .post('/datasets')
      .set('X-API-Key', keys.analyst)
      .field('name', 'big-spenders')
      .attach('file', Buffer.from([lines[0], ...high, ...low].join('\n') + '\n'), 'big-spenders.csv')
      .expect(201);
    const submitted = await http()
      .post(`/runs/${firstRun}/score`)
      .set('X-API-Key', keys.analyst)
      .send({ dataset: 'big-spenders' })
      .expect(202);
    let scoring = submitted.body as { id: string; status: string; attempts: number };
    while (scoring.status !== 'succeeded' && scoring.status !== 'failed') {
      await new Promise((r) => setTimeout(r, 100));
      scoring = (await http().get(`/scorings/${scoring.id}`).set('X-API-Key', keys.viewer).expect(200)).body;
    }
    expect([scoring.status, scoring.attempts]).toEqual(['succeeded', 2]);

    const fired = (alert: Alert) => alert.firings.find((f) => f.scoring?.id === scoring.id);
    let listed = await alerts();
    for (
      const deadline = Date.now() + 60_000;
      fired(listed[0])?.webhook?.status !== 'delivered' && Date.now() < deadline;
      listed = await alerts()
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const [breached, quiet] = listed;
    const highShare = high.length / (high.length + low.length);
    const scoringRef = { id: scoring.id, dataset: 'big-spenders', datasetVersion: 1 };
    // The run's halves never passed 0.9; the scored customers are mostly 'High'.
    expect(quiet.firings).toHaveLength(1);
    expect(quiet.firings[0]).toMatchObject({ run: { id: firstRun, version: 1 }, scoring: scoringRef, webhook: null });
    expect(quiet.firings[0].segments).toEqual([
      { key: expect.any(Number), label: 'High', values: { customer_share: highShare } },
    ]);
    expect(highShare).toBeCloseTo(2169 / 2269, 12);
    const firing = fired(breached) as Firing;
    expect(breached.firings.filter((f) => f.scoring !== null)).toHaveLength(1);
    expect(firing.segments.map((s) => s.label)).toEqual(['High']);
    expect(firing.webhook).toEqual({ status: 'delivered', attempts: 3 });
    expect(deliveries.filter((d) => d.body.id === firing.eventId).map((d) => d.status)).toEqual([500, 500, 200]);
    const events = (await http().get('/events').set('X-API-Key', keys.viewer).expect(200)).body as {
      id: string;
      message: string;
    }[];
    expect(events.find((e) => e.id === firing.eventId)?.message).toBe(
      "alert 'customer_share >= 0.5' fired for High in the scoring of big-spenders v1 with median v1",
    );
  });

  it('deletes an alert (scientist), which then neither fires nor is listed, its past firings kept in the events', async () => {
    const [breached, quiet] = await alerts();
    await http().delete(`/alerts/${quiet.id}`).set('X-API-Key', keys.analyst).expect(403);
    await http().delete(`/alerts/${quiet.id}`).set('X-API-Key', keys.scientist).expect(204);
    const missing = await http().delete(`/alerts/${quiet.id}`).set('X-API-Key', keys.scientist).expect(404);
    expect(missing.body.message).toBe(`alert '${quiet.id}' not found`);
    expect((await alerts()).map((a) => a.id)).toEqual([breached.id]);

    const submitted = await http()
      .post('/segmentations/median/runs')
      .set('X-API-Key', keys.analyst)
      .send({})
      .expect(202);
    expect((await waitForRun(api, keys.viewer, submitted.body.id)).status).toBe('succeeded');
    const events = (await http().get('/events').set('X-API-Key', keys.viewer).expect(200)).body as {
      id: string;
      kind: string;
      runId: string | null;
    }[];
    // v3 fires the alert still there (its halves are each half), not the deleted one; the deleted one's firing stays.
    expect(events.filter((e) => e.kind === 'alert.fired' && e.runId === submitted.body.id)).toHaveLength(1);
    expect(events.map((e) => e.id)).toContain(quiet.firings[0].eventId);
    expect((await alerts())[0].firings[0].run.version).toBe(3);
  });
});
