import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { requireRedis, testRedisUrl } from '@workbench/jobs/testing';
import { Assignment, KpiValue, Segment, type Role } from '@workbench/persistence';
import { createTestDatabase, type TestDatabase } from '@workbench/persistence/testing';
import { Workbench, type WorkbenchConfig } from '@workbench/services';
import request from 'supertest';
import { createWorkerContext } from '../src/app/bootstrap';
import {
  BULL,
  createKeys,
  spawnWorker,
  startApp,
  stopProcess,
  TEST_PLUGINS,
  testConfig,
  uploadSample,
  waitForRun,
} from './helpers';

describe('the HTTP API on PostgreSQL with Bull on Redis, api and worker in separate roles', () => {
  let db: TestDatabase;
  let config: WorkbenchConfig;
  let api: INestApplication;
  let keys: Record<Role, string>;
  const http = () => request(api.getHttpServer());

  beforeAll(async () => {
    jest.setTimeout(30_000);
    await requireRedis(testRedisUrl());
    db = await createTestDatabase('postgresql');
    config = testConfig({
      databaseUrl: db.url,
      redisUrl: testRedisUrl(),
      queuePrefix: `wbtest-${randomBytes(4).toString('hex')}`,
      role: 'api',
      pluginDirs: [realpathSync(join(__dirname, '../../../libs/services/test/fixtures/plugins'))],
    });
    api = await startApp(config);
    keys = await createKeys(api);
    await uploadSample(http, keys.analyst);
  });

  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('processes a run submitted over HTTP in a worker, through Bull', async () => {
    const health = await http().get('/health').expect(200);
    expect(health.body).toMatchObject({ queue: 'bull', role: 'api' });
    const worker = await createWorkerContext(
      { ...config, role: 'worker' },
      { plugins: TEST_PLUGINS, logger: false, bull: BULL },
    );
    try {
      const params = { features: ['recency_days', 'frequency', 'monetary'], k: 3 };
      await http()
        .post('/segmentations')
        .set('X-API-Key', keys.analyst)
        .send({ name: 'km', plugin: 'segmenter-kmeans', dataset: 'retail', params })
        .expect(201);
      const submitted = await http()
        .post('/segmentations/km/runs')
        .set('X-API-Key', keys.analyst)
        .send({ seed: 3 })
        .expect(202);
      const run = await waitForRun(api, keys.viewer, submitted.body.id);
      expect(run).toMatchObject({ status: 'succeeded', attempts: 1 });
      const segments = await http()
        .get(`/runs/${submitted.body.id}/segments`)
        .set('X-API-Key', keys.viewer)
        .expect(200);
      expect(segments.body.map((s: { label: string }) => s.label)).toEqual(['Cluster 1', 'Cluster 2', 'Cluster 3']);
      expect(segments.body.reduce((sum: number, s: { size: number }) => sum + s.size, 0)).toBe(4338);
    } finally {
      await worker.close();
    }
  });

  it('runs a plugin registered at run time over HTTP in a worker that started before it was registered', async () => {
    const worker = await createWorkerContext(
      { ...config, role: 'worker' },
      { plugins: TEST_PLUGINS, logger: false, bull: BULL },
    );
    try {
      const source = join(__dirname, '../../../libs/services/test/fixtures/plugins/external-bands');
      await http().post('/plugins').set('X-API-Key', keys.admin).send({ source }).expect(201);
      await http()
        .post('/segmentations')
        .set('X-API-Key', keys.analyst)
        .send({ name: 'bands', plugin: 'external-bands', dataset: 'retail', params: { threshold: 2000 } })
        .expect(201);
      const submitted = await http()
        .post('/segmentations/bands/runs')
        .set('X-API-Key', keys.analyst)
        .send({})
        .expect(202);
      const run = await waitForRun(api, keys.viewer, submitted.body.id);
      expect(run).toMatchObject({ status: 'succeeded', plugin: { name: 'external-bands', version: '0.2.0' } });
    } finally {
      await worker.close();
    }
  });

  it('retries a throwing job and then records it as failed with its message', async () => {
    const worker = await createWorkerContext(
      { ...config, role: 'worker' },
      { plugins: TEST_PLUGINS, logger: false, bull: BULL },
    );
    try {
      await http()
        .post('/segmentations')
        .set('X-API-Key', keys.analyst)
        .send({ name: 'broken', plugin: 'test-split-median', dataset: 'retail', params: { crash: 'always' } })
        .expect(201);
      const submitted = await http()
        .post('/segmentations/broken/runs')
        .set('X-API-Key', keys.analyst)
        .send({})
        .expect(202);
      const run = await waitForRun(api, keys.viewer, submitted.body.id);
      expect(run).toMatchObject({ status: 'failed', attempts: config.jobAttempts });
      expect(run.error).toMatch(/^planned failure \d of run /);
      await expect(api.get(Workbench).runs.segments(submitted.body.id)).resolves.toEqual([]);
    } finally {
      await worker.close();
    }
  });

  it('finishes a run whose worker is killed mid-way, with exactly one set of results', async () => {
    await http()
      .post('/segmentations')
      .set('X-API-Key', keys.analyst)
      .send({ name: 'slow', plugin: 'test-split-median', dataset: 'retail', params: { stepDelayMs: 400 } })
      .expect(201);
    const first = await spawnWorker(config);
    const submitted = await http().post('/segmentations/slow/runs').set('X-API-Key', keys.analyst).send({}).expect(202);
    const workbench = api.get(Workbench);
    for (
      let run = await workbench.runs.get(submitted.body.id);
      !(run.status === 'running' && run.progress >= 0.2);
      run = await workbench.runs.get(submitted.body.id)
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await stopProcess(first.child, 'SIGKILL');
    expect((await workbench.runs.get(submitted.body.id)).status).toBe('running');

    const second = await spawnWorker(config);
    try {
      const run = await waitForRun(api, keys.viewer, submitted.body.id);
      expect(run.status).toBe('succeeded');
      expect(await workbench.runs.segments(submitted.body.id)).toHaveLength(2);
      expect((await workbench.runs.kpis(submitted.body.id)).filter((k) => k.kpi === 'customers')).toHaveLength(3);
    } finally {
      await stopProcess(second.child);
    }
  }, 90_000);

  it('cancels a run running in a separate worker process: the plugin stops, nothing is stored, the job does not run again', async () => {
    // Four steps of 10 s: without the cancel reaching the worker, this test would time out.
    await http()
      .post('/segmentations')
      .set('X-API-Key', keys.analyst)
      .send({ name: 'to-cancel', plugin: 'test-split-median', dataset: 'retail', params: { stepDelayMs: 10_000 } })
      .expect(201);
    const worker = await spawnWorker(config);
    try {
      const submitted = await http()
        .post('/segmentations/to-cancel/runs')
        .set('X-API-Key', keys.analyst)
        .send({})
        .expect(202);
      const id = submitted.body.id as string;
      const workbench = api.get(Workbench);
      while ((await workbench.runs.get(id)).status !== 'running') await new Promise((r) => setTimeout(r, 20));
      await http().post(`/runs/${id}/cancel`).set('X-API-Key', keys.viewer).expect(403);
      const cancelled = await http().post(`/runs/${id}/cancel`).set('X-API-Key', keys.analyst).expect(200);
      expect(cancelled.body).toMatchObject({ id, status: 'cancelled' });
      while (!worker.completed.includes(id)) await new Promise((r) => setTimeout(r, 50));
      await workbench.queue.whenIdle('train');
      const run = await waitForRun(api, keys.viewer, id);
      expect(run).toMatchObject({ status: 'cancelled', attempts: 1, error: null });
      const em = workbench.orm.em.fork();
      expect([
        await em.count(Assignment, { run: id }),
        await em.count(Segment, { run: id }),
        await em.count(KpiValue, { run: id }),
      ]).toEqual([0, 0, 0]);
      expect(worker.active.filter((taken) => taken === id)).toEqual([id]);
      const again = await http().post(`/runs/${id}/cancel`).set('X-API-Key', keys.analyst).expect(409);
      expect(again.body.message).toBe(
        'run to-cancel v1 is already cancelled; only a queued or running run can be cancelled',
      );
      await http().post('/runs/no-such-run/cancel').set('X-API-Key', keys.analyst).expect(404);
    } finally {
      await stopProcess(worker.child);
    }
  }, 30_000);

  it('takes a queued run off the Bull queue, so a worker started afterwards never runs it', async () => {
    await http()
      .post('/segmentations')
      .set('X-API-Key', keys.analyst)
      .send({ name: 'queued-cancel', plugin: 'test-split-median', dataset: 'retail', params: {} })
      .expect(201);
    const workbench = api.get(Workbench);
    const before = await workbench.queue.depth('train');
    const submitted = await http()
      .post('/segmentations/queued-cancel/runs')
      .set('X-API-Key', keys.analyst)
      .send({})
      .expect(202);
    expect((await workbench.queue.depth('train')).waiting).toBe(before.waiting + 1);
    await http().post('/runs/queued-cancel@latest/cancel').set('X-API-Key', keys.analyst).expect(200);
    expect(await workbench.queue.depth('train')).toEqual(before);
    const worker = await createWorkerContext(
      { ...config, role: 'worker' },
      { plugins: TEST_PLUGINS, logger: false, bull: BULL },
    );
    try {
      await workbench.queue.whenIdle('train');
      const run = await workbench.runs.get(submitted.body.id);
      expect([run.status, run.attempts, run.startedAt]).toEqual(['cancelled', 0, null]);
    } finally {
      await worker.close();
    }
  });
});
