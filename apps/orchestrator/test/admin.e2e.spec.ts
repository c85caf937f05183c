// The admin's view of the queue: bull-board at /queues behind the admin check (header or the dashboard cookie)
// on a real Redis, and GET /admin/queue on both the in-process queue and Bull, after real runs.
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { requireRedis, testRedisUrl } from '@workbench/jobs/testing';
import type { ApiKey, Role } from '@workbench/persistence';
import { Workbench } from '@workbench/services';
import request from 'supertest';
import { createKeys, startApp, testConfig, uploadSample, waitForRun } from './helpers';

/** A dataset, a segmentation and one run of it, over HTTP; resolves with the finished run's id. */
async function runOnce(app: INestApplication, keys: Record<Role, string>): Promise<string> {
  const http = () => request(app.getHttpServer());
  await uploadSample(http, keys.analyst);
  await http()
    .post('/segmentations')
    .set('X-API-Key', keys.analyst)
    .send({ name: 'split', plugin: 'test-split-median', dataset: 'retail', params: { feature: 'monetary' } })
    .expect(201);
  const run = await http().post('/segmentations/split/runs').set('X-API-Key', keys.analyst).send({}).expect(202);
  expect(await waitForRun(app, keys.viewer, run.body.id)).toMatchObject({ status: 'succeeded' });
  return run.body.id;
}

interface ListedJob {
  queue: string;
  id: string;
  state: string;
  attempt: number;
  maxAttempts: number;
  progress: number | null;
  enqueuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

/** GET /admin/queue until the run's train job is listed as completed (Bull: the worker writes it just before Bull's 'completed'). */
async function completedTrainJob(app: INestApplication, key: string, runId: string): Promise<ListedJob> {
  for (const end = Date.now() + 10_000; ; ) {
    const res = await request(app.getHttpServer()).get('/admin/queue').set('X-API-Key', key).expect(200);
    const job = (res.body.jobs as ListedJob[]).find((j) => j.queue === 'train' && j.id === runId);
    if (job?.state === 'completed') return job;
    if (Date.now() > end) throw new Error(`run ${runId}'s job is not listed as completed: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function expectFinishedRunJob(app: INestApplication, job: ListedJob, runId: string): void {
  expect(job).toMatchObject({
    queue: 'train',
    id: runId,
    state: 'completed',
    attempt: 1,
    maxAttempts: app.get(Workbench).config.jobAttempts,
    progress: 1,
    error: null,
  });
  const times = [job.enqueuedAt, job.startedAt, job.finishedAt].map((t) => Date.parse(t ?? ''));
  expect(times.every(Number.isFinite)).toBe(true);
  expect(times).toEqual([...times].sort((a, b) => a - b));
}

describe('the queue dashboard with Bull (real Redis)', () => {
  let app: INestApplication;
  let keys: Record<Role, string>;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    await requireRedis(testRedisUrl());
    app = await startApp(
      testConfig({ redisUrl: testRedisUrl(), queuePrefix: `wbtest-admin-${randomBytes(4).toString('hex')}` }),
    );
    keys = await createKeys(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('serves bull-board at /queues to an admin key only: 200 admin, 403 analyst, 401 none, its assets and API alike', async () => {
    const page = await http().get('/queues').set('X-API-Key', keys.admin).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    // The page names its assets relative to its <base href="/queues/">.
    const asset = `/queues/${/src="(static\/js\/[^"]+)"/.exec(page.text)?.[1]}`;
    expect(asset).toMatch(/^\/queues\/static\/js\/.+\.js$/);
    const queues = await http().get('/queues/api/queues').set('X-API-Key', keys.admin).expect(200);
    expect(queues.body.queues.map((q: { name: string }) => q.name).sort()).toEqual([
      'compare',
      'notify',
      'retrain',
      'score',
      'train',
    ]);
    await http()
      .get(asset as string)
      .set('X-API-Key', keys.admin)
      .expect(200);

    for (const path of ['/queues', '/queues/api/queues', asset as string]) {
      const forbidden = await http().get(path).set('X-API-Key', keys.analyst).expect(403);
      expect(forbidden.body.message).toBe(
        "this action needs the admin role; the key 'test analyst' has the analyst role",
      );
      await http().get(path).set('X-API-Key', keys.scientist).expect(403);
      const missing = await http().get(path).expect(401);
      expect(missing.body.message).toMatch(/^missing API key/);
    }
    await http().put('/queues/api/queues/train/pause').set('X-API-Key', keys.analyst).expect(403);
  });

