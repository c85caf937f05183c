import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { Role } from '@workbench/persistence';
import { createTestDatabase, type TestDatabase } from '@workbench/persistence/testing';
import request from 'supertest';
import { createKeys, startApp, testConfig } from './helpers';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const customers = `customer_id,monetary\n${Array.from({ length: 40 }, (_, i) => `c${i},${i * 3}`).join('\n')}\n`;

// A person's decision on a flagged candidate (promote or reject) and the rule check of the policy form, over
// HTTP on both databases (embedded in-process queue: the decision is database work, not queue work).
describe.each(['sqlite', 'postgresql'] as const)('reviewing flagged retrains over HTTP (%s)', (kind) => {
  let db: TestDatabase | undefined;
  let app: INestApplication;
  let keys: Record<Role, string>;
  let url: string;
  const as = (role: Role) => ({ 'X-API-Key': keys[role] });

  /** Asks for a retrain of `split` now and waits for it to finish. */
  async function retrainNow(): Promise<Body> {
    const [started] = (await request(url).post('/segmentations/split/retrain').set(as('analyst')).expect(202)).body;
    for (const deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 50))) {
      const r = (await request(url).get(`/retrains/${started.id}`).set(as('viewer')).expect(200)).body;
      if (['promoted', 'flagged', 'failed'].includes(r.status)) return r;
      if (Date.now() > deadline) throw new Error(`retrain ${started.id} still ${r.status}`);
    }
  }
  const history = async () =>
    (await request(url).get('/segmentations/split/aliases/champion/history').set(as('viewer')).expect(200))
      .body as Body[];
  const champion = async () =>
    ((await request(url).get('/runs/split@champion').set(as('viewer')).expect(200)).body as Body).version;

  beforeAll(async () => {
    db = kind === 'postgresql' ? await createTestDatabase('postgresql') : undefined;
    app = await startApp(testConfig(db ? { databaseUrl: db.url } : {}));
    // Listening, so concurrent decisions arrive as concurrent connections.
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    keys = await createKeys(app);
    await request(url)
      .post('/datasets')
      .set(as('analyst'))
      .field('name', 'small')
      .attach('file', Buffer.from(customers), 'small.csv')
      .expect(201);
    await request(url)
      .post('/segmentations')
      .set(as('analyst'))
      .send({ name: 'split', plugin: 'test-split-median', dataset: 'small', params: { feature: 'monetary' } })
      .expect(201);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it("checks a rule with the policies' parser: the column and what was expected, for any key", async () => {
    const bad = await request(url)
      .post('/promotion-rules/check')
      .set(as('viewer'))
      .send({ rule: 'ari >= high' })
      .expect(200);
    expect(bad.body).toEqual({
      ok: false,
      error: {
        column: 8,
        detail: "expected a number after '>=', found 'high'",
        message: "at column 8: expected a number after '>=', found 'high'",
      },
    });
    const unknown = await request(url)
      .post('/promotion-rules/check')
      .set(as('viewer'))
      .send({ rule: 'ari >= 0.8 and silhouete_drop <= 0.02' })
      .expect(200);
    expect(unknown.body.error.column).toBe(16);
    expect(unknown.body.error.detail).toMatch(/^unknown metric 'silhouete_drop' \(did you mean 'silhouette_drop'\?\)/);
    const end = await request(url).post('/promotion-rules/check').set(as('viewer')).send({ rule: 'ari >=' });
    expect(end.body.error).toMatchObject({
      column: 7,
      detail: "expected a number after '>=', found the end of the rule",
    });
    const good = await request(url)
      .post('/promotion-rules/check')
      .set(as('viewer'))
      .send({ rule: 'max_psi < 0.25 and (ari >= 0.8 or nmi >= 0.7)' })
      .expect(200);
    expect(good.body).toEqual({ ok: true, metrics: ['ari', 'max_psi', 'nmi'] });
    // The same words as the policy route answers with.
    const refused = await request(url)
      .post('/segmentations/split/policies')
      .set(as('scientist'))
      .send({ trigger: 'dataset', rule: 'ari >= high' })
      .expect(400);
    expect(refused.body.message).toBe(`rule: ${bad.body.error.message}`);

    const missing = await request(url).post('/promotion-rules/check').set(as('viewer')).send({}).expect(400);
    expect(missing.body.message).toEqual(expect.arrayContaining(['rule: rule must be a string']));
    await request(url).post('/promotion-rules/check').send({ rule: 'ari >= 0.8' }).expect(401);
    const metrics = await request(url).get('/promotion-rules/metrics').set(as('viewer')).expect(200);
    expect(metrics.body.map((m: Body) => m.name)).toEqual(
      expect.arrayContaining(['ari', 'max_psi', 'silhouette_drop']),
    );
  });

  it('promotes or rejects a flagged candidate once, audited, and refuses anything else with 409', async () => {
    // No candidate can have an agreement above 1 with its champion: every retrain after the first is flagged.
    await request(url)
      .post('/segmentations/split/policies')
      .set(as('scientist'))
      .send({ trigger: 'dataset', rule: 'ari > 1' })
      .expect(201);
    const first = await retrainNow();
    expect([first.status, first.review]).toEqual(['promoted', null]);
    const notFlagged = await request(url).post(`/retrains/${first.id}/promote`).set(as('analyst')).expect(409);
    expect(notFlagged.body.message).toBe(
      `retrain request ${first.id} is promoted; only a flagged candidate can be promoted or rejected`,
    );
    await request(url).post(`/retrains/${first.id}/reject`).set(as('analyst')).expect(409);

    const [a, b, c] = [await retrainNow(), await retrainNow(), await retrainNow()];
    expect([a, b, c].map((r) => [r.status, r.run.version, r.champion.version, r.review])).toEqual([
      ['flagged', 2, 1, null],
      ['flagged', 3, 1, null],
      ['flagged', 4, 1, null],
    ]);
    expect(a.outcome.failing).toEqual(['ari > 1 (was 1)']);
    expect(await champion()).toBe(1);
    const before = await history();

    await request(url).post(`/retrains/${a.id}/promote`).set(as('viewer')).expect(403);
    const promoted = await request(url).post(`/retrains/${a.id}/promote`).set(as('analyst')).expect(200);
    expect(promoted.body.status).toBe('flagged'); // what the rule decided stays
    expect(promoted.body.review).toMatchObject({ decision: 'promoted', by: 'test analyst' });
    expect(await champion()).toBe(2);
    const moved = await history();
    expect(moved.slice(before.length)).toEqual([
      expect.objectContaining({ fromVersion: 1, toVersion: 2, movedBy: 'test analyst' }),
    ]);
    // Again: the same answer, no second move.
    const again = await request(url).post(`/retrains/${a.id}/promote`).set(as('admin')).expect(200);
    expect(again.body.review).toEqual(promoted.body.review);
    expect(await history()).toHaveLength(moved.length);
    const late = await request(url).post(`/retrains/${a.id}/reject`).set(as('analyst')).expect(409);
    expect(late.body.message).toMatch(
      new RegExp(`^retrain request ${a.id} was already promoted by test analyst at .+; it cannot be rejected as well$`),
    );

    const rejected = await request(url).post(`/retrains/${b.id}/reject`).set(as('scientist')).expect(200);
    expect(rejected.body.review).toMatchObject({ decision: 'rejected', by: 'test scientist' });
    expect(await champion()).toBe(2);
    expect(await history()).toHaveLength(moved.length);
    await request(url).post(`/retrains/${b.id}/reject`).set(as('analyst')).expect(200);
    const refused = await request(url).post(`/retrains/${b.id}/promote`).set(as('analyst')).expect(409);
    expect(refused.body.message).toMatch(
      /was already rejected by test scientist at .+; it cannot be promoted as well$/,
    );
    expect((await request(url).get(`/retrains/${b.id}`).set(as('viewer')).expect(200)).body.review).toEqual(
      rejected.body.review,
    );

    // Eight people press Promote at once: one alias move, eight answers with the same decision.
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => request(url).post(`/retrains/${c.id}/promote`).set(as('analyst'))),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(new Set(answers.map((r) => JSON.stringify(r.body.review))).size).toBe(1);
    expect((await history()).slice(moved.length)).toEqual([
      expect.objectContaining({ fromVersion: 2, toVersion: 4, movedBy: 'test analyst' }),
    ]);
    expect(await champion()).toBe(4);

    const listed = (await request(url).get('/retrains?segmentation=split').set(as('viewer')).expect(200)).body;
    expect(listed.map((r: Body) => r.review?.decision ?? null)).toEqual([null, 'promoted', 'rejected', 'promoted']);
    await request(url).post('/retrains/no-such-request/promote').set(as('analyst')).expect(404);
  });
});
