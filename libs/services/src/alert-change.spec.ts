import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config';
import { splitAtMedian } from './testing';
import { createWorkbench, type Workbench } from './workbench';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** Customers `ids` with `monetary` = their id (the revenue column) and `thrift` = −monetary. */
const customers = (ids: number[]) =>
  ['customer_id,monetary,thrift', ...ids.map((id) => `c${id},${id},${-id}`)].join('\n') + '\n';
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * `_change` metrics of KPI alerts, computed by hand: v1 splits customers 1..10 on monetary (median 6:
 * Low {1..5}, High {6..10}); v2 splits customers 1..12 on thrift (median −6: 'High' = thrift ≥ −6 =
 * {1..6}, 'Low' = {7..12}), so the Hungarian matching pairs v2's High with v1's Low (5 shared customers)
 * and v2's Low with v1's High (4), against their labels.
 *   revenue shares: v1 Low 15/55, High 40/55; v2 High 21/78, Low 57/78.
 *   matched: High (21/78 − 15/55) / (15/55) = −1/78; Low (57/78 − 40/55) / (40/55) = +1/208.
 *   by label it would be High 21·55/(78·40) − 1 ≈ −0.63 and Low 57·55/(78·15) − 1 ≈ +1.68.
 */
describe('KPI alerts on the change of a KPI against the previous version (SQLite, in-process queue)', () => {
  let wb: Workbench;
  beforeAll(async () => {
    const config = loadConfig({}, { home: mkdtempSync(join(tmpdir(), 'wb-alert-change-')), jobBackoffMs: 5 });
    wb = await createWorkbench(config, { plugins: [splitAtMedian], logger: quiet });
    await wb.startWorker();
  });
  afterAll(async () => {
    await wb?.close();
  });

  it("compares each segment with the previous version's matched segment, not its namesake", async () => {
    await wb.datasets.ingestCustomers({ dataset: 'shop', text: customers(range(1, 10)) });
    await wb.segmentations.create({ name: 'spend', plugin: 'test-split-median', dataset: 'shop', kpis: [] });
    const slipped = await wb.alerts.create(
      'spend',
      { rule: 'revenue_share_change < 0 and revenue_share_change > -0.1' },
      'test',
    );
    const grew = await wb.alerts.create('spend', { rule: 'customers_change > 0.1' }, 'test');
    await expect(wb.alerts.create('spend', { rule: 'churn_rate_change < 0' }, 'test')).rejects.toThrow(
      /^rule: .*churn_rate_change/,
    );

    const v1 = await wb.runs.waitFor((await wb.runs.submit('spend', { seed: 1 })).id);
    // A first version has nothing to change from: no change, no firing.
    expect([v1.status, (await wb.alerts.firings()).length]).toEqual(['succeeded', 0]);

    await wb.datasets.ingestCustomers({ dataset: 'shop', text: customers(range(1, 12)) });
    const v2 = await wb.runs.waitFor((await wb.runs.submit('spend', { seed: 1, params: { feature: 'thrift' } })).id);
    expect(v2.status).toBe('succeeded');
    const firings = await wb.alerts.firings();
    const of = (alertId: string) => firings.filter((f) => f.alert.id === alertId);
    expect(of(slipped.id).map((f) => [f.run.id, f.segments])).toEqual([
      [v2.id, [{ key: 1, label: 'High', values: { revenue_share_change: expect.closeTo(-1 / 78, 12) } }]],
    ]);
    // v2's High has 6 customers, v1's Low 5; v2's Low 6, v1's High 5: both grew by a fifth.
    expect(of(grew.id).map((f) => f.segments.map((s) => [s.label, s.values.customers_change]))).toEqual([
      [
        ['Low', expect.closeTo(0.2, 12)],
        ['High', expect.closeTo(0.2, 12)],
      ],
    ]);
    expect(of(slipped.id)[0].event?.details).toMatchObject({ baseline: { runId: v1.id, version: 1 } });
  });
});
