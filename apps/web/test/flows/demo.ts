import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import * as harness from '../harness';

// The analyst's pages on the demo, as `workbench demo --serve` left it on a fresh embedded home (SQLite + in-process
// queue): a second version through the API, then the segmentations, versions, run, compare, KPI tracking and
// customer pages, each checked against the API's own figures. They run first on their server: they expect the
// demo's segmentation to have exactly these two versions.

interface Segment {
  key: number;
  label: string;
  size: number;
}
interface Kpi {
  segmentKey: number | null;
  kpi: string;
  value: number | null;
  interval: { lower: number; upper: number } | null;
}

let server: harness.Server;
let base = '';
let key = '';
let context: BrowserContext;
let page: Page;
let runs: { id: string; version: number }[] = [];
/** The KPI history before any comparison of v1 with v2 is stored: its matching computed from the assignments. */
let historyBeforeComparison: KpiHistory;

interface KpiPoint {
  value: number | null;
  lower: number | null;
  upper: number | null;
}
interface KpiHistory {
  versions: { version: number }[];
  links: { comparison: string | null }[];
  overall: (KpiPoint | null)[];
  lines: { label: string; keys: (number | null)[]; points: (KpiPoint | null)[] }[];
}
interface KpiDelta {
  kpi: string;
  a: number | null;
  b: number | null;
  delta: number | null;
  interval: { lower: number; upper: number } | null;
  significant: boolean | null;
}
interface FullKpi extends Kpi {
  evaluator: string;
}

const api = <T>(path: string, init: { method?: string; body?: unknown; key?: string } = {}) =>
  harness.api<T>(server, path, init);
const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs?: number) =>
  harness.waitFor(what, probe, timeoutMs, () => server.log());
const expectAccessible = (name: string) => harness.expectAccessible(page, name);
const shot = (name: string) => harness.shot(page, name);
const numberIn = (text: string) => Number(text.replace(/,/g, '').trim());
/** The page shows `value`, rounded to the digits it prints (2,054 for 2054.4; 0.0123 for 0.012345). */
function expectShown(text: string | null, value: number): void {
  const decimals = /\.(\d+)/.exec(text ?? '')?.[1].length ?? 0;
  expect(Math.abs(numberIn(text ?? '') - value)).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-9);
}
/** The `[lower, upper]` of an interval cell. */
const intervalIn = (text: string | null) => (text ?? '').replace(/[[\]]/g, '').split(', ');

/**
 * The tests of the demo's pages, in the caller's describe, on the server and browser `session` gives once its
 * beforeAll has run: a fresh embedded demo server, before any other test used it.
 */
