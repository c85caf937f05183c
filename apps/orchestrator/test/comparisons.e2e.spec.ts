import { randomBytes } from 'node:crypto';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { requireRedis, testRedisUrl } from '@workbench/jobs/testing';
import type { Role } from '@workbench/persistence';
import { createTestDatabase, type TestDatabase } from '@workbench/persistence/testing';
import request from 'supertest';
import { createWorkerContext } from '../src/app/bootstrap';
import { createKeys, SAMPLE, startApp, TEST_PLUGINS, testConfig } from './helpers';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('versions and comparisons over HTTP, through Bull on Redis and PostgreSQL', () => {
  let db: TestDatabase;
  let api: INestApplication;
  let worker: INestApplicationContext;
  let keys: Record<Role, string>;
  const http = () => request(api.getHttpServer());
  const as = (role: Role) => ({ 'X-API-Key': keys[role] });

  async function until(path: string): Promise<Body> {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      const res = await http().get(path).set(as('viewer')).expect(200);
      if (res.body.status === 'succeeded' || res.body.status === 'failed') return res.body;
    }
    throw new Error(`${path} did not finish`);
  }

  async function run(segmentation: string, body: Body): Promise<Body> {
    const submitted = await http()
      .post(`/segmentations/${segmentation}/runs`)
      .set(as('analyst'))
      .send(body)
      .expect(202);
    const done = await until(`/runs/${submitted.body.id}`);
    expect(done.status).toBe('succeeded');
    return done;
  }

  async function compare(runA: string, runB: string): Promise<Body> {
    const submitted = await http().post('/comparisons').set(as('analyst')).send({ runA, runB }).expect(202);
    expect(submitted.body.status).toBe('queued');
    const done = await until(`/comparisons/${submitted.body.id}`);
    expect(done.status).toBe('succeeded');
    return done;
  }

  beforeAll(async () => {
    jest.setTimeout(120_000);
    await requireRedis(testRedisUrl());
    db = await createTestDatabase('postgresql');
    const config = testConfig({
      databaseUrl: db.url,
      redisUrl: testRedisUrl(),
      queuePrefix: `wbtest-${randomBytes(4).toString('hex')}`,
      role: 'api',
    });
    api = await startApp(config);
    worker = await createWorkerContext({ ...config, role: 'worker' }, { plugins: TEST_PLUGINS, logger: false });
    keys = await createKeys(api);
    await http().post('/datasets').set(as('analyst')).field('name', 'retail').attach('file', SAMPLE).expect(201);
    const kmeans = {
      features: ['recency_days', 'frequency', 'monetary'],
      logFeatures: ['frequency', 'monetary'],
      k: 4,
      nInit: 3,
    };
    await http()
      .post('/segmentations')
      .set(as('analyst'))
      .send({ name: 'km', plugin: 'segmenter-kmeans', dataset: 'retail', params: kmeans })
      .expect(201);
    await http()
      .post('/segmentations')
      .set(as('analyst'))
      .send({ name: 'rfm', plugin: 'segmenter-rules', dataset: 'retail', params: { preset: 'rfm' } })
      .expect(201);
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

  it('runs k-means v1, RFM rules and k-means v2 with another k, compares every pair, and lists the stored comparisons', async () => {
    const km1 = await run('km', { seed: 11 });
    await run('rfm', { seed: 1 });
    const km2 = await run('km', { seed: 11, params: { k: 6 } });
    expect([km1.version, km2.version, km2.params.k, km1.params.k]).toEqual([1, 2, 6, 4]);
    expect(km2.datasetVersion.contentHash).toBe(km1.datasetVersion.contentHash);

    const pairs = [
      ['km@v1', 'rfm@v1'],
      ['km@v1', 'km@v2'],
      ['rfm@v1', 'km@v2'],
    ];
    const results = [];
    for (const [a, b] of pairs) results.push(await compare(a, b));
    for (const c of results) {
      expect(c.metrics.matched).toBe(4338);
      expect(c.metrics.ari).toBeGreaterThan(0);
      expect(c.metrics.ari).toBeLessThan(1);
      expect(c.migration.counts.flat().reduce((s: number, v: number) => s + v, 0)).toBe(4338);
      c.migration.rowPercent.forEach((row: number[]) => expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(100, 9));
    }
    // k = 4 against k = 6: four matched pairs, two of B's segments unmatched.
    expect(results[1].matching.pairs).toHaveLength(4);
    expect(results[1].matching.unmatchedB).toHaveLength(2);
    const delta = results[1].matching.pairs[0].deltas.find((d: Body) => d.kpi === 'mean monetary');
    expect(delta.lower).toBeLessThanOrEqual(delta.delta);
    expect(delta.upper).toBeGreaterThanOrEqual(delta.delta);

    const listed = await http().get('/comparisons').set(as('viewer')).expect(200);
    expect(listed.body.map((c: Body) => c.id).sort()).toEqual(results.map((c) => c.id).sort());
    const runs = await http().get('/segmentations/km/runs').set(as('viewer')).expect(200);
    expect(runs.body.map((r: Body) => r.version)).toEqual([1, 2]);
  });

  it('reproduces a run exactly: same spec, same dataset version, same seed', async () => {
    const again = await run('km', { seed: 11 });
    const first = await http().get('/runs/km@v1/assignments?format=json').set(as('viewer')).expect(200);
    const second = await http().get(`/runs/${again.id}/assignments?format=json`).set(as('viewer')).expect(200);
    expect(second.body).toEqual(first.body);
    const kpisA = await http().get('/runs/km@v1/kpis').set(as('viewer')).expect(200);
    const kpisB = await http().get(`/runs/${again.id}/kpis`).set(as('viewer')).expect(200);
    expect(kpisB.body).toEqual(kpisA.body);
    const self = await compare('km@v1', again.id);
    expect([self.metrics.ari, self.metrics.nmi]).toEqual([1, 1]);
  });

  it('moves the champion alias with an audit record, and exports and traces assignments', async () => {
    await http().put('/segmentations/km/aliases/champion').set(as('viewer')).send({ run: '1' }).expect(403);
    await http().put('/segmentations/km/aliases/champion').set(as('analyst')).send({ run: '1' }).expect(200);
    const moved = await http()
      .put('/segmentations/km/aliases/champion')
      .set(as('scientist'))
      .send({ run: 'km@v2' })
      .expect(200);
    expect(moved.body).toMatchObject({ name: 'champion', run: { version: 2 }, updatedBy: 'test scientist' });
    const trail = await http().get('/segmentations/km/aliases/champion/history').set(as('viewer')).expect(200);
    expect(trail.body.map((e: Body) => [e.fromVersion, e.toVersion, e.movedBy])).toEqual([
      [null, 1, 'test analyst'],
      [1, 2, 'test scientist'],
    ]);
    expect((await http().get('/runs/km@champion').set(as('viewer')).expect(200)).body.version).toBe(2);

    const csv = await http().get('/runs/km@champion/assignments').set(as('viewer')).expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('customer_id,segment_key,segment,score');
    expect(lines).toHaveLength(4339);

    const history = await http().get('/customers/12346/history?segmentation=km').set(as('viewer')).expect(200);
    expect(history.body.map((h: Body) => h.version)).toEqual([1, 2, 3]);
    await http().get('/customers/nobody/history').set(as('viewer')).expect(404);
  });
});
