import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinPlugins } from '@workbench/builtin-plugins';
import { createWorkbench, loadConfig, type Workbench } from '@workbench/services';
import { MemoryOutput } from '../output';
import type { RunReport } from '../run-report';
import { cancelRun } from './cancel';
import { compareRuns } from './compare';
import { runDemo } from './demo';
import { showKpis } from './kpis';
import { exportAssignments } from './export';
import { promoteRun } from './promote';
import { createKey } from './keys';
import { listRuns } from './runs';
import { showSegments } from './segments';

// Each demo run trains k-means and evaluates KPIs (with a bootstrap) on 4,339 customers: seconds under Jest.
jest.setTimeout(240_000);

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

// One embedded workbench (temp SQLite home, in-process queue) for the whole file: the demo runs
// train k-means on the 4,339 customers of the sample invoices, which takes a moment each.
let wb: Workbench;
let first: { out: MemoryOutput; report: RunReport };
let second: { out: MemoryOutput; report: RunReport };

beforeAll(async () => {
  wb = await createWorkbench(loadConfig({}, { home: mkdtempSync(join(tmpdir(), 'wb-cli-')) }), {
    plugins: builtinPlugins,
    logger: quiet,
  });
  await wb.startWorker();
  const out1 = new MemoryOutput();
  first = { out: out1, report: await runDemo(wb, out1, { seed: 11 }) };
  const out2 = new MemoryOutput();
  second = { out: out2, report: await runDemo(wb, out2, { seed: 12, json: true }) };
}, 240_000);

afterAll(async () => {
  await wb?.close();
});

describe('demo', () => {
  it('makes version 1, then version 2, of the demo segmentation', () => {
    expect([first.report.run.segmentation.name, first.report.run.version, first.report.run.status]).toEqual([
      'demo-kmeans',
      1,
      'succeeded',
    ]);
    expect([second.report.run.segmentation.name, second.report.run.version, second.report.run.status]).toEqual([
      'demo-kmeans',
      2,
      'succeeded',
    ]);
  });

  it('trains both runs on the same dataset version, since the sample did not change', () => {
    expect(second.report.run.datasetVersion).toEqual(first.report.run.datasetVersion);
    expect([first.report.run.dataset.name, first.report.run.datasetVersion.version]).toEqual(['online-retail', 1]);
    expect(second.out.stderr[0]).toMatch(/unchanged, already stored/);
  });

  it('puts every one of the 4,339 customers in exactly one segment', () => {
    for (const { report } of [first, second]) expect(report.segments.reduce((sum, s) => sum + s.size, 0)).toBe(4339);
  });

  it('splits the whole revenue over the segments', () => {
    for (const { report } of [first, second]) {
      const total = report.segments.reduce((sum, s) => sum + (s.revenueShare as number), 0);
      expect(Math.abs(total - 1)).toBeLessThanOrEqual(1e-9);
    }
  });

  it('records the seed, plugin version and chosen k of the run', () => {
    const { run } = first.report;
    expect([run.seed, run.plugin]).toEqual([11, { name: 'segmenter-kmeans', version: '1.0.0' }]);
    expect(run.metrics?.k).toBe(first.report.segments.length);
    expect(run.metrics?.k).toBeGreaterThanOrEqual(2);
    expect(run.metrics?.k).toBeLessThanOrEqual(6);
  });

  it('prints a headline and a table with a row per segment and the profile means', () => {
    const [headline, blank, header, rule, ...rows] = first.out.stdout;
    expect(headline).toMatch(
      /^demo-kmeans v1 · dataset online-retail v1 · segmenter-kmeans@1\.0\.0 · seed 11 · k \d · silhouette 0\.\d{3} · /,
    );
    expect(blank).toBe('');
    expect(header.split(/\s{2,}/)).toEqual([
      'segment',
      'customers',
      'share',
      'revenue share',
      'mean recency_days',
      'mean frequency',
      'mean monetary',
    ]);
    expect(rule).toMatch(/^-+( {2}-+){6}$/);
    // The segment rows end at the blank line before the KPI table.
    expect(rows.indexOf('')).toBe(first.report.segments.length);
    expect(rows[0]).toMatch(/^Cluster 1 +[\d,]+ +\d+\.\d% +\d+\.\d%/);
  });

  it('prints with --json one JSON document and no other stdout line', () => {
    expect(second.out.stdout).toHaveLength(1);
    const parsed = JSON.parse(second.out.stdout[0]) as RunReport;
    expect(Object.keys(parsed)).toEqual(['run', 'segments', 'kpis']);
    expect(parsed.run.id).toBe(second.report.run.id);
    // One revenue share per segment and one overall (the standard KPI evaluator's).
    expect(parsed.kpis.filter((k) => k.kpi === 'revenue_share')).toHaveLength(parsed.segments.length + 1);
  });

  it('gives a fixed k a segmentation of its own', async () => {
    const report = await runDemo(wb, new MemoryOutput(), { k: 3, seed: 1 });
    expect([report.run.segmentation.name, report.run.version, report.segments.length]).toEqual([
      'demo-kmeans-k3',
      1,
      3,
    ]);
  });
});

