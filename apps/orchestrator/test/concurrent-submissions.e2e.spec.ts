import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { Role } from '@workbench/persistence';
import { createTestDatabase, type TestDatabase } from '@workbench/persistence/testing';
import request from 'supertest';
import { createKeys, startApp, testConfig } from './helpers';

const SUBMISSIONS = 200;
const customers = `customer_id,monetary\n${Array.from({ length: 20 }, (_, i) => `c${i},${i}`).join('\n')}\n`;

describe.each(['sqlite', 'postgresql'] as const)('200 concurrent run submissions to one segmentation (%s)', (kind) => {
  let db: TestDatabase | undefined;
  let app: INestApplication;
  let keys: Record<Role, string>;
  let url: string;

  beforeAll(async () => {
    db = kind === 'postgresql' ? await createTestDatabase('postgresql') : undefined;
    app = await startApp(testConfig(db ? { databaseUrl: db.url } : {}));
    // A listening server, so the submissions arrive as concurrent connections, as clients send them.
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    keys = await createKeys(app);
    await request(url)
      .post('/datasets')
      .set('X-API-Key', keys.analyst)
      .field('name', 'small')
      .attach('file', Buffer.from(customers), 'small.csv')
      .expect(201);
    await request(url)
      .post('/segmentations')
      .set('X-API-Key', keys.analyst)
      .send({ name: 'split', plugin: 'test-split-median', dataset: 'small', params: { feature: 'monetary' } })
      .expect(201);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('queues every one (202), each with its own version 1..200, none answered 409', async () => {
    const answers = await Promise.all(
      Array.from({ length: SUBMISSIONS }, (_, i) =>
        request(url).post('/segmentations/split/runs').set('X-API-Key', keys.analyst).send({ seed: i }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s !== 202)).toEqual([]);
    const versions = answers.map((a) => (a.body as { version: number }).version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: SUBMISSIONS }, (_, i) => i + 1));
    // Each answer is its own run, with the seed it was sent.
    const seeds = new Map(answers.map((a) => [(a.body as { id: string }).id, (a.body as { seed: number }).seed]));
    expect([...seeds.values()].sort((a, b) => a - b)).toEqual(Array.from({ length: SUBMISSIONS }, (_, i) => i));
    const listed = (await request(url).get('/segmentations/split/runs').set('X-API-Key', keys.viewer).expect(200))
      .body as { id: string }[];
    expect(listed.length).toBe(SUBMISSIONS);
  }, 180_000);
});
