import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Role } from '@workbench/persistence';
import { fixturePath } from '@workbench/plugin-sdk/testing';
import { createTestDatabase, type TestDatabase } from '@workbench/persistence/testing';
import request from 'supertest';
import { createKeys, startApp, testConfig, waitForRun } from './helpers';

const ROOT = join(__dirname, '../../..');
// BTYD's CDNOW event log (2,357 customers); Fader, Hardie & Lee (2005)'s calibration/holdout study on it.
const ELOG = fixturePath('cdnowElog.csv');
const STUDY = { observationEnd: '1997-09-30', holdoutEnd: '1998-06-30' };

interface KpiRow {
  segmentKey: number | null;
  kpi: string;
  evaluator: string;
  details: Record<string, Record<string, unknown>> | null;
}

/** The `workbench` CLI as a process of its own, on the server's store (the embedded home, or PostgreSQL). */
function cli(home: string, databaseUrl: string | undefined, args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, WORKBENCH_HOME: home };
  delete env.REDIS_URL;
  delete env.WORKBENCH_DEBUG;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  return spawnSync(process.execPath, ['-r', './tools/register.js', 'apps/cli/src/main.ts', ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe.each(['sqlite', 'postgresql'] as const)(
  "a KPI evaluator's structured details, stored and shown (%s)",
  (kind) => {
    let db: TestDatabase | undefined;
    let app: INestApplication;
    let keys: Record<Role, string>;
    let home: string;
    let runId: string;
    const http = () => request(app.getHttpServer());

    beforeAll(async () => {
      db = kind === 'postgresql' ? await createTestDatabase('postgresql') : undefined;
      const config = testConfig(db ? { databaseUrl: db.url } : {});
      home = config.home;
      app = await startApp(config);
      keys = await createKeys(app);
      await http()
        .post('/datasets')
        .set('X-API-Key', keys.analyst)
        .field('name', 'cdnow')
        .field('kind', 'transactions')
        .field('customerIdColumn', 'masterid')
        .field('timestampColumn', 'date')
        .field('amountColumn', 'sales')
        .attach('file', ELOG)
        .expect(201);
      await http()
        .post('/segmentations')
        .set('X-API-Key', keys.analyst)
        .send({
          name: 'cdnow-clv',
          plugin: 'test-split-median',
          dataset: 'cdnow',
          params: { feature: 'monetary' },
          kpis: [{ plugin: 'kpi-clv', params: STUDY }],
        })
        .expect(201);
      runId = (
        await http().post('/segmentations/cdnow-clv/runs').set('X-API-Key', keys.analyst).send({ seed: 1 }).expect(202)
      ).body.id;
      expect((await waitForRun(app, keys.viewer, runId, 180_000)).status).toBe('succeeded');
    }, 240_000);

    afterAll(async () => {
      await app?.close();
      await db?.drop();
    });

    it("answers GET /runs/:id/kpis with kpi-clv's fits and calibration-vs-holdout table, as stored (BTYD's CDNOW figures)", async () => {
      const kpis = (await http().get(`/runs/${runId}/kpis`).set('X-API-Key', keys.viewer).expect(200)).body as KpiRow[];
      const overall = kpis.find((k) => k.segmentKey === null && k.kpi === 'predicted_purchases') as KpiRow;
      expect(overall.evaluator).toMatch(/^kpi-clv@/);
      const details = overall.details as Record<string, Record<string, unknown>>;
      // BTYD walkthrough §4.2: LL −9582.429 on the unrounded calibration summary; FHL 2005: correlation 0.626.
      expect(Math.abs((details.bgNbd.logLikelihood as number) - -9582.429)).toBeLessThan(0.001);
      expect(details.bgNbd.converged).toBe(true);
      expect([details.calibration.source, details.calibration.observationEnd, details.calibration.customers]).toEqual([
        'transactions',
        '1997-09-30',
        2357,
      ]);
      expect(Math.abs((details.holdout.correlation as number) - 0.626)).toBeLessThan(5e-4);
      const buckets = details.holdout.byCalibrationFrequency as { frequency: string; customers: number }[];
      expect(buckets.map((b) => [b.frequency, b.customers])).toEqual([
        ['0', 1411],
        ['1', 439],
        ['2', 214],
        ['3', 100],
        ['4', 62],
        ['5', 38],
        ['6', 29],
        ['7+', 64],
      ]);
      // Per segment the figures have no fits of their own; the workbench's counts have none either.
      expect(
        kpis
          .filter((k) => k.segmentKey !== null || !k.evaluator.startsWith('kpi-clv@'))
          .every((k) => k.details === null),
      ).toBe(true);
    });

    it('prints the same details with `workbench kpis <run> --json`, and says in the table that there are some', () => {
      const json = cli(home, db?.url, ['kpis', runId, '--json']);
      expect(json.status).toBe(0);
      const kpis = JSON.parse(json.stdout) as KpiRow[];
      const overall = kpis.find((k) => k.segmentKey === null && k.kpi === 'predicted_purchases') as KpiRow;
      expect(Math.abs((overall.details?.bgNbd.logLikelihood as number) - -9582.429)).toBeLessThan(0.001);
      expect(
        (overall.details?.holdout.byCalibrationFrequency as { customers: number }[]).map((b) => b.customers),
      ).toEqual([1411, 439, 214, 100, 62, 38, 29, 64]);

      const table = cli(home, db?.url, ['kpis', runId]);
      expect(table.status).toBe(0);
      expect(table.stdout).toMatch(/details: yes, for predicted_purchases, .*kpis <run> --json/);
    });
  },
);