  it('opens the dashboard in a browser through a short-lived HttpOnly, SameSite=Strict cookie for /queues only, holding a token for the key that forgery, expiry and revocation void', async () => {
    const created = await http()
      .post('/api-keys')
      .set('X-API-Key', keys.admin)
      .send({ name: 'ops admin', role: 'admin' })
      .expect(201);
    await http().post('/admin/queue/dashboard-session').set('X-API-Key', keys.analyst).expect(403);
    await http().post('/admin/queue/dashboard-session').expect(401);
    const session = await http().post('/admin/queue/dashboard-session').set('X-API-Key', created.body.key).expect(200);
    expect(session.body).toEqual({ dashboard: '/queues', expiresAt: expect.any(String) });
    const setCookie = session.headers['set-cookie'] as unknown as string[];
    expect(setCookie).toHaveLength(1);
    const [pair, ...attributes] = setCookie[0].split('; ');
    // A token for the key, not the key: `<key id>.<expiry ms>.<mac>`, expiring when the response says.
    const [name, token] = pair.split('=');
    expect(name).toBe('workbench_queues');
    expect(pair).not.toContain(created.body.key);
    const [id, expiry, mac] = decodeURIComponent(token).split('.');
    expect(id).toBe(created.body.id);
    expect(Number(expiry)).toBe(new Date(session.body.expiresAt).getTime());
    expect(mac).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(attributes.filter((a) => !a.startsWith('Expires=')).sort()).toEqual([
      'HttpOnly',
      'Max-Age=900',
      'Path=/queues',
      'SameSite=Strict',
    ]);

    await http().get('/queues').set('Cookie', pair).expect(200);
    await http().get('/queues/api/queues').set('Cookie', pair).expect(200);
    // Every other route wants the header: the cookie is the dashboard's only.
    await http().get('/datasets').set('Cookie', pair).expect(401);
    await http().get('/admin/queue').set('Cookie', pair).expect(401);
    // Forged: another expiry, another key's id, or the token of another purpose are all refused.
    const forged = (t: string) => `workbench_queues=${encodeURIComponent(t)}`;
    const later = String(Number(expiry) + 3_600_000);
    await http()
      .get('/queues')
      .set('Cookie', forged(`${id}.${later}.${mac}`))
      .expect(401);
    const other = await http().get('/api-keys').set('X-API-Key', keys.admin).expect(200);
    const otherAdmin = (other.body as { id: string; role: string }[]).find((k) => k.role === 'admin' && k.id !== id);
    await http()
      .get('/queues')
      .set('Cookie', forged(`${otherAdmin?.id}.${expiry}.${mac}`))
      .expect(401);
    // An expired token, validly signed, is refused on the server's clock whatever the browser keeps.
    const expired = app
      .get(Workbench)
      .apiKeys.issueToken(
        (await app.get(Workbench).apiKeys.authenticate(created.body.key)) as ApiKey,
        'workbench_queues',
        new Date(Date.now() - 1000),
      );
    await http().get('/queues').set('Cookie', forged(expired)).expect(401);
    // The key itself in the cookie is no token either.
    await http().get('/queues').set('Cookie', forged(created.body.key)).expect(401);

    await http().delete(`/api-keys/${created.body.id}`).set('X-API-Key', keys.admin).expect(200);
    await http().get('/queues').set('Cookie', pair).expect(401);
    await http().get('/queues/api/queues').set('Cookie', pair).expect(401);
  });

  it("lists the Bull queues' jobs in GET /admin/queue, a finished run among them, and names the dashboard", async () => {
    const runId = await runOnce(app, keys);
    expectFinishedRunJob(app, await completedTrainJob(app, keys.admin, runId), runId);
    const res = await http().get('/admin/queue').set('X-API-Key', keys.admin).expect(200);
    expect(res.body).toMatchObject({ kind: 'bull', dashboard: '/queues' });
    await http().get('/admin/queue').set('X-API-Key', keys.scientist).expect(403);
  });
});

describe('the in-process queue (embedded server)', () => {
  let app: INestApplication;
  let keys: Record<Role, string>;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await startApp(testConfig());
    keys = await createKeys(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('lists its jobs in GET /admin/queue to admins: a finished run with its attempt, progress and times', async () => {
    const runId = await runOnce(app, keys);
    const res = await http().get('/admin/queue').set('X-API-Key', keys.admin).expect(200);
    expect(res.body).toMatchObject({ kind: 'inline', dashboard: null });
    const listed = (res.body.jobs as ListedJob[]).filter((j) => j.queue === 'train');
    expect(listed).toHaveLength(1);
    expectFinishedRunJob(app, listed[0], runId);
    await http().get('/admin/queue').set('X-API-Key', keys.analyst).expect(403);
    await http().get('/admin/queue').expect(401);
  });

  it('answers /queues with where the jobs are instead of a dashboard, behind the same admin check', async () => {
    const res = await http().get('/queues').set('X-API-Key', keys.admin).expect(404);
    expect(res.body.message).toBe(
      "no queue dashboard here: this server's queue is in-process (no REDIS_URL), so there is no Bull to show; its jobs are listed by GET /admin/queue and on the web app's Admin page (/ui/admin)",
    );
    await http().get('/queues/api/queues').set('X-API-Key', keys.admin).expect(404);
    await http().get('/queues').set('X-API-Key', keys.analyst).expect(403);
    await http().get('/queues').expect(401);
    const conflict = await http().post('/admin/queue/dashboard-session').set('X-API-Key', keys.admin).expect(409);
    expect(conflict.body.message).toMatch(/^this server's queue is in-process/);
  });
});
