import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '@workbench/persistence';
import request from 'supertest';
import { createKeys, SAMPLE, startApp, testConfig, uploadSample, waitForRun } from './helpers';

const HOSTILE_DIR = realpathSync(join(__dirname, '../../../libs/engine/src/sandbox/testing'));

/** Three customers of the sample with their `monetary`, the feature the hostile plugin splits at its median. */
function sampleCustomers(): { id: string; features: { monetary: number } }[] {
  const lines = readFileSync(SAMPLE, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  return [1, 500, 4000].map((i) => {
    const row = lines[i].split(',');
    return { id: row[0], features: { monetary: Number(row[header.indexOf('monetary')]) } };
  });
}

/** A server whose online scoring deadline is `scoreTimeoutMs`, with a finished run of the hostile plugin (limit 256 MiB). */
async function serverWithHostileModel(scoreTimeoutMs: number) {
  const app = await startApp(testConfig({ pluginDirs: [HOSTILE_DIR], scoreTimeoutMs }));
  const keys: Record<Role, string> = await createKeys(app);
  const http = () => request(app.getHttpServer());
  await http()
    .post('/plugins')
    .set('X-API-Key', keys.admin)
    .send({ source: join(HOSTILE_DIR, 'test-hostile') })
    .expect(201);
  await uploadSample(http, keys.analyst, 'customers');
  await http()
    .post('/segmentations')
    .set('X-API-Key', keys.analyst)
    .send({
      name: 'median',
      plugin: 'test-hostile',
      dataset: 'customers',
      params: { mode: 'ok' },
      limits: { memoryMb: 256 },
      kpis: [],
    })
    .expect(201);
  const run = await http().post('/segmentations/median/runs').set('X-API-Key', keys.analyst).send({}).expect(202);
  expect((await waitForRun(app, keys.viewer, run.body.id, 120_000)).status).toBe('succeeded');
  const trained = (
    await http().get('/runs/median@v1/assignments?format=json').set('X-API-Key', keys.viewer).expect(200)
  ).body as { customerId: string; segmentKey: number; segmentLabel: string }[];
  const assigned = new Map(trained.map((r) => [r.customerId, r]));

  /** Scores the sample customers online and expects the run's own segments. */
  const scoresAsTrained = async () => {
    const customers = sampleCustomers();
    const res = await http()
      .post('/runs/median@v1/score')
      .set('X-API-Key', keys.analyst)
      .send({ customers })
      .expect(200);
    expect(res.body.rows).toEqual(
      customers.map((c) => ({
        customerId: c.id,
        segmentKey: assigned.get(c.id)?.segmentKey,
        segmentLabel: assigned.get(c.id)?.segmentLabel,
        score: null,
        error: null,
      })),
    );
  };
  /** A customer whose id makes the plugin misbehave while scoring: the request's status and body. */
  const misbehave = async (mode: string) => {
    const res = await http()
      .post('/runs/median@v1/score')
      .set('X-API-Key', keys.analyst)
      .send({ customers: [{ id: mode, features: { monetary: 1 } }] });
    return [res.status, res.body.message];
  };
  return { app, http, scoresAsTrained, misbehave };
}

/**
 * Online scoring runs the plugin in the model's warm sandbox thread, not in the API process: a plugin that
 * loops, never answers, blows its heap or calls process.exit while scoring fails that request with the
 * reason, the API (this test's process) stays up, and the next request is scored as the run was trained.
 */
describe('online scoring isolates the plugin in a sandbox thread per model', () => {
  const survives = async (scoreTimeoutMs: number, cases: [string, string][]) => {
    const server = await serverWithHostileModel(scoreTimeoutMs);
    try {
      await server.scoresAsTrained();
      for (const [mode, reason] of cases) {
        expect([mode, ...(await server.misbehave(mode))]).toEqual([mode, 500, reason]);
        await server.http().get('/health/live').expect(200);
        await server.scoresAsTrained();
      }
    } finally {
      await server.app.close();
    }
  };

  it('fails a request whose customer makes the plugin loop or never answer with the deadline, and scores the next', async () => {
    await survives(2000, [
      ['loop', "plugin 'test-hostile' exceeded its time limit of 2 s"],
      ['pending', "plugin 'test-hostile' exceeded its time limit of 2 s"],
    ]);
  }, 300_000);

  // A deadline far off, so the memory limit or the exit is what stops the plugin, however loaded the machine.
  it('fails a request whose customer makes the plugin blow its heap or exit with that reason, and scores the next', async () => {
    await survives(120_000, [
      ['heap-bomb', "plugin 'test-hostile' exceeded its memory limit of 256 MiB"],
      ['exit', "plugin 'test-hostile' exited with code 1"],
    ]);
  }, 300_000);
});
