import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStatus } from '@workbench/persistence';
import { loadConfig } from './config';
import { splitAtMedian } from './testing';
import { createWorkbench, type Workbench } from './workbench';

const sample = readFileSync(join(__dirname, '../../../samples/online-retail-customers.csv'), 'utf8');
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('run versions, aliases, customer history and comparisons (embedded)', () => {
  let wb: Workbench;
  const home = mkdtempSync(join(tmpdir(), 'wb-versions-'));
  beforeAll(async () => {
    wb = await createWorkbench(loadConfig({}, { home, jobBackoffMs: 5 }), {
      plugins: [splitAtMedian],
      logger: quiet,
    });
    await wb.startWorker();
    await wb.datasets.ingestCustomers({ dataset: 'retail', text: sample });
    await wb.segmentations.create({
      name: 'by-spend',
      plugin: 'test-split-median',
      params: { feature: 'monetary' },
      dataset: 'retail',
    });
    await wb.segmentations.create({
      name: 'by-orders',
      plugin: 'test-split-median',
      params: { feature: 'frequency' },
      dataset: 'retail',
    });
    for (const name of ['by-spend', 'by-spend', 'by-orders'])
      await wb.runs.waitFor((await wb.runs.submit(name, { seed: 1 })).id);
  });
  afterAll(async () => {
    await wb.close();
  });

  it('records the lineage of each run', async () => {
    const run = await wb.runs.resolve('by-spend@v1');
    expect([run.featureSet, run.workbenchVersion, run.datasetVersion.contentHash.length, run.pluginVersion]).toEqual([
      'customer-columns/1',
      '0.1.0',
      64,
      '1.0.0',
    ]);
  });

  it('stores one assignment per customer and answers a customer history version by version', async () => {
    const rows = await wb.assignments.forRun((await wb.runs.resolve('by-spend@v1')).id);
    expect(rows).toHaveLength(4338);
    // 12346 spent 77,183.60 in one order: high spend, low frequency.
    const history = await wb.assignments.history('12346');
    expect(history.map((h) => [h.segmentation, h.version, h.segmentLabel])).toEqual([
      ['by-spend', 1, 'High'],
      ['by-spend', 2, 'High'],
      ['by-orders', 1, 'Low'],
    ]);
    await expect(wb.assignments.history('no-such-customer')).rejects.toThrow(
      "customer 'no-such-customer' is in no finished run",
    );
  });

  it('moves an alias explicitly and keeps an audit trail', async () => {
    await wb.aliases.move('by-spend', 'champion', '1', 'alice');
    await wb.aliases.move('by-spend', 'champion', 'by-spend@v2', 'bob');
    expect((await wb.runs.resolve('by-spend@champion')).version).toBe(2);
    const trail = await wb.aliases.history('by-spend', 'champion');
    expect(trail.map((e) => [e.fromRun?.version ?? null, e.toRun.version, e.movedBy])).toEqual([
      [null, 1, 'alice'],
      [1, 2, 'bob'],
    ]);
    await expect(wb.aliases.move('by-spend', 'champion', 'by-orders@v1', 'eve')).rejects.toThrow(
      "belongs to segmentation 'by-orders', not 'by-spend'",
    );
    await expect(wb.aliases.move('by-spend', 'Champion!', '1', 'eve')).rejects.toThrow(
      'must be 1-64 lowercase letters',
    );
  });

  it('compares a run with itself: ARI = NMI = 1 and a diagonal migration matrix', async () => {
    const c = await wb.comparisons.waitFor((await wb.comparisons.submit('by-spend@v1', 'by-spend@v1')).id);
    expect(c.status).toBe(RunStatus.Succeeded);
    expect(c.metrics).toMatchObject({ ari: 1, nmi: 1, matched: 4338, onlyInA: 0, onlyInB: 0 });
    expect((c.migration as { counts: number[][] }).counts).toEqual([
      [2169, 0],
      [0, 2169],
    ]);
    const pairs = (c.matching as { pairs: { deltas: { kpi: string; delta: number; significant: boolean }[] }[] }).pairs;
    expect(pairs.flatMap((p) => p.deltas.map((d) => [d.kpi, d.delta, d.significant]))).toEqual([
      ['share', 0, false],
      ['mean monetary', 0, false],
      ['share', 0, false],
      ['mean monetary', 0, false],
    ]);
  });

  it('compares two segmentations and flags a significant change of the mean', async () => {
    const c = await wb.comparisons.waitFor((await wb.comparisons.submit('by-spend@v1', 'by-orders@v1')).id);
    const metrics = c.metrics as { ari: number; nmi: number };
    expect(metrics.ari).toBeGreaterThan(0);
    expect(metrics.ari).toBeLessThan(1);
    const counts = (c.migration as { counts: number[][] }).counts;
    expect(counts.flat().reduce((a, b) => a + b, 0)).toBe(4338);
    const matching = c.matching as {
      pairs: {
        a: { label: string };
        b: { label: string };
        deltas: { kpi: string; significant: boolean; lower: number; upper: number; delta: number }[];
      }[];
    };
    expect(matching.pairs.map((p) => [p.a.label, p.b.label])).toEqual([
      ['Low', 'Low'],
      ['High', 'High'],
    ]);
    // High spenders by frequency include some low spenders: their mean monetary is lower than the top half by spend.
    const high = matching.pairs[1].deltas.find((d) => d.kpi === 'mean monetary')!;
    expect(high.delta).toBeLessThan(0);
    expect(high.lower <= high.delta && high.delta <= high.upper).toBe(true);
    expect((await wb.comparisons.list()).length).toBeGreaterThanOrEqual(2);
  });

  it('compares runs from the assignments they kept in this process as another process does from their artifacts', async () => {
    const [a, b] = [await wb.runs.resolve('by-spend@v1'), await wb.runs.resolve('by-orders@v1')];
    const [keptA, keptB] = [await wb.assignments.decoded(a.id), await wb.assignments.decoded(b.id)];
    const kept = await wb.comparisonProcessor.compute(a.id, b.id);
    // Same home, nothing kept in memory: the assignments come from the runs' artifacts.
    const other = await createWorkbench(loadConfig({}, { home }), { plugins: [splitAtMedian], logger: quiet });
    try {
      const [readA, readB] = [await other.assignments.decoded(a.id), await other.assignments.decoded(b.id)];
      expect(readA.idTable.equals(keptA.idTable) && readB.idTable.equals(keptB.idTable)).toBe(true);
      expect([Array.from(readA.segment), readA.score, readA.labels]).toEqual([
        Array.from(keptA.segment),
        keptA.score,
        keptA.labels,
      ]);
      expect(readA.ids).toEqual(keptA.ids);
      expect(await other.comparisonProcessor.compute(a.id, b.id)).toEqual(kept);
    } finally {
      await other.close();
    }
    expect((kept.metrics as { matched: number }).matched).toBe(4338);
  });

  it("gives a customer's features beside its segment's and all customers' means, as summed from the run's rows", async () => {
    const view = await wb.customerFeatures.inRun('by-spend@v1', '12346');
    const run = await wb.runs.resolve('by-spend@v1');
    const rows = await wb.assignments.forRun(run.id);
    const frame = await wb.runInputs.loadFrame(run.datasetVersion);
    const monetary = frame.columns.monetary as { values: Float64Array };
    const key = rows.find((r) => r.customerId === '12346')!.segmentKey;
    let [sum, n, all] = [0, 0, 0];
    rows.forEach((r, i) => {
      expect(frame.ids[i]).toBe(r.customerId);
      all += monetary.values[i];
      if (r.segmentKey !== key) return;
      sum += monetary.values[i];
      n++;
    });
    const feature = view.features.find((f) => f.name === 'monetary')!;
    expect([feature.value, feature.segmentMean, feature.overallMean]).toEqual([77183.6, sum / n, all / rows.length]);
  });

  it('refuses to compare a run that has not finished', async () => {
    await wb.segmentations.create({
      name: 'doomed',
      plugin: 'test-split-median',
      params: { crash: 'always' },
      dataset: 'retail',
    });
    const failed = await wb.runs.waitFor((await wb.runs.submit('doomed')).id);
    await expect(wb.comparisons.submit(failed.id, 'by-spend@v1')).rejects.toThrow(
      'run A (doomed v1) is failed; only finished runs can be compared',
    );
  });
});
