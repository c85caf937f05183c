import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { BUILTIN_PLUGINS_MODULE, builtinPlugins } from '@workbench/builtin-plugins';
import type { Role } from '@workbench/persistence';
import request from 'supertest';
import { createHttpApp } from '../src/app/bootstrap';
import { createKeys, SAMPLE, testConfig, uploadSample, waitForRun } from './helpers';

const ROOT = join(__dirname, '../../..');
const INVOICES = join(ROOT, 'samples/online-retail-invoices-2011-h1.csv');
const TELCO = join(ROOT, 'plugins/predictor-churn/test/fixtures/telco_customer_churn.csv');

interface Row {
  customerId: string;
  segmentKey: number | null;
  segmentLabel: string | null;
  score: number | null;
  error?: string | null;
}

/** The sample customers table with one customer's `monetary` left blank and another's `frequency` made negative. */
function damagedCustomers(): { text: string; blank: string; negative: string } {
  const lines = readFileSync(SAMPLE, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const m = header.indexOf('monetary');
  const f = header.indexOf('frequency');
  const blankRow = lines[10].split(',');
  blankRow[m] = '';
  lines[10] = blankRow.join(',');
  const negativeRow = lines[20].split(',');
  negativeRow[f] = '-5';
  lines[20] = negativeRow.join(',');
  return { text: lines.join('\n') + '\n', blank: blankRow[0], negative: negativeRow[0] };
}

/**
 * Scoring with a finished run's model, no retraining, over HTTP with the plugins in sandbox threads as a
 * server runs them: the training data scored again gives the run's own assignments for every shipped model.
 */
describe("scoring with a finished run's model", () => {
  const config = testConfig();
  let app: INestApplication;
  let keys: Record<Role, string>;
  const http = () => request(app.getHttpServer());

  const train = async (name: string, plugin: string, dataset: string, params: Record<string, unknown>) => {
    await http()
      .post('/segmentations')
      .set('X-API-Key', keys.analyst)
      .send({ name, plugin, dataset, params, kpis: [] })
      .expect(201);
    const run = await http()
      .post(`/segmentations/${name}/runs`)
      .set('X-API-Key', keys.analyst)
      .send({ seed: 7 })
      .expect(202);
    const finished = await waitForRun(app, keys.viewer, run.body.id, 180_000);
    expect([name, finished.status, finished.error]).toEqual([name, 'succeeded', null]);
  };
  const waitForScoring = async (id: string) => {
    for (;;) {
      const res = await http().get(`/scorings/${id}`).set('X-API-Key', keys.viewer).expect(200);
      if (res.body.status === 'succeeded' || res.body.status === 'failed')
        return res.body as {
          status: string;
          error: string | null;
          rowCount: number;
          scoredCount: number;
          errorCount: number;
          featureSet: string;
        };
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const scoreBatch = async (run: string, dataset: string) => {
    const submitted = await http()
      .post(`/runs/${run}/score`)
      .set('X-API-Key', keys.analyst)
      .send({ dataset })
      .expect(202);
    expect(submitted.body.status).toBe('queued');
    const scoring = await waitForScoring(submitted.body.id);
    const rows = (
      await http()
        .get(`/scorings/${submitted.body.id}/assignments?format=json`)
        .set('X-API-Key', keys.viewer)
        .expect(200)
    ).body as Row[];
    return { id: submitted.body.id as string, scoring, rows };
  };
  const assignments = async (run: string) =>
    (await http().get(`/runs/${run}/assignments?format=json`).set('X-API-Key', keys.viewer).expect(200)).body as Row[];

  beforeAll(async () => {
    app = await createHttpApp(config, {
      plugins: builtinPlugins,
      pluginsModule: BUILTIN_PLUGINS_MODULE,
      logger: false,
    });
    await app.init();
    keys = await createKeys(app);
    await http()
      .post('/datasets')
      .set('X-API-Key', keys.analyst)
      .field('name', 'retail')
      .field('kind', 'transactions')
      .field('returns', 'exclude')
      .attach('file', INVOICES)
      .expect(201);
    await uploadSample(http, keys.analyst, 'customers');
    await http()
      .post('/datasets')
      .set('X-API-Key', keys.analyst)
      .field('name', 'telco')
      .attach('file', TELCO)
      .expect(201);
    await train('rfm', 'segmenter-rules', 'retail', { preset: 'rfm' });
    await train('km', 'segmenter-kmeans', 'retail', {
      features: ['recency_days', 'frequency', 'monetary'],
      logFeatures: ['frequency', 'monetary'],
      k: 4,
    });
    await train('churn', 'predictor-churn', 'telco', {
      label: 'Churn',
      positiveLabel: 'Yes',
      features: ['tenure', 'MonthlyCharges', 'TotalCharges', 'Contract', 'InternetService', 'PaymentMethod'],
      impute: 'zero',
      epochs: 20,
    });
    await train('spend', 'segmenter-kmeans', 'customers', {
      features: ['recency_days', 'frequency', 'monetary'],
      logFeatures: ['frequency', 'monetary'],
      k: 3,
    });
  }, 600_000);
  afterAll(async () => {
    await app?.close();
  });

  it.each([
    ['segmenter-rules (RFM preset)', 'rfm', 'retail'],
    ['segmenter-kmeans', 'km', 'retail'],
    ['predictor-churn', 'churn', 'telco'],
  ])(
    "gives every customer of the training data the run's own segment and score: %s",
    async (_plugin, segmentation, dataset) => {
      const { scoring, rows } = await scoreBatch(`${segmentation}@v1`, dataset);
      const trained = await assignments(`${segmentation}@v1`);
      expect([scoring.status, scoring.error, scoring.errorCount, scoring.scoredCount]).toEqual([
        'succeeded',
        null,
        0,
        trained.length,
      ]);
      expect(rows.map((r) => [r.customerId, r.segmentKey, r.segmentLabel])).toEqual(
        trained.map((r) => [r.customerId, r.segmentKey, r.segmentLabel]),
      );
      if (segmentation === 'churn') {
        // Probabilities to 1e-12: the same network on the same features.
        const diff = Math.max(...rows.map((r, i) => Math.abs((r.score as number) - (trained[i].score as number))));
        expect(diff).toBeLessThanOrEqual(1e-12);
        expect(rows.every((r) => typeof r.score === 'number')).toBe(true);
      } else {
        expect(rows.every((r) => r.score === null)).toBe(true);
      }
    },
  );

  it('refuses a customer with a missing or unusable feature with its reason, and scores the others as the run did', async () => {
    const damaged = damagedCustomers();
    await http()
      .post('/datasets')
      .set('X-API-Key', keys.analyst)
      .field('name', 'customers-new')
      .attach('file', Buffer.from(damaged.text), 'customers-new.csv')
      .expect(201);
    const { id, scoring, rows } = await scoreBatch('spend@v1', 'customers-new');
    expect([scoring.status, scoring.errorCount, scoring.scoredCount, scoring.rowCount]).toEqual([
      'succeeded',
      2,
      4336,
      4338,
    ]);
    const errors = (await http().get(`/scorings/${id}/errors`).set('X-API-Key', keys.viewer).expect(200)).body as {
      row: number;
      customerId: string;
      message: string;
    }[];
    expect(errors).toEqual([
      {
        row: 10,
        customerId: damaged.blank,
        message: `feature 'monetary' is missing for customer '${damaged.blank}' (row 10); set the plugin's impute param ('median', 'mean', 'zero' or 'drop') or fill the value before the run`,
      },
      {
        row: 20,
        customerId: damaged.negative,
        message: `feature 'frequency' is -5 for customer '${damaged.negative}' (row 20); a log feature needs values above -1`,
      },
    ]);
    const trained = new Map((await assignments('spend@v1')).map((r) => [r.customerId, r.segmentKey]));
    for (const r of rows) {
      if (r.customerId === damaged.blank || r.customerId === damaged.negative)
        expect([r.segmentKey, r.error]).toEqual([null, expect.stringContaining(`customer '${r.customerId}'`)]);
      else expect([r.customerId, r.segmentKey, r.error]).toEqual([r.customerId, trained.get(r.customerId), null]);
    }
    const csv = (await http().get(`/scorings/${id}/assignments`).set('X-API-Key', keys.viewer).expect(200)).text
      .trim()
      .split('\n');
    expect(csv[0]).toBe('customer_id,segment_key,segment,score,error');
    expect(csv).toHaveLength(4339);
    expect(csv[10]).toMatch(new RegExp(`^${damaged.blank},,,,"?feature 'monetary' is missing`));
  });

  it('refuses data of another kind than the run trained on, and a run that has not succeeded, before queueing', async () => {
    const kind = await http()
      .post('/runs/km@v1/score')
      .set('X-API-Key', keys.analyst)
      .send({ dataset: 'customers' })
      .expect(400);
    expect(kind.body.message).toBe(
      "dataset 'customers' v1 is a customers table; run km v1 was trained on transactions, so it scores transactions versions",
    );
    await http().post('/runs/km@v9/score').set('X-API-Key', keys.analyst).send({ dataset: 'retail' }).expect(404);
  });

  it('validates the body, naming the field, and needs the analyst role', async () => {
    const neither = await http().post('/runs/km@v1/score').set('X-API-Key', keys.analyst).send({}).expect(400);
    expect(neither.body.message).toEqual([
      'dataset: name the dataset to score (a queued batch) or send customers (scored now)',
    ]);
    const both = await http()
      .post('/runs/km@v1/score')
      .set('X-API-Key', keys.analyst)
      .send({ dataset: 'retail', customers: [{ id: 'a', features: {} }] })
      .expect(400);
    expect(both.body.message).toEqual([
      'customers: give either dataset (score a stored dataset version as a queued job) or customers (score these customers now), not both',
    ]);
    const noId = await http()
      .post('/runs/km@v1/score')
      .set('X-API-Key', keys.analyst)
      .send({ customers: [{ features: { frequency: 1 } }] })
      .expect(400);
    expect(noId.body.message).toEqual(expect.arrayContaining(['customers.0.id: id must be a string']));
    await http().post('/runs/km@v1/score').set('X-API-Key', keys.viewer).send({ dataset: 'retail' }).expect(403);
  });

  describe('online: a few customers in the request', () => {
    it("answers each customer's segment as the run assigned it, from the feature rows of the customers table", async () => {
      const lines = readFileSync(SAMPLE, 'utf8').trim().split('\n');
      const header = lines[0].split(',');
      const picked = [1, 500, 4000].map((i) => lines[i].split(','));
      const customers = picked.map((r) => ({
        id: r[0],
        features: Object.fromEntries(
          ['recency_days', 'frequency', 'monetary'].map((f) => [f, Number(r[header.indexOf(f)])]),
        ),
      }));
      const res = await http()
        .post('/runs/spend@latest/score')
        .set('X-API-Key', keys.analyst)
        .send({ customers })
        .expect(200);
      const trained = new Map((await assignments('spend@v1')).map((r) => [r.customerId, r]));
      expect(res.body.run).toEqual({ id: expect.any(String), segmentation: 'spend', version: 1 });
      expect(res.body.rows).toEqual(
        customers.map((c) => ({
          customerId: c.id,
          segmentKey: trained.get(c.id)?.segmentKey,
          segmentLabel: trained.get(c.id)?.segmentLabel,
          score: null,
          error: null,
        })),
      );
    });

    it('scores churn probabilities of Telco customers sent with their categories as strings, as the run scored them', async () => {
      const lines = readFileSync(TELCO, 'utf8').trim().split('\n');
      const header = lines[0].split(',');
      const features = (await http().get('/datasets/telco/features').set('X-API-Key', keys.viewer).expect(200))
        .body as { name: string; type: string }[];
      // The frame's own column names (ingest normalises headers), with the file's values.
      const nameOf = (column: string) =>
        features.find((f) => f.name.replace(/_/g, '') === column.toLowerCase())?.name as string;
      const picked = [3, 1000, 5000].map((i) => lines[i].split(','));
      const customers = picked.map((r) => ({
        id: r[0],
        features: Object.fromEntries(
          ['tenure', 'MonthlyCharges', 'TotalCharges', 'Contract', 'InternetService', 'PaymentMethod'].map((c) => {
            const v = r[header.indexOf(c)];
            return [nameOf(c), features.find((f) => f.name === nameOf(c))?.type === 'numeric' ? Number(v) : v];
          }),
        ),
      }));
      const res = await http()
        .post('/runs/churn@v1/score')
        .set('X-API-Key', keys.analyst)
        .send({ customers })
        .expect(200);
      const trained = new Map((await assignments('churn@v1')).map((r) => [r.customerId, r]));
      res.body.rows.forEach((row: Row, i: number) => {
        const own = trained.get(customers[i].id) as Row;
        expect([row.customerId, row.segmentKey, row.error]).toEqual([customers[i].id, own.segmentKey, null]);
        expect(Math.abs((row.score as number) - (own.score as number))).toBeLessThanOrEqual(1e-12);
      });
    });

    it('gives a customer with a missing feature its reason and scores the others in the same request', async () => {
      const customers = [
        { id: 'ok', features: { recency_days: 10, frequency: 3, monetary: 500 } },
        { id: 'gap', features: { recency_days: 10, frequency: 3, monetary: null } },
      ];
      const res = await http()
        .post('/runs/spend@v1/score')
        .set('X-API-Key', keys.analyst)
        .send({ customers })
        .expect(200);
      expect(res.body.rows[0]).toEqual({
        customerId: 'ok',
        segmentKey: expect.any(Number),
        segmentLabel: expect.any(String),
        score: null,
        error: null,
      });
      expect(res.body.rows[1]).toEqual({
        customerId: 'gap',
        segmentKey: null,
        segmentLabel: null,
        score: null,
        error:
          "feature 'monetary' is missing for customer 'gap' (row 2); set the plugin's impute param ('median', 'mean', 'zero' or 'drop') or fill the value before the run",
      });
    });

    it('refuses a feature that is a number in one row and a string in another, naming both rows', async () => {
      const customers = [
        { id: 'a', features: { recency_days: 10, frequency: 3, monetary: 500 } },
        { id: 'b', features: { recency_days: 'ten', frequency: 3, monetary: 500 } },
      ];
      const res = await http()
        .post('/runs/spend@v1/score')
        .set('X-API-Key', keys.analyst)
        .send({ customers })
        .expect(400);
      expect(res.body.message).toBe(
        'customers.1.features.recency_days: is a string, but customers.0 gives a number; a feature is numeric or a category in every row',
      );
    });
  });

  it('prints with `workbench score` the rows GET /scorings/:id/assignments exports', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, WORKBENCH_HOME: config.home };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    const result = spawnSync(
      process.execPath,
      [
        '-r',
        './tools/register.js',
        'apps/cli/src/main.ts',
        'score',
        'km@v1',
        '--dataset',
        'retail@1',
        '--format',
        'csv',
      ],
      { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 },
    );
    expect([result.status, result.stderr]).toEqual([
      0,
      expect.stringMatching(/^scored retail v1 with km v1: \d+ customer\(s\) scored, 0 refused \(scoring (\S+)\)$/m),
    ]);
    const id = /\(scoring (\S+)\)/.exec(result.stderr)?.[1] as string;
    const exported = (await http().get(`/scorings/${id}/assignments`).set('X-API-Key', keys.viewer).expect(200)).text;
    expect(result.stdout).toBe(exported);
  }, 120_000);

  it("checks the segmentation's KPI alerts over a scoring's customers with the evaluators in the sandbox thread", async () => {
    await http()
      .post('/segmentations')
      .set('X-API-Key', keys.analyst)
      .send({
        name: 'rfm-kpis',
        plugin: 'segmenter-rules',
        dataset: 'retail',
        params: { preset: 'rfm' },
        kpis: [{ plugin: 'kpi-standard' }],
      })
      .expect(201);
    const submitted = await http()
      .post('/segmentations/rfm-kpis/runs')
      .set('X-API-Key', keys.analyst)
      .send({ seed: 7 })
      .expect(202);
    expect((await waitForRun(app, keys.viewer, submitted.body.id, 180_000)).status).toBe('succeeded');
    await http()
      .post('/segmentations/rfm-kpis/alerts')
      .set('X-API-Key', keys.scientist)
      .send({ rule: 'revenue > 0 and revenue_change == 0' })
      .expect(201);
    const { id } = await scoreBatch(submitted.body.id, 'retail');
    const alerts = (await http().get('/alerts').set('X-API-Key', keys.scientist).expect(200)).body as {
      firings: { scoring: { id: string } | null; segments: { key: number; values: Record<string, number> }[] }[];
    }[];
    const firing = alerts[0].firings.find((f) => f.scoring?.id === id);
    // The same customers in the same segments: kpi-standard gives the scoring the run's own revenue per segment, so no change.
    const runRevenue = (
      (await http().get(`/runs/${submitted.body.id}/kpis`).set('X-API-Key', keys.viewer).expect(200)).body as {
        segmentKey: number | null;
        kpi: string;
        value: number | null;
      }[]
    ).filter((k) => k.kpi === 'revenue' && k.segmentKey !== null && (k.value ?? 0) > 0);
    expect(runRevenue.length).toBeGreaterThan(1);
    expect(
      firing?.segments.map((s) => [s.key, s.values.revenue, s.values.revenue_change]).sort((a, b) => a[0] - b[0]),
    ).toEqual(runRevenue.map((k) => [k.segmentKey, k.value, 0]).sort((a, b) => (a[0] as number) - (b[0] as number)));
  }, 300_000);
});