describe('keys create', () => {
  it('returns a key that authenticates with the role it was made for', async () => {
    const out = new MemoryOutput();
    const created = await createKey(wb, out, { role: 'admin', name: 'first admin' });
    const apiKey = await wb.apiKeys.authenticate(created.key);
    expect([apiKey?.name, apiKey?.role]).toEqual(['first admin', 'admin']);
    expect(out.stdout).toEqual([created.key]);
    expect(out.stderr.join('\n')).toMatch(/will not be shown again/);
  });

  it('refuses an unknown role', async () => {
    await expect(createKey(wb, new MemoryOutput(), { role: 'boss' as 'admin', name: 'x' })).rejects.toThrow(
      "role 'boss' must be one of viewer, analyst, scientist, admin",
    );
  });
});

describe('runs', () => {
  it('lists the runs of a segmentation oldest first', async () => {
    const out = new MemoryOutput();
    const runs = await listRuns(wb, out, { segmentation: 'demo-kmeans' });
    expect(runs.map((r) => [r.version, r.status, r.seed])).toEqual([
      [1, 'succeeded', 11],
      [2, 'succeeded', 12],
    ]);
    expect(out.stdout).toHaveLength(4);
    expect(out.stdout[2]).toMatch(/^ +v1 {2}succeeded +v1 {2}segmenter-kmeans@1\.0\.0 +11 /);
  });

  it('names a segmentation that does not exist', async () => {
    await expect(listRuns(wb, new MemoryOutput(), { segmentation: 'nope' })).rejects.toThrow(
      "segmentation 'nope' not found",
    );
  });
});

describe('segments', () => {
  it('resolves name@v1 to the first run', async () => {
    const report = await showSegments(wb, new MemoryOutput(), { run: 'demo-kmeans@v1' });
    expect(report.run.id).toBe(first.report.run.id);
    expect(report.segments).toEqual(first.report.segments);
  });

  it('resolves name@latest to the newest run', async () => {
    const report = await showSegments(wb, new MemoryOutput(), { run: 'demo-kmeans@latest' });
    expect(report.run.version).toBe(2);
  });

  it('names a run that does not exist', async () => {
    await expect(showSegments(wb, new MemoryOutput(), { run: 'no-such-run' })).rejects.toThrow(
      "run 'no-such-run' not found",
    );
    await expect(showSegments(wb, new MemoryOutput(), { run: 'demo-kmeans@v9' })).rejects.toThrow(
      "segmentation 'demo-kmeans' has no run v9",
    );
  });
});

