import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { requireRedis, testRedisUrl } from '@workbench/jobs/testing';
import type { Role } from '@workbench/persistence';
import { createTestDatabase, type TestDatabase } from '@workbench/persistence/testing';
import { Workbench, type WorkbenchConfig } from '@workbench/services';
import request from 'supertest';
import { createWorkerContext } from '../src/app/bootstrap';
import { BULL, createKeys, SAMPLE, spawnWorker, startApp, stopProcess, TEST_PLUGINS, testConfig } from './helpers';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

jest.setTimeout(120_000);

// A second batch: 300 customers fewer, everyone else spending 10% more.
const BATCH2 = readFileSync(SAMPLE, 'utf8')
  .trim()
  .split('\n')
  .slice(0, -300)
  .map((line, i) => (i === 0 ? line : line.replace(/,([\d.]+)$/, (_, m: string) => `,${(Number(m) * 1.1).toFixed(2)}`)))
  .join('\n');

describe('automated retraining over HTTP, through Bull on Redis and PostgreSQL', () => {
  let db: TestDatabase;
  let config: WorkbenchConfig;
  let api: INestApplication;
  let keys: Record<Role, string>;
  const http = () => request(api.getHttpServer());
  const as = (role: Role) => ({ 'X-API-Key': keys[role] });

  async function retrainsOf(segmentation: string, done: number, timeoutMs = 60_000): Promise<Body[]> {
    for (const deadline = Date.now() + timeoutMs; ; await new Promise((r) => setTimeout(r, 100))) {
      const res = await http().get(`/retrains?segmentation=${segmentation}`).set(as('viewer')).expect(200);
      const finished = res.body.filter((r: Body) => ['promoted', 'flagged', 'failed'].includes(r.status));
      if (finished.length >= done && finished.length === res.body.length) return res.body;
      if (Date.now() > deadline)
        throw new Error(`retrains of ${segmentation}: ${JSON.stringify(res.body.map((r: Body) => r.status))}`);
    }
  }

  beforeAll(async () => {
    await requireRedis(testRedisUrl());
    db = await createTestDatabase('postgresql');
    config = testConfig({
      databaseUrl: db.url,
      redisUrl: testRedisUrl(),
      queuePrefix: `wbtest-${randomBytes(4).toString('hex')}`,
      role: 'api',
    });
    api = await startApp(config, BULL);
    keys = await createKeys(api);
    await http().post('/datasets').set(as('analyst')).field('name', 'retail').attach('file', SAMPLE).expect(201);
  });

  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  describe('with a worker', () => {
    let worker: INestApplicationContext;
    beforeAll(async () => {
      worker = await createWorkerContext(
        { ...config, role: 'worker' },
        { plugins: TEST_PLUGINS, logger: false, bull: BULL },
      );
    });
    afterAll(async () => {
      await worker?.close();
    });

    it('retrains exactly once per new dataset version and promotes or flags by the rule', async () => {
      const params = {
        features: ['recency_days', 'frequency', 'monetary'],
        logFeatures: ['frequency', 'monetary'],
        k: 3,
      };
      await http()
        .post('/segmentations')
        .set(as('analyst'))
        .send({ name: 'km', plugin: 'segmenter-kmeans', dataset: 'retail', params })
        .expect(201);
      await http()
        .post('/segmentations/km/policies')
        .set(as('analyst'))
        .send({ trigger: 'dataset', rule: 'ari >= 0.5' })
        .expect(403);
      const bad = await http()
        .post('/segmentations/km/policies')
        .set(as('scientist'))
        .send({ trigger: 'dataset', rule: 'ari >= high' })
        .expect(400);
      expect(bad.body.message).toMatch(/^rule: at column 8: expected a number after '>='/);
      await http()
        .post('/segmentations/km/policies')
        .set(as('scientist'))
        .send({ trigger: 'dataset', rule: 'ari >= 0.5 and max_psi <= 5' })
        .expect(201);

      // Uploading v1 again (and again) fires the policy for v1 once: its run becomes the first champion.
      await http().post('/datasets').set(as('analyst')).field('name', 'retail').attach('file', SAMPLE).expect(200);
      await http().post('/datasets').set(as('analyst')).field('name', 'retail').attach('file', SAMPLE).expect(200);
      let retrains = await retrainsOf('km', 1);
      expect(retrains.map((r) => [r.status, r.run.version, r.datasetVersion])).toEqual([['promoted', 1, 1]]);

      // v2 arrives: one retrain, compared with the champion, decided by the rule.
      await http()
        .post('/datasets')
        .set(as('analyst'))
        .field('name', 'retail')
        .attach('file', Buffer.from(BATCH2), 'batch2.csv')
        .expect(201);
      await http()
        .post('/datasets')
        .set(as('analyst'))
        .field('name', 'retail')
        .attach('file', Buffer.from(BATCH2), 'batch2.csv')
        .expect(200);
      retrains = await retrainsOf('km', 2);
      expect(retrains).toHaveLength(2);
      const second = retrains[1];
      expect([second.run.version, second.champion.version, second.datasetVersion]).toEqual([2, 1, 2]);
      const passed = second.outcome.clauses.every((c: Body) => c.passed);
      expect(second.status).toBe(passed ? 'promoted' : 'flagged');
      expect(second.drift.features.map((f: Body) => f.feature)).toEqual(['recency_days', 'frequency', 'monetary']);
      const runs = await http().get('/segmentations/km/runs').set(as('viewer')).expect(200);
      expect(runs.body.map((r: Body) => r.version)).toEqual([1, 2]);
      const champion = await http().get('/runs/km@champion').set(as('viewer')).expect(200);
      expect(champion.body.version).toBe(passed ? 2 : 1);

      const events = await http().get('/events').set(as('viewer')).expect(200);
      expect(events.body.filter((e: Body) => e.segmentation === 'km').map((e: Body) => e.kind)).toEqual([
        `retrain.${second.status}`,
        'retrain.promoted',
      ]);
      const policies = await http().get('/policies?segmentation=km').set(as('viewer')).expect(200);
      expect(policies.body).toHaveLength(1);
    });

    it('fires a cron policy once per scheduled time (time controlled by the test)', async () => {
      await http()
        .post('/segmentations')
        .set(as('analyst'))
        .send({ name: 'nightly', plugin: 'test-split-median', dataset: 'retail' })
        .expect(201);
      const policy = await http()
        .post('/segmentations/nightly/policies')
        .set(as('scientist'))
        .send({ trigger: 'cron', cron: '0 3 * * *', rule: 'ari >= 0' })
        .expect(201);
      const day = new Date(new Date(policy.body.createdAt).getTime() + 86_400_000);
      const at = (h: number) => new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), h, 0, 30));
      const retrain = api.get(Workbench).retrain;
      await Promise.all([retrain.tick(at(3)), retrain.tick(at(3)), retrain.tick(at(4))]);
      const retrains = await retrainsOf('nightly', 1);
      expect(retrains.map((r) => [r.trigger, r.status])).toEqual([
        [`cron:${new Date(at(3).getTime() - 30_000).toISOString()}`, 'promoted'],
      ]);
      await retrain.tick(at(5));
      expect(await retrainsOf('nightly', 1)).toHaveLength(1);
    });
  });

  it('completes a retrain once when its worker is killed mid-way', async () => {
    await http()
      .post('/segmentations')
      .set(as('analyst'))
      .send({ name: 'slow', plugin: 'test-split-median', dataset: 'retail', params: { stepDelayMs: 400 } })
      .expect(201);
    await http()
      .post('/segmentations/slow/policies')
      .set(as('scientist'))
      .send({ trigger: 'dataset', rule: 'ari >= 0' })
      .expect(201);
    const first = await spawnWorker(config);
    const [started] = (await http().post('/segmentations/slow/retrain').set(as('analyst')).expect(202)).body;
    const workbench = api.get(Workbench);
    for (;;) {
      const r = await workbench.retrain.getRequest(started.id);
      if (r.run && (await workbench.runs.get(r.run.id)).progress >= 0.2) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await stopProcess(first.child, 'SIGKILL');
    expect((await workbench.retrain.getRequest(started.id)).status).toBe('training');

    const second = await spawnWorker(config);
    try {
      const retrains = await retrainsOf('slow', 1);
      expect(retrains.map((r) => [r.id, r.status, r.run.version])).toEqual([[started.id, 'promoted', 1]]);
      expect(await workbench.segmentations.runs('slow')).toHaveLength(1);
      expect(await workbench.runs.segments(retrains[0].run.id)).toHaveLength(2);
      const events = (await workbench.retrain.events()).filter((e) => e.segmentation === 'slow');
      expect(events.map((e) => e.kind)).toEqual(['retrain.promoted']);
    } finally {
      await stopProcess(second.child);
    }
  });
});