export function demoPages(session: () => { server: harness.Server; context: BrowserContext; page: Page }): void {
  beforeAll(async () => {
    ({ server, context, page } = session());
    ({ base, key } = server);

    // Version 2 through the API, with another k, so the two versions differ.
    const v2 = await api<{ id: string }>('/segmentations/demo-kmeans-k3/runs', {
      method: 'POST',
      body: { params: { k: 4 }, seed: 12 },
    });
    await waitFor('run v2', async () =>
      (await api<{ status: string }>(`/runs/${v2.id}`)).status === 'succeeded' ? true : undefined,
    );
    runs = (await api<{ id: string; version: number }[]>('/segmentations/demo-kmeans-k3/runs')).sort(
      (a, b) => a.version - b.version,
    );
    expect(runs.map((r) => r.version)).toEqual([1, 2]);
    historyBeforeComparison = await api<KpiHistory>(
      '/segmentations/demo-kmeans-k3/kpi-history?kpi=average_order_value',
    );
  }, 600_000);

  it('logs in from the link, then the key is neither in the address bar nor in the server log', async () => {
    await page.goto(`${base}/ui/login#key=${key}`);
    await page.waitForURL(`${base}/ui/segmentations`);
    expect(page.url()).not.toContain(key);
    await expect(page.getByTestId('who').textContent()).resolves.toContain('admin');
    await page.getByRole('link', { name: 'demo-kmeans-k3' }).waitFor();
    await page.locator('tbody tr').first().getByRole('link', { name: 'v2' }).waitFor();
    await shot('segmentations');
    await expectAccessible('segmentations');
    expect(server.log()).not.toContain(key);
  });

  it('lists the versions as a timeline with their trigger and lets an analyst pick two to compare', async () => {
    await page.goto(`${base}/ui/segmentations/demo-kmeans-k3`);
    await page.getByTestId('version-2').waitFor();
    await expect(page.getByTestId('version-1').textContent()).resolves.toContain('manual');
    // Waited for (it shows once the session's role is known); a locator is strict, so there is exactly one.
    await page.getByRole('button', { name: 'Run a new version' }).waitFor();
    await shot('versions');
    await expectAccessible('versions');
  });

  it("shows a run's segment sizes and KPI values as the API gives them, and exports CSV and PNG", async () => {
    const run = runs[0];
    await page.goto(`${base}/ui/runs/${run.id}`);
    await page.getByTestId('kpi-table').waitFor();
    await page.locator('figure.chart canvas').first().waitFor();

    const segments = await api<Segment[]>(`/runs/${run.id}/segments`);
    for (const s of segments) {
      const size = await page.locator(`[data-testid=segment-sizes] tr[data-segment="${s.key}"] td.size`).textContent();
      expect(numberIn(size ?? '')).toBe(s.size);
    }
    const kpis = await api<Kpi[]>(`/runs/${run.id}/kpis`);
    const aov = kpis.find((k) => k.kpi === 'average_order_value' && k.segmentKey === segments[1].key) as Kpi;
    const cell = page.locator(`tr[data-kpi=average_order_value] td[data-segment="${segments[1].key}"]`);
    expect(numberIn((await cell.locator('.value').textContent()) ?? '')).toBeCloseTo(aov.value as number, 2);
    const [lower, upper] = ((await cell.locator('.interval').textContent()) ?? '')
      .replace(/[[\]]/g, '')
      .split(', ')
      .map(numberIn);
    expect(lower).toBeCloseTo(aov.interval?.lower as number, 2);
    expect(upper).toBeCloseTo(aov.interval?.upper as number, 2);
    await expect(page.locator('tr[data-kpi=cac]').textContent()).resolves.toContain('not available: needs');
    await expect(page.getByTestId('quality').textContent()).resolves.toContain('silhouette');

    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export assignments (CSV)' }).click(),
    ]);
    const lines = readFileSync((await csv.path()) as string, 'utf8')
      .trim()
      .split('\n');
    expect(lines[0]).toBe('customer_id,segment_key,segment,score');
    expect(lines.length - 1).toBe(segments.reduce((n, s) => n + s.size, 0));
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /Download Segment sizes.* as PNG/ }).click(),
    ]);
    expect(
      readFileSync((await png.path()) as string)
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');

    const customers = segments.reduce((n, s) => n + s.size, 0);
    // The assignments table is a query of its own: waited for, exactly one (a locator is strict).
    await page.getByText(`1–50 of ${customers.toLocaleString('en-US')}`).waitFor();
    await page.getByLabel('Segment', { exact: true }).selectOption(String(segments[2].key));
    await page.getByText(`1–50 of ${segments[2].size.toLocaleString('en-US')}`).waitFor();

    await shot('run');
    await expectAccessible('run');
  });

  it("compares two versions and shows the API's ARI, NMI and one-side counts", async () => {
    await page.goto(`${base}/ui/compare/${runs[0].id}/${runs[1].id}`);
    await page.getByTestId('ari').waitFor({ timeout: 120_000 });
    await page.getByTestId('sankey').locator('canvas').waitFor();
    const comparisons = await api<
      {
        runA: { id: string };
        runB: { id: string };
        status: string;
        metrics: { ari: number; nmi: number; matched: number; onlyInA: number };
      }[]
    >('/comparisons');
    const c = comparisons.find((x) => x.runA.id === runs[0].id && x.runB.id === runs[1].id && x.status === 'succeeded');
    expect(c).toBeDefined();
    await expect(page.getByTestId('ari').textContent()).resolves.toBe(c?.metrics.ari.toFixed(4));
    await expect(page.getByTestId('nmi').textContent()).resolves.toBe(c?.metrics.nmi.toFixed(4));
    expect(numberIn((await page.getByTestId('matched').textContent()) ?? '')).toBe(c?.metrics.matched);
    expect(numberIn((await page.getByTestId('only-a').textContent()) ?? '')).toBe(c?.metrics.onlyInA);
    await shot('compare');
    // The README's picture (docs/web-compare.png is a copy of it): the top of the compare view.
    await page.screenshot({
      path: join(harness.SHOTS, 'compare-readme.png'),
      clip: { x: 0, y: 0, width: 1400, height: 1000 },
    });
    await expectAccessible('compare');
  });

  it("shows each matched pair's KPI change as the evaluators' values and their intervals give it", async () => {
    await page.goto(`${base}/ui/compare/${runs[0].id}/${runs[1].id}`);
    await page.getByTestId('kpi-deltas-overall').waitFor({ timeout: 120_000 });
    const comparison = (
      await api<{ id: string; runA: { id: string }; runB: { id: string }; status: string }[]>('/comparisons')
    ).find((x) => x.runA.id === runs[0].id && x.runB.id === runs[1].id && x.status === 'succeeded') as { id: string };
    const { matching } = await api<{ matching: { pairs: { a: { key: number }; b: { key: number } }[] } }>(
      `/comparisons/${comparison.id}`,
    );
    const deltas = await api<{
      overall: KpiDelta[];
      pairs: { a: { key: number }; b: { key: number }; kpis: KpiDelta[] }[];
    }>(`/comparisons/${comparison.id}/kpi-deltas`);
    const [kpisA, kpisB] = [
      await api<FullKpi[]>(`/runs/${runs[0].id}/kpis`),
      await api<FullKpi[]>(`/runs/${runs[1].id}/kpis`),
    ];
    expect(deltas.pairs.map((p) => [p.a.key, p.b.key])).toEqual(matching.pairs.map((p) => [p.a.key, p.b.key]));

    for (const pair of matching.pairs) {
      // Independently: the two runs' stored AOV rows of the matched segments, and the MOVER interval
      // (Zou & Donner 2008): L = Δ − √((b − l_b)² + (u_a − a)²), U = Δ + √((u_b − b)² + (a − l_a)²).
      const a = kpisA.find((k) => k.kpi === 'average_order_value' && k.segmentKey === pair.a.key) as FullKpi;
      const b = kpisB.find((k) => k.kpi === 'average_order_value' && k.segmentKey === pair.b.key) as FullKpi;
      const [va, vb, ia, ib] = [
        a.value as number,
        b.value as number,
        a.interval as { lower: number; upper: number },
        b.interval as { lower: number; upper: number },
      ];
      const delta = vb - va;
      const lower = delta - Math.sqrt((vb - ib.lower) ** 2 + (ia.upper - va) ** 2);
      const upper = delta + Math.sqrt((ib.upper - vb) ** 2 + (va - ia.lower) ** 2);
      const fromApi = deltas.pairs
        .find((p) => p.a.key === pair.a.key && p.b.key === pair.b.key)
        ?.kpis.find((k) => k.kpi === 'average_order_value') as KpiDelta;
      expect([fromApi.a, fromApi.b, fromApi.delta]).toEqual([va, vb, expect.closeTo(delta, 9)]);
      expect([fromApi.interval?.lower, fromApi.interval?.upper]).toEqual([
        expect.closeTo(lower, 9),
        expect.closeTo(upper, 9),
      ]);
      expect(fromApi.significant).toBe(lower > 0 || upper < 0);

      const row = page.locator(
        `[data-testid="kpi-deltas-${pair.a.key}-${pair.b.key}"] tr[data-kpi=average_order_value]`,
      );
      expectShown(await row.locator('td.a').textContent(), va);
      expectShown(await row.locator('td.b').textContent(), vb);
      expectShown(await row.locator('td.delta').textContent(), delta);
      const [shownLower, shownUpper] = intervalIn(await row.locator('td.interval').textContent());
      expectShown(shownLower, lower);
      expectShown(shownUpper, upper);
      expect(
        ((await row.locator('td.significant').textContent()) ?? '').startsWith(
          lower > 0 || upper < 0 ? (delta > 0 ? '▲' : '▼') : 'no',
        ),
      ).toBe(true);
    }
    const overall = page.locator('[data-testid=kpi-deltas-overall] tr[data-kpi=average_order_value]');
    const aovA = kpisA.find((k) => k.kpi === 'average_order_value' && k.segmentKey === null)?.value as number;
    const aovB = kpisB.find((k) => k.kpi === 'average_order_value' && k.segmentKey === null)?.value as number;
    expectShown(await overall.locator('td.delta').textContent(), aovB - aovA);
    await shot('compare-kpis');
  });

  it('tracks a KPI across versions, each segment followed through the matching of the two versions', async () => {
    await page.goto(`${base}/ui/segmentations/demo-kmeans-k3/kpis?kpi=average_order_value`);
    await page.locator('figure.chart canvas').waitFor();
    await page.getByTestId('kpi-history').waitFor();
    await expect(page.locator('tbody').textContent()).resolves.toContain('All customers');
    const history = await api<KpiHistory>('/segmentations/demo-kmeans-k3/kpi-history?kpi=average_order_value');
    const comparison = (
      await api<{ id: string; runA: { id: string }; runB: { id: string }; status: string }[]>('/comparisons')
    ).find((x) => x.runA.id === runs[0].id && x.runB.id === runs[1].id && x.status === 'succeeded') as { id: string };
    // Linked by the stored comparison now, by the same matching computed from the assignments before it existed.
    expect([historyBeforeComparison.links[0].comparison, history.links[0].comparison]).toEqual([null, comparison.id]);
    expect(history.lines.map((l) => l.keys)).toEqual(historyBeforeComparison.lines.map((l) => l.keys));

    // Independently: every pair the comparison matched is one line from v1's segment to v2's (k 3 → 4: v2's spare segment starts a line of its own).
    const { matching } = await api<{ matching: { pairs: { a: { key: number }; b: { key: number } }[] } }>(
      `/comparisons/${comparison.id}`,
    );
    const chained = history.lines.filter((l) => l.keys[0] !== null && l.keys[1] !== null).map((l) => l.keys);
    expect(chained.sort()).toEqual(matching.pairs.map((p) => [p.a.key, p.b.key]).sort());
    expect(history.lines).toHaveLength(4);

    const [kpisA, kpisB] = [await api<Kpi[]>(`/runs/${runs[0].id}/kpis`), await api<Kpi[]>(`/runs/${runs[1].id}/kpis`)];
    const line = history.lines.findIndex((l) => l.keys[0] !== null && l.keys[1] !== null);
    const [k1, k2] = history.lines[line].keys;
    const expected = [
      kpisA.find((k) => k.kpi === 'average_order_value' && k.segmentKey === k1),
      kpisB.find((k) => k.kpi === 'average_order_value' && k.segmentKey === k2),
    ] as Kpi[];
    expect(history.lines[line].points.map((p) => p?.value)).toEqual(expected.map((k) => k.value));
    for (const [v, kpi] of expected.entries()) {
      const cell = page.locator(`tr[data-line="${line}"] td[data-version="${v + 1}"]`);
      expectShown(await cell.locator('.value').textContent(), kpi.value as number);
      const [lower, upper] = intervalIn(await cell.locator('.interval').textContent());
      expectShown(lower, kpi.interval?.lower as number);
      expectShown(upper, kpi.interval?.upper as number);
    }
    await shot('kpi-tracking');
    await expectAccessible('kpi-tracking');
  });

  it("looks a customer up: their segment in each version and their features beside their segment's mean", async () => {
    const { rows } = await api<{ rows: { customerId: string; segmentKey: number }[] }>(
      `/runs/${runs[1].id}/assignments/page?limit=1`,
    );
    const customer = rows[0];
    await page.goto(`${base}/ui/customers`);
    await page.getByLabel('Customer id').fill(customer.customerId);
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByTestId('customer-history').waitFor();
    await expect(page.getByTestId('customer-history').locator('tbody tr').count()).resolves.toBe(2);
    await page.getByTestId('customer-features').waitFor();

    const inRun = await api<{
      segment: { key: number };
      features: {
        name: string;
        value: number | null;
        segmentMean: number | null;
        overallMean: number | null;
        inModel: boolean;
      }[];
    }>(`/runs/${runs[1].id}/customers/${encodeURIComponent(customer.customerId)}`);
    expect(inRun.segment.key).toBe(customer.segmentKey);
    // Independently: the model's own profile (k-means: members' means in the data's units) and the dataset's feature statistics.
    const profile = (
      await api<{ key: number; profile: Record<string, number> }[]>(`/runs/${runs[1].id}/segments`)
    ).find((s) => s.key === customer.segmentKey)?.profile as Record<string, number>;
    const stats = await api<{ name: string; mean: number | null }[]>('/datasets/online-retail/features');
    const model = inRun.features.filter((f) => f.inModel);
    expect(model.map((f) => f.name).sort()).toEqual(['frequency', 'monetary', 'recency_days']);
    for (const f of model) {
      expect(f.segmentMean).toBeCloseTo(profile[f.name], 9);
      expect(f.overallMean).toBeCloseTo(stats.find((s) => s.name === f.name)?.mean as number, 9);
      const row = page.locator(`[data-testid=customer-features] tr[data-feature="${f.name}"]`);
      expectShown(await row.locator('td.value').textContent(), f.value as number);
      expectShown(await row.locator('td.segment-mean').textContent(), f.segmentMean as number);
      expectShown(await row.locator('td.overall-mean').textContent(), f.overallMean as number);
    }
    await shot('customer');
    await expectAccessible('customer');
  });

  it('hides from a viewer what a viewer may not do', async () => {
    const viewer = await api<{ key: string }>('/api-keys', {
      method: 'POST',
      body: { name: 'e2e viewer', role: 'viewer' },
    });
    const tab = await context.newPage();
    await tab.goto(`${base}/ui/segmentations/demo-kmeans-k3`);
    await tab.waitForURL(/\/ui\/login\?next=/);
    await tab.getByLabel('API key').fill(viewer.key);
    await tab.getByRole('button', { name: 'Log in' }).click();
    await tab.getByTestId('version-2').waitFor();
    await expect(tab.getByTestId('who').textContent()).resolves.toContain('viewer');
    await expect(tab.getByRole('button', { name: 'Run a new version' }).count()).resolves.toBe(0);
    await expect(tab.getByRole('button', { name: 'Make champion' }).count()).resolves.toBe(0);
    await tab.close();
  });
}