describe('compare, promote and export', () => {
  it('compares the two demo versions: a full migration table and matched segments', async () => {
    const out = new MemoryOutput();
    await compareRuns(wb, out, { runA: 'demo-kmeans@v1', runB: 'demo-kmeans@v2', json: true });
    const doc = JSON.parse(out.stdout.join('\n'));
    expect(doc.metrics.matched).toBe(4339);
    expect(doc.migration.counts.flat().reduce((a: number, b: number) => a + b, 0)).toBe(4339);
    expect(doc.matching.pairs.length).toBeGreaterThan(0);
  });

  it('prints a readable migration table and KPI change table', async () => {
    const out = new MemoryOutput();
    await compareRuns(wb, out, { runA: 'demo-kmeans@v1', runB: 'demo-kmeans@v1' });
    expect(out.stdout[1]).toMatch(/customers in both 4,339 · only in A 0 · only in B 0 · ARI 1\.0000 · NMI 1\.0000/);
    expect(out.stdout.some((l) => l.startsWith('A \\ B'))).toBe(true);
    expect(out.stdout.some((l) => /mean monetary/.test(l))).toBe(true);
  });

  it('promotes a run to champion and exports its assignments as CSV', async () => {
    const out = new MemoryOutput();
    await promoteRun(wb, out, { run: 'demo-kmeans@v2', alias: 'champion' });
    expect(out.stdout).toEqual([expect.stringMatching(/^demo-kmeans@champion → v2 \(/)]);
    const csv = new MemoryOutput();
    await exportAssignments(wb, csv, { run: 'demo-kmeans@champion', format: 'csv' });
    expect(csv.stdout[0]).toBe('customer_id,segment_key,segment,score');
    expect(csv.stdout).toHaveLength(4339 + 1);
  });
});

describe('KPIs', () => {
  it('prints the KPI table per segment in the demo, with not-available notes instead of zeros', () => {
    const text = first.out.stdout.join('\n');
    expect(text).toMatch(/^average_order_value\s+currency units per order\s/m);
    expect(text).toMatch(/^predictive_clv\s/m);
    expect(text).toContain("cac: not available: needs the input table 'marketing_spend'");
  });

  it('exports every KPI value of a run as CSV and JSON', async () => {
    const csv = new MemoryOutput();
    await showKpis(wb, csv, { run: 'demo-kmeans@v1', csv: true });
    expect(csv.stdout[0]).toBe(
      'segment,kpi,value,unit,n,lower,upper,interval_method,window_start,window_end,evaluator,note',
    );
    const aov = csv.stdout.find((l) => l.startsWith('(all),average_order_value,'))!.split(',');
    // Overall AOV = revenue / orders, both read from the same export.
    const revenue = Number(csv.stdout.find((l) => l.startsWith('(all),revenue,'))!.split(',')[2]);
    const orders = Number(csv.stdout.find((l) => l.startsWith('(all),orders,'))!.split(',')[2]);
    expect(Number(aov[2])).toBeCloseTo(revenue / orders, 9);
    const json = new MemoryOutput();
    await showKpis(wb, json, { run: 'demo-kmeans@v1', json: true });
    // The JSON is what GET /runs/:id/kpis answers: a list of KPI values (presenter.e2e.spec compares the two).
    const doc = JSON.parse(json.stdout.join('\n')) as {
      value: number | null;
      note: string | null;
      segment: string | null;
    }[];
    expect(doc.every((k) => k.value !== null || k.note)).toBe(true);
    expect(doc.filter((k) => k.segment === null).length).toBeGreaterThan(0);
  });
});

describe('cancel', () => {
  it('refuses a finished run, naming its status', async () => {
    await expect(cancelRun(wb, new MemoryOutput(), { run: 'demo-kmeans@v1' })).rejects.toThrow(
      'run demo-kmeans v1 is already succeeded; only a queued or running run can be cancelled',
    );
  });

  it('cancels a queued run, which a worker started later leaves alone', async () => {
    const config = loadConfig({}, { home: mkdtempSync(join(tmpdir(), 'wb-cli-cancel-')) });
    const before = await createWorkbench(config, { plugins: builtinPlugins, logger: quiet });
    let runId: string;
    try {
      await before.datasets.ingestCustomers({
        dataset: 'retail',
        text: readFileSync(join(__dirname, '../../../../samples/online-retail-customers.csv'), 'utf8'),
      });
      await before.segmentations.create({
        name: 'km',
        plugin: 'segmenter-kmeans',
        dataset: 'retail',
        params: { features: ['recency_days', 'frequency', 'monetary'], k: 3 },
      });
      runId = (await before.runs.submit('km')).id;
      const out = new MemoryOutput();
      await cancelRun(before, out, { run: 'km@latest' });
      expect(out.stdout).toEqual([`km v1 (${runId}) cancelled`]);
    } finally {
      await before.close();
    }
    const after = await createWorkbench(config, { plugins: builtinPlugins, logger: quiet });
    try {
      await after.startWorker();
      await after.queue.whenIdle();
      const run = await after.runs.get(runId);
      expect([run.status, run.attempts, run.startedAt]).toEqual(['cancelled', 0, null]);
    } finally {
      await after.close();
    }
  });
});
