import type { ChildProcess } from 'node:child_process';
import type { INestApplication } from '@nestjs/common';
import { ApiKey, type Role } from '@workbench/persistence';
import { createTestDatabase, type TestDatabase } from '@workbench/persistence/testing';
import { Workbench, type WorkbenchConfig } from '@workbench/services';
import request from 'supertest';
import { createKeys, spawnApi, startApp, stopProcess, testConfig } from './helpers';

describe('API keys on two API processes sharing PostgreSQL', () => {
  let db: TestDatabase;
  let config: WorkbenchConfig;
  let a: INestApplication;
  let b: { child: ChildProcess; url: string };
  let keys: Record<Role, string>;
  /** Failed authentications this file has made on process B so far (they count towards its limit). */
  let failedOnB = 0;
  const onA = () => request(a.getHttpServer());
  const onB = () => request(b.url);

  beforeAll(async () => {
    db = await createTestDatabase('postgresql');
    config = testConfig({ databaseUrl: db.url });
    a = await startApp(config);
    keys = await createKeys(a);
    b = await spawnApi(config);
  });
  afterAll(async () => {
    // stopProcess, not exitCode: B exits by its re-raised SIGTERM (exitCode stays null), and when that happened
    // while A was closing, waiting for an 'exit' already emitted hung the hook (CI, under load).
    await Promise.all([stopProcess(b?.child), a?.close()]);
    await db?.drop();
  });

  it('revokes a key at once on every process: its next request is a 401 on both', async () => {
    const created = await onA()
      .post('/api-keys')
      .set('X-API-Key', keys.admin)
      .send({ name: 'leaked', role: 'analyst' })
      .expect(201);
    await onB().get('/datasets').set('X-API-Key', created.body.key).expect(200);
    await onA().get('/datasets').set('X-API-Key', created.body.key).expect(200);

    await onA().delete(`/api-keys/${created.body.id}`).set('X-API-Key', keys.analyst).expect(403);
    const revoked = await onA().delete(`/api-keys/${created.body.id}`).set('X-API-Key', keys.admin).expect(200);
    expect(revoked.body).toMatchObject({ id: created.body.id, revokedBy: 'test admin' });

    const onOther = await onB().get('/datasets').set('X-API-Key', created.body.key).expect(401);
    failedOnB++;
    expect(onOther.body.message).toBe('invalid, expired or revoked API key');
    await onA().get('/datasets').set('X-API-Key', created.body.key).expect(401);
    await onB().delete('/api-keys/00000000-0000-0000-0000-000000000000').set('X-API-Key', keys.admin).expect(404);
    const listed = await onB().get('/api-keys').set('X-API-Key', keys.admin).expect(200);
    expect(listed.body.find((k: { id: string }) => k.id === created.body.id)).toMatchObject({
      revokedBy: 'test admin',
      revokedAt: expect.any(String),
    });
  });

  it('lets a key expire: refused once its expiry has passed, and an expiry in the past is a 400', async () => {
    await onA()
      .post('/api-keys')
      .set('X-API-Key', keys.admin)
      .send({ name: 'old', role: 'viewer', expiresAt: '2001-01-01T00:00:00Z' })
      .expect(400);
    await onA()
      .post('/api-keys')
      .set('X-API-Key', keys.admin)
      .send({ name: 'bad', role: 'viewer', expiresAt: 'tomorrow' })
      .expect(400);
    const created = await onA()
      .post('/api-keys')
      .set('X-API-Key', keys.admin)
      .send({ name: 'temp', role: 'viewer', expiresAt: '2999-01-01T00:00:00Z' })
      .expect(201);
    expect(created.body.expiresAt).toBe('2999-01-01T00:00:00.000Z');
    await onB().get('/datasets').set('X-API-Key', created.body.key).expect(200);
    // Its expiry passes (moved into the past rather than waited for).
    await a
      .get(Workbench)
      .orm.em.fork()
      .nativeUpdate(ApiKey, { id: created.body.id }, { expiresAt: new Date(Date.now() - 1000) });
    await onB().get('/datasets').set('X-API-Key', created.body.key).expect(401);
    failedOnB++;
    await onA().get('/datasets').set('X-API-Key', created.body.key).expect(401);
  });

  it('answers 429 after 20 failed authentications a minute from one client, even to a good key; the other process still serves it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) statuses.push((await onB().get('/datasets').set('X-API-Key', `wb_guess_${i}`)).status);
    expect(statuses).toEqual([...Array(20 - failedOnB).fill(401), ...Array(30 + failedOnB).fill(429)]);
    const blocked = await onB().get('/datasets').set('X-API-Key', keys.viewer).expect(429);
    expect(blocked.body.message).toMatch(/^too many failed authentications from this client; retry in \d+ s$/);
    await onB().get('/health').expect(200);
    await onA().get('/datasets').set('X-API-Key', keys.viewer).expect(200);
  });
});
