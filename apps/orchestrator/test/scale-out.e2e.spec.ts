import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { requireRedis, testRedisUrl } from '@workbench/jobs/testing';
import type { Role } from '@workbench/persistence';
import { createTestDatabase, type TestDatabase } from '@workbench/persistence/testing';
import { Workbench, type WorkbenchConfig } from '@workbench/services';
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

// Three worker processes start from TypeScript sources on 2 shared cores: generous, and no wall-clock assertion.
jest.setTimeout(300_000);

const CUSTOMERS = 4338;
const RUNS_PER_SEGMENTATION = 10;

describe('one API process and three worker processes on PostgreSQL and Bull', () => {
  let db: TestDatabase;
  let config: WorkbenchConfig;
  let api: INestApplication;
  let keys: Record<Role, string>;
  let workers: WorkerProcess[] = [];
  const http = () => request(api.getHttpServer());

  beforeAll(async () => {
    await requireRedis(testRedisUrl());
    db = await createTestDatabase('postgresql');
    config = testConfig({
      databaseUrl: db.url,
      redisUrl: testRedisUrl(),
      queuePrefix: `wbtest-${randomBytes(4).toString('hex')}`,
      role: 'api',
    });
    api = await startApp(config);
    keys = await createKeys(api);
    await uploadSample(http, keys.analyst);
    // All three are ready before anything is queued, so each can take the first jobs.
    workers = await Promise.all(
      ['worker-1', 'worker-2', 'worker-3'].map((name) =>
        spawnWorker(config, { WORKBENCH_JOB_BACKOFF_MS: String(config.jobBackoffMs) }, name),
      ),
    );
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => stopProcess(w.child)));
    await api?.close();
    await db?.drop();
  });

  it('runs 30 runs submitted over HTTP exactly once each, spread over more than one worker process', async () => {
    const segmentations = [
      {
        name: 'split-monetary',
        plugin: 'test-split-median',
        params: { feature: 'monetary', stepDelayMs: 50 },
        segments: 2,
      },
      {
        name: 'split-frequency',
        plugin: 'test-split-median',
        params: { feature: 'frequency', stepDelayMs: 50 },
        segments: 2,
      },
      // One restart (the default is 10 below 10,000 rows): the workers' Bull locks here last 1 s, and this test is
      // about exactly-once delivery, not about the best of ten k-means fits.
      {
        name: 'rfm-kmeans',
        plugin: 'segmenter-kmeans',
        params: { features: ['recency_days', 'frequency', 'monetary'], logFeatures: ['frequency'], k: 3, nInit: 1 },
        segments: 3,
      },
    ];
    for (const s of segmentations) {
      await http()
        .post('/segmentations')
        .set('X-API-Key', keys.analyst)
        .send({ name: s.name, plugin: s.plugin, dataset: 'retail', params: s.params })
        .expect(201);
    }
    const submitted: { id: string; segments: number }[] = [];
    for (let i = 0; i < RUNS_PER_SEGMENTATION; i++) {
      for (const s of segmentations) {
        const res = await http()
          .post(`/segmentations/${s.name}/runs`)
          .set('X-API-Key', keys.analyst)
          .send({ seed: i })
          .expect(202);
        submitted.push({ id: res.body.id, segments: s.segments });
      }
    }
    expect(new Set(submitted.map((r) => r.id)).size).toBe(30);

    const finished = [];
    for (const r of submitted) finished.push(await waitForRun(api, keys.viewer, r.id, 240_000));

    // Every run succeeded on its first attempt ...
    expect(finished.map((r) => [r.id, r.status, r.attempts, r.error])).toEqual(
      submitted.map((r) => [r.id, 'succeeded', 1, null]),
    );
    // ... with exactly one set of results: the segments and assignments of one attempt, counted in the database.
    const connection = api.get(Workbench).orm.em.getConnection();
    const countPerRun = async (table: string) => {
      const rows: { run_id: string; n: string }[] = await connection.execute(
        `select run_id, count(*) as n from "${table}" group by run_id`,
      );
      return new Map(rows.map((row) => [row.run_id, Number(row.n)]));
    };
    const segmentRows = await countPerRun('segment');
    const assignmentRows = await countPerRun('assignment');
    expect(submitted.map((r) => [r.id, segmentRows.get(r.id), assignmentRows.get(r.id)])).toEqual(
      submitted.map((r) => [r.id, r.segments, CUSTOMERS]),
    );

    // Each worker process reports the jobs Bull handed to it; together they took and completed every run once.
    // A run is marked succeeded inside the job, just before Bull's 'completed': wait for the last lines to arrive.
    for (
      let waited = 0;
      workers.reduce((n, w) => n + w.completed.length, 0) < submitted.length && waited < 30_000;
      waited += 50
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const taken = workers.flatMap((w) => w.active).sort();
    const completed = workers.flatMap((w) => w.completed).sort();
    const ids = submitted.map((r) => r.id).sort();
    expect(taken).toEqual(ids);
    expect(completed).toEqual(ids);
    const perWorker = Object.fromEntries(workers.map((w) => [w.name, w.completed.length]));
    expect(workers.filter((w) => w.completed.length > 0).length).toBeGreaterThan(1);
    // The distribution varies with load; printed to show how the 30 runs were spread.
    process.stdout.write(`runs per worker process: ${JSON.stringify(perWorker)}\n`);
  });
});
