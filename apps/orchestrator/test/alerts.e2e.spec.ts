import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { requireRedis, testRedisUrl } from '@workbench/jobs/testing';
import type { Role } from '@workbench/persistence';
import { createTestDatabase, type TestDatabase } from '@workbench/persistence/testing';
import request from 'supertest';
import { createKeys, SAMPLE, startApp, testConfig, waitForRun } from './helpers';

interface Firing {
  run: { version: number };
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
 * KPI alerts over HTTP on PostgreSQL with Bull on Redis: a run whose job is retried fires a breached alert
 * once, and its webhook, failing twice, is retried until delivered.
 */
describe('KPI alerts (PostgreSQL, Bull)', () => {
  let db: TestDatabase;
  let api: INestApplication;
  let keys: Record<Role, string>;
  let hook: Server;
  let hookUrl = '';
  const deliveries: { status: number; body: { id: string; kind: string; details: { rule: string } } }[] = [];
  const http = () => request(api.getHttpServer());
  const alerts = async () => (await http().get('/alerts').set('X-API-Key', keys.scientist).expect(200)).body as Alert[];

  beforeAll(async () => {
    await requireRedis(testRedisUrl());
    db = await createTestDatabase('postgresql');
    // The webhook answers 500 twice, then 200.
    hook = createServer((req, res) => {
      let text = '';
      req.on('data', (d) => (text += d));
      req.on('end', () => {
        const status = deliveries.length < 2 ? 500 : 200;
        deliveries.push({ status, body: JSON.parse(text) });
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
    await http()
      .post('/datasets')
      .set('X-API-Key', keys.analyst)
      .field('name', 'retail')
      .attach('file', SAMPLE)
      .expect(201);
    // Fails its first attempt of each run: the run's job is retried and succeeds on the second.
    await http()
      .post('/segmentations')
      .set('X-API-Key', keys.analyst)
      .send({
        name: 'median',
        plugin: 'test-split-median',
        dataset: 'retail',
        params: { feature: 'monetary', failTimes: 1 },
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
});
