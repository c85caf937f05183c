// Health and metrics on real processes: an API and a worker (its own health port) on PostgreSQL and on a
// Redis server of this test's own (started on a spare port and stopped here; the machine's Redis on 6379
// is never touched), and the embedded server. Metrics are scraped after real runs.
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { knex } from '@mikro-orm/postgresql';
import { RedisServer } from '@workbench/jobs/testing';
import { createTestDatabase, DEFAULT_TEST_DATABASE_URL, type TestDatabase } from '@workbench/persistence/testing';
import type { Role } from '@workbench/persistence';
import type { WorkbenchConfig } from '@workbench/services';
import request from 'supertest';
import {
  createKeys,
  spawnWorker,
  startApp,
  stopProcess,
  testConfig,
  uploadSample,
  waitForRun,
  type WorkerProcess,
} from './helpers';
import { freePort } from '@workbench/services/testing';

/** The value of one sample line of a Prometheus text exposition, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '').split(/,(?=[a-zA-Z_]\w*=")/).filter(Boolean);
    if (want.every((w) => have.includes(w))) return Number(match[3]);
  }
  return undefined;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  for (const end = Date.now() + timeoutMs; ; ) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The customers sample, a k-means segmentation of it and one run with `seed`, over HTTP, to its success; the run's id. */
async function runKmeansOnSample(
  http: () => ReturnType<typeof request>,
  app: INestApplication,
  keys: Record<Role, string>,
  seed: number,
): Promise<string> {
  await uploadSample(http, keys.analyst);
  await http()
    .post('/segmentations')
    .set('X-API-Key', keys.analyst)
    .send({
      name: 'km',
      plugin: 'segmenter-kmeans',
      dataset: 'retail',
      params: { features: ['recency_days', 'frequency', 'monetary'], k: 3 },
    })
    .expect(201);
  const submitted = await http()
    .post('/segmentations/km/runs')
    .set('X-API-Key', keys.analyst)
    .send({ seed })
    .expect(202);
  expect(await waitForRun(app, keys.viewer, submitted.body.id)).toMatchObject({ status: 'succeeded' });
  return submitted.body.id;
}

describe('health and metrics of the embedded server', () => {
  let app: INestApplication;
  afterAll(async () => {
    await app?.close();
  });

  it('counts ingested rows, HTTP latency by route and the run by queue, plugin and outcome', async () => {
    app = await startApp(testConfig());
    const keys = await createKeys(app);
    const http = () => request(app.getHttpServer());
    await http().get('/health/live').expect(200, { status: 'ok', info: {}, error: {}, details: {} });
    const runId = await runKmeansOnSample(http, app, keys, 1);
    await http().get(`/runs/${runId}`).set('X-API-Key', keys.viewer).expect(200);
    await http().get('/runs/no-such-run').set('X-API-Key', keys.viewer).expect(404);

    const res = await http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const text = res.text;
    // the sample's 4,338 customers, all accepted
    expect(sample(text, 'workbench_ingest_rows_total', { kind: 'customers', outcome: 'accepted' })).toBe(4338);
    expect(sample(text, 'workbench_ingest_rows_total', { kind: 'customers', outcome: 'rejected' })).toBe(0);
    expect(
      sample(text, 'workbench_job_duration_seconds_count', {
        queue: 'train',
        plugin: 'segmenter-kmeans',
        outcome: 'succeeded',
      }),
    ).toBe(1);
    expect(
      sample(text, 'workbench_job_duration_seconds_sum', {
        queue: 'train',
        plugin: 'segmenter-kmeans',
        outcome: 'succeeded',
      }),
    ).toBeGreaterThan(0);
    // routes by pattern, not by id: the run's poll and the 404 are on /runs/:id
    expect(
      sample(text, 'workbench_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/datasets',
        status: '201',
      }),
    ).toBe(1);
    expect(
      sample(text, 'workbench_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/runs/:id',
        status: '404',
      }),
    ).toBe(1);
    expect(
      sample(text, 'workbench_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/runs/:id',
        status: '200',
      }),
    ).toBeGreaterThanOrEqual(2);
    for (const state of ['waiting', 'active', 'delayed'])
      expect(sample(text, 'workbench_queue_depth', { queue: 'train', state })).toBe(0);
    expect(sample(text, 'process_cpu_user_seconds_total', {})).toBeGreaterThan(0);
  });
});

