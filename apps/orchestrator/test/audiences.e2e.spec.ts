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

interface Change {
  segment: { key: number; label: string };
  previous: { version: number; label: string } | null;
  entered: string[];
  left: string[];
  counts: { entered: number; left: number };
  part: number;
  parts: number;
}
interface Delivery {
  kind: string;
  runId: string;
  details: Change;
}

/**
 * Audience changes pushed by webhook over HTTP on PostgreSQL with Bull: a real receiver gets, for each
 * successful version, every segment's customers who entered and left it since the previous version, in
 * parts of at most chunkSize ids; the ids are checked against the two runs' own assignments.
 */
describe('audience changes by webhook (PostgreSQL, Bull)', () => {
  let db: TestDatabase;
  let api: INestApplication;
  let keys: Record<Role, string>;
  let hook: Server;
  let hookUrl = '';
  const deliveries: Delivery[] = [];
  const http = () => request(api.getHttpServer());
  const CHUNK = 500;

  const run = async () => {
    const submitted = await http()
      .post('/segmentations/median/runs')
      .set('X-API-Key', keys.analyst)
      .send({})
      .expect(202);
    const done = await waitForRun(api, keys.viewer, submitted.body.id);
    expect(done.status).toBe('succeeded');
    return submitted.body.id as string;
  };
  /** The run's customers per segment label, from its own assignments. */
  const membersOf = async (runId: string) => {
    const rows = (await http().get(`/runs/${runId}/assignments?format=json`).set('X-API-Key', keys.viewer).expect(200))
      .body as { customerId: string; segmentLabel: string }[];
    const out = new Map<string, Set<string>>();
    for (const r of rows) out.set(r.segmentLabel, (out.get(r.segmentLabel) ?? new Set()).add(r.customerId));
    return out;
  };
  /** The run's deliveries per segment label, once every part of every segment has arrived. */
  const changesOf = async (runId: string, labels: string[]) => {
    const of = () => deliveries.filter((d) => d.kind === 'audience.changed' && d.runId === runId).map((d) => d.details);
    const complete = () =>
      labels.every((label) => {
        const parts = of().filter((c) => c.segment.label === label);
        return parts.length > 0 && parts.length === parts[0].parts;
      });
    for (const deadline = Date.now() + 60_000; !complete() && Date.now() < deadline; )
      await new Promise((r) => setTimeout(r, 100));
    return new Map(labels.map((label) => [label, of().filter((c) => c.segment.label === label)]));
  };
  const sorted = (ids: Iterable<string>) => [...ids].sort();

  beforeAll(async () => {
    await requireRedis(testRedisUrl());
    db = await createTestDatabase('postgresql');
    hook = createServer((req, res) => {
      let text = '';
      req.on('data', (d) => (text += d));
      req.on('end', () => {
        deliveries.push(JSON.parse(text));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/audiences`;
    api = await startApp(
      testConfig({
        databaseUrl: db.url,
        redisUrl: testRedisUrl(),
        queuePrefix: `wbtest-${randomBytes(4).toString('hex')}`,
        webhookAllow: ['127.0.0.1'],
      }),
    );
    keys = await createKeys(api);
    await uploadSample(http, keys.analyst);
    await http()
      .post('/segmentations')
      .set('X-API-Key', keys.analyst)
      .send({ name: 'median', plugin: 'test-split-median', dataset: 'retail', params: { feature: 'monetary' } })
      .expect(201);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await db?.drop();
    await new Promise((resolve) => hook?.close(resolve));
  });

  it('refuses a bad chunk size naming it, and needs the scientist role', async () => {
    await http()
      .post('/segmentations/median/audiences')
      .set('X-API-Key', keys.analyst)
      .send({ webhookUrl: hookUrl })
      .expect(403);
    const bad = await http()
      .post('/segmentations/median/audiences')
      .set('X-API-Key', keys.scientist)
      .send({ webhookUrl: hookUrl, chunkSize: 0 })
      .expect(400);
    expect(bad.body.message).toEqual(['chunkSize: chunkSize must not be less than 1']);
    const created = await http()
      .post('/segmentations/median/audiences')
      .set('X-API-Key', keys.scientist)
      .send({ webhookUrl: hookUrl, chunkSize: CHUNK })
      .expect(201);
    expect(created.body).toMatchObject({ segmentation: { name: 'median' }, webhookUrl: hookUrl, chunkSize: CHUNK });
    const listed = (await http().get('/audiences').set('X-API-Key', keys.viewer).expect(200)).body;
    expect(listed.map((s: { id: string; webhookUrl: string }) => [s.id, s.webhookUrl])).toEqual([
      [created.body.id, '(hidden: scientists and admins see webhook URLs)'],
    ]);
  });

  it("posts a first version's segments as entered, then each segment's entered and left against the previous version, in parts", async () => {
    const v1 = await run();
    const first = await changesOf(v1, ['Low', 'High']);
    const v1Members = await membersOf(v1);
    for (const [label, parts] of first) {
      expect(parts.map((p) => p.part).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]); // 2,169 ids, 500 a part
      expect(parts.every((p) => p.previous === null && p.left.length === 0)).toBe(true);
      expect(parts.every((p) => p.counts.entered === v1Members.get(label)?.size && p.counts.left === 0)).toBe(true);
      expect(sorted(parts.flatMap((p) => p.entered))).toEqual(sorted(v1Members.get(label) as Set<string>));
    }

    // Version 2 of the data: the first 600 customers gone, the next 600 spending ten times as much.
    const lines = readFileSync(SAMPLE, 'utf8').trim().split('\n');
    const rows = lines.slice(601).map((line, i) => {
      if (i >= 600) return line;
      const cells = line.split(',');
      cells[6] = String(Number(cells[6]) * 10);
      return cells.join(',');
    });
    await http()
      .post('/datasets')
      .set('X-API-Key', keys.analyst)
      .field('name', 'retail')
      .attach('file', Buffer.from([lines[0], ...rows].join('\n') + '\n'), 'retail-v2.csv')
      .expect(201);
    const v2 = await run();
    const second = await changesOf(v2, ['Low', 'High']);
    const v2Members = await membersOf(v2);
    for (const [label, parts] of second) {
      const before = v1Members.get(label) as Set<string>;
      const after = v2Members.get(label) as Set<string>;
      const entered = sorted([...after].filter((id) => !before.has(id)));
      const left = sorted([...before].filter((id) => !after.has(id)));
      expect(entered.length + left.length).toBeGreaterThan(CHUNK);
      expect(parts.map((p) => p.part).sort((a, b) => a - b)).toEqual(
        Array.from({ length: Math.ceil((entered.length + left.length) / CHUNK) }, (_, i) => i + 1),
      );
      expect(parts.every((p) => p.entered.length + p.left.length <= CHUNK)).toBe(true);
      expect(parts.map((p) => p.counts)).toEqual(parts.map(() => ({ entered: entered.length, left: left.length })));
      expect(parts.every((p) => p.previous?.version === 1 && p.previous.label === label)).toBe(true);
      expect(sorted(parts.flatMap((p) => p.entered))).toEqual(entered);
      expect(sorted(parts.flatMap((p) => p.left))).toEqual(left);
    }
  });

  it('deletes a subscription (scientist): no longer listed, and the next version makes no change for it', async () => {
    const [gone] = (await http().get('/audiences').set('X-API-Key', keys.scientist).expect(200)).body as {
      id: string;
    }[];
    const kept = (
      await http()
        .post('/segmentations/median/audiences')
        .set('X-API-Key', keys.scientist)
        .send({ webhookUrl: `${hookUrl}/kept`, chunkSize: 10_000 })
        .expect(201)
    ).body as { id: string };
    await http().delete(`/audiences/${gone.id}`).set('X-API-Key', keys.analyst).expect(403);
    await http().delete(`/audiences/${gone.id}`).set('X-API-Key', keys.scientist).expect(204);
    const again = await http().delete(`/audiences/${gone.id}`).set('X-API-Key', keys.scientist).expect(404);
    expect(again.body.message).toBe(`audience subscription '${gone.id}' not found`);
    const listed = (await http().get('/audiences').set('X-API-Key', keys.scientist).expect(200)).body;
    expect(listed.map((s: { id: string }) => s.id)).toEqual([kept.id]);

    // Version 3 of the data: the first 300 customers of the sample gone, so segments change again.
    const lines = readFileSync(SAMPLE, 'utf8').trim().split('\n');
    await http()
      .post('/datasets')
      .set('X-API-Key', keys.analyst)
      .field('name', 'retail')
      .attach('file', Buffer.from([lines[0], ...lines.slice(301)].join('\n') + '\n'), 'retail-v3.csv')
      .expect(201);
    const v3 = await run();
    // The changes are stored in the run's results transaction: once it has succeeded, they are all there.
    const events = (await http().get('/events').set('X-API-Key', keys.viewer).expect(200)).body as {
      kind: string;
      runId: string;
      details: { subscriptionId: string };
    }[];
    const ofV3 = events.filter((e) => e.kind === 'audience.changed' && e.runId === v3);
    expect(ofV3.length).toBeGreaterThan(0);
    expect(new Set(ofV3.map((e) => e.details.subscriptionId))).toEqual(new Set([kept.id]));
  });
});
