import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinPlugins } from '@workbench/builtin-plugins';
import { decodeAssignments } from '@workbench/engine';
import { ComparisonStatus, RunStatus, type Run } from '@workbench/persistence';
import { createWorkbench, loadConfig, type Workbench } from '@workbench/services';

// Work on the data path (encodings, features, run inputs, comparisons) must not move a single bit of what the
// shipped plugins produce. These digests were computed on main before that work (issue 17) and pin, per run,
// the assignments (id, segment, score) in customer order, the segments, every KPI value with its interval, the
// run's metrics, and the comparison's metrics, migration and matching. A digest covers float64 bits, not rounded
// values. If a deliberate change of a plugin moves them, recompute them and say why in the commit.
// The first run loads (and transpiles) every plugin: minutes on a loaded machine, seconds after.
jest.setTimeout(600_000);

const sample = join(__dirname, '../../../samples/online-retail-invoices.csv');
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const sha = (parts: readonly unknown[]) =>
  createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
/** Float64 bits as hex, so -0, NaN and the last bit all count. */
const bits = (x: number | null | undefined) =>
  x === null || x === undefined ? x : Buffer.from(new Float64Array([x]).buffer).toString('hex');

let wb: Workbench;
const home = mkdtempSync(join(tmpdir(), 'wb-pinned-'));

beforeAll(async () => {
  // Plugins in the worker's own thread: the same code as in a sandbox thread, without loading it there per run.
  wb = await createWorkbench(loadConfig({}, { home, pluginIsolation: 'none' }), {
    plugins: builtinPlugins,
    logger: quiet,
  });
  await wb.startWorker();
  await wb.datasets.ingestTransactions({ dataset: 'retail', source: sample });
  await wb.datasets.ingestTransactions({ dataset: 'retail-no-returns', source: sample, returns: 'exclude' });
}, 600_000);

afterAll(async () => {
  await wb?.close();
  rmSync(home, { recursive: true, force: true });
});

async function run(segmentation: string, seed: number): Promise<Run> {
  const done = await wb.runs.waitFor((await wb.runs.submit(segmentation, { seed })).id, undefined, 20);
  if (done.status !== RunStatus.Succeeded) throw new Error(`${segmentation} ${done.status}: ${done.error}`);
  return done;
}

async function digests(r: Run): Promise<Record<string, string>> {
  const { ids, segment, score } = decodeAssignments(await wb.artifacts.get(r.assignmentsArtifactKey as string));
  const order = Array.from(ids.keys()).sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
  const segments = (await wb.runs.segments(r.id)).sort((a, b) => a.key - b.key);
  const kpis = (await wb.runs.kpis(r.id)).sort((a, b) =>
    `${a.segmentKey}:${a.kpi}`.localeCompare(`${b.segmentKey}:${b.kpi}`),
  );
  return {
    assignments: sha(order.map((i) => [ids[i], segment[i], score ? bits(score[i]) : null])),
    segments: sha(segments.map((s) => [s.key, s.label, s.size, bits(s.share), s.profile])),
    kpis: sha(
      kpis.map((k) => [
        k.segmentKey,
        k.kpi,
        bits(k.value),
        bits(k.lowerBound),
        bits(k.upperBound),
        k.n,
        k.unit,
        k.note,
        k.intervalMethod,
        k.window,
        k.evaluator,
        k.details,
      ]),
    ),
    metrics: sha([r.metrics, r.featureSet]),
  };
}

describe('run results of the shipped plugins on the Online Retail sample invoices are bit-identical to the pinned ones', () => {
  it('segmenter-kmeans with kpi-standard and kpi-clv, two versions, and their comparison', async () => {
    await wb.segmentations.create({
      name: 'kmeans',
      plugin: 'segmenter-kmeans',
      dataset: 'retail',
      params: { features: ['recency_days', 'frequency', 'monetary'], logFeatures: ['frequency'], k: 4 },
      kpis: [{ plugin: 'kpi-standard', params: { bootstrapResamples: 200 } }, { plugin: 'kpi-clv' }],
    });
    const v1 = await run('kmeans', 1);
    const v2 = await run('kmeans', 2);
    const c = await wb.comparisons.waitFor((await wb.comparisons.submit(v1.id, v2.id)).id, 20);
    expect(c.status).toBe(ComparisonStatus.Succeeded);
    expect({
      v1: await digests(v1),
      v2: await digests(v2),
      comparison: sha([c.metrics, c.migration, c.matching]),
    }).toEqual(PINNED.kmeans);
  });

  it('segmenter-rules (RFM preset) with kpi-standard, returns excluded', async () => {
    await wb.segmentations.create({
      name: 'rules',
      plugin: 'segmenter-rules',
      dataset: 'retail-no-returns',
      params: { preset: 'rfm' },
      kpis: [{ plugin: 'kpi-standard', params: { bootstrapResamples: 0 } }],
    });
    expect(await digests(await run('rules', 1))).toEqual(PINNED.rules);
  });

  it('predictor-churn on a 90-day churn label', async () => {
    const features = ['recency_days', 'frequency', 'monetary', 'tenure_days', 'active_months'];
    await wb.segmentations.create({
      name: 'churn',
      plugin: 'predictor-churn',
      dataset: 'retail',
      churnHorizonDays: 90,
      params: { label: 'churned', features },
      kpis: [],
    });
    expect(await digests(await run('churn', 1))).toEqual(PINNED.churn);
  });
});

// Computed on main at db69b9d (before the WBT2 encoding, section-wise reads and the feature pass of issue 17), twice, same values.
const PINNED: Record<string, unknown> = {
  kmeans: {
    v1: {
      assignments: '58af2d41cf525e9c',
      segments: '28026cd2fdbbb616',
      kpis: '581e4e9f4bde070f',
      metrics: 'd11a2a04da2254ff',
    },
    v2: {
      assignments: '58af2d41cf525e9c',
      segments: '28026cd2fdbbb616',
      kpis: '8d6b398e32b53f43',
      metrics: 'd782168c50577d02',
    },
    comparison: 'cd2c2c4bb7492004',
  },
  rules: {
    assignments: 'c6ba58f93e3b30b3',
    segments: 'ddba5964c8288de9',
    kpis: '2e8ff4155ca8bf9d',
    metrics: '343f525db69aac00',
  },
  churn: {
    assignments: '6569a5059dcd554c',
    segments: '3d0e09494fc6161e',
    kpis: 'ac5d123aa57fb6f8',
    metrics: '63ea7c6b7be8e731',
  },
};