describe('health and metrics of an API and a worker on PostgreSQL and Redis', () => {
  let db: TestDatabase;
  let redis: RedisServer;
  let config: WorkbenchConfig;
  let api: INestApplication | undefined;
  let worker: WorkerProcess | undefined;
  let workerHealth: string;
  let keys: Record<Role, string>;

  beforeAll(async () => {
    redis = new RedisServer(await freePort());
    await redis.start();
    db = await createTestDatabase('postgresql');
    config = testConfig({
      databaseUrl: db.url,
      redisUrl: redis.url,
      queuePrefix: `wbobs-${randomBytes(4).toString('hex')}`,
      role: 'api',
    });
    api = await startApp(config);
    const healthPort = await freePort();
    workerHealth = `http://127.0.0.1:${healthPort}`;
    worker = await spawnWorker(config, { WORKBENCH_HEALTH_PORT: String(healthPort) });
  });

  afterAll(async () => {
    // Redis back first, so the processes can close their queues.
    await redis?.start().catch(() => undefined);
    await stopProcess(worker?.child);
    await api?.close();
    await redis?.stop();
    await db?.drop();
  });

  it('is ready on both processes; the worker reports the run it processed in its own metrics', async () => {
    const http = () => request(api!.getHttpServer());
    const ready = await http().get('/health').expect(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, redis: { status: 'up' }, queue: { status: 'up' } },
      queue: 'bull',
      role: 'api',
    });
    const workerReady = await request(workerHealth).get('/health').expect(200);
    expect(workerReady.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, redis: { status: 'up' }, queue: { status: 'up' } },
      role: 'worker',
    });
    await request(workerHealth).get('/health/live').expect(200);
    // a worker serves health and metrics only
    await request(workerHealth).get('/runs/x').expect(404);

    keys = await createKeys(api!);
    await runKmeansOnSample(http, api!, keys, 2);

    const workerMetrics = (await request(workerHealth).get('/metrics').expect(200)).text;
    expect(
      sample(workerMetrics, 'workbench_job_duration_seconds_count', {
        queue: 'train',
        plugin: 'segmenter-kmeans',
        outcome: 'succeeded',
      }),
    ).toBe(1);
    const apiMetrics = (await http().get('/metrics').expect(200)).text;
    // the API ran no job; it counted the upload and sees the queue (through Redis) empty again
    expect(
      sample(apiMetrics, 'workbench_job_duration_seconds_count', {
        queue: 'train',
        plugin: 'segmenter-kmeans',
        outcome: 'succeeded',
      }),
    ).toBeUndefined();
    expect(sample(apiMetrics, 'workbench_ingest_rows_total', { kind: 'customers', outcome: 'accepted' })).toBe(4338);
    for (const state of ['waiting', 'active', 'delayed'])
      expect(sample(apiMetrics, 'workbench_queue_depth', { queue: 'train', state })).toBeDefined();
    // the finished job leaves the queue (Bull acknowledges it just after the run's results are committed)
    await until('the train queue to be empty', async () => {
      const text = (await http().get('/metrics').expect(200)).text;
      return ['waiting', 'active', 'delayed'].every(
        (state) => sample(text, 'workbench_queue_depth', { queue: 'train', state }) === 0,
      )
        ? true
        : undefined;
    });
  });

  it('answers 503 naming Redis and the queue while Redis is down, on the API and the worker, and 200 once it is back', async () => {
    await redis.stop();
    const down = await request(api!.getHttpServer()).get('/health').expect(503);
    expect(down.body).toMatchObject({
      status: 'error',
      error: { redis: { status: 'down' }, queue: { status: 'down' } },
      info: { database: { status: 'up' } },
    });
    const workerDown = await request(workerHealth).get('/health').expect(503);
    expect(workerDown.body).toMatchObject({ status: 'error', error: { redis: { status: 'down' } } });
    // liveness does not depend on Redis
    await request(workerHealth).get('/health/live').expect(200);
    // a submission waits WORKBENCH_QUEUE_TIMEOUT_MS (5 s by default) for the queue, then is refused whole: no run recorded
    const refused = await request(api!.getHttpServer())
      .post('/segmentations/km/runs')
      .set('X-API-Key', keys.analyst)
      .send({ seed: 3 })
      .expect(503);
    expect(refused.body).toMatchObject({
      statusCode: 503,
      queue: 'train',
      message: expect.stringMatching(
        /^the run was not submitted: the train queue \(Redis\) did not answer within 5000 ms /,
      ),
    });
    const runs = await request(api!.getHttpServer())
      .get('/segmentations/km/runs')
      .set('X-API-Key', keys.viewer)
      .expect(200);
    expect(runs.body.map((r: { version: number; status: string }) => [r.version, r.status])).toEqual([
      [1, 'succeeded'],
    ]);

    await redis.start();
    await until('the API ready again', async () =>
      (await request(api!.getHttpServer()).get('/health')).status === 200 ? true : undefined,
    );
    await until('the worker ready again', async () =>
      (await request(workerHealth).get('/health')).status === 200 ? true : undefined,
    );
  });

  it('answers 503 naming the database while its database refuses connections, and 200 once it accepts them again', async () => {
    const name = new URL(db.url as string).pathname.slice(1);
    // on the server's admin database, not the one taken away
    const admin = knex({
      client: 'pg',
      connection: process.env['TEST_DATABASE_URL'] || DEFAULT_TEST_DATABASE_URL,
      pool: { min: 0, max: 1 },
    });
    try {
      await admin.raw(`alter database "${name}" allow_connections false`);
      await admin.raw(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = ? and pid <> pg_backend_pid()',
        [name],
      );
      const down = await until('the API to see the database down', async () => {
        const res = await request(api!.getHttpServer()).get('/health');
        return res.status === 503 ? res : undefined;
      });
      expect(down.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
    } finally {
      await admin.raw(`alter database "${name}" allow_connections true`);
      await admin.destroy();
    }
    await until('the API ready again', async () =>
      (await request(api!.getHttpServer()).get('/health')).status === 200 ? true : undefined,
    );
  });
});
