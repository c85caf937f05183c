import { validateParams, type KpiResult } from '@workbench/plugin-sdk';
import { createTestRunContext } from '@workbench/plugin-sdk/testing';
import reference from '../test/reference/reference.json';
import { cdnowElog, onlineRetailSample, type RealDataInput } from '../test/retail-fixtures';
import { cohortRetentionMatrix } from './cohort-retention';
import plugin from './index';
import { KpiStandardParams } from './internal';

// Independent figures: test/reference/pandas_reference.py (pandas 1.5.3) on the raw CSVs, segment = customer id mod 3.
// Counts must be equal; sums of amounts agree to 1e-9 relative (pandas and we add in different orders).
type Reference = (typeof reference)['cdnowElog'];
const RELATIVE = 1e-9;

const pick = (results: KpiResult[], segmentKey: number | null, kpi: string) =>
  results.find((r) => r.segmentKey === segmentKey && r.kpi === kpi) as KpiResult;
const close = (actual: number | null, expected: number | null) => {
  if (expected === null) return expect(actual).toBeNull();
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(RELATIVE * Math.max(1, Math.abs(expected)));
};

async function evaluate(data: RealDataInput, ref: Reference | (typeof reference)['onlineRetailSample']) {
  const params = validateParams('kpi-standard', KpiStandardParams, {
    activeDays: ref.activeDays,
    cohortMonths: Object.keys(ref.segments.all.cohort).length,
    bootstrapResamples: 200,
    ...(ref.windowDays ? { windowDays: ref.windowDays } : {}),
  });
  const segments = [0, 1, 2].map((key) => ({
    key,
    label: `id mod 3 = ${key}`,
    size: data.segment.filter((s) => s === key).length,
    profile: {},
  }));
  return plugin.evaluate(
    {
      params,
      frame: data.frame,
      assignments: { segment: data.segment },
      segments,
      referenceDate: data.referenceDate,
      transactions: data.transactions,
    },
    createTestRunContext({ seed: 1 }),
  );
}

function checkAgainstPandas(
  name: string,
  load: () => Promise<RealDataInput>,
  ref: Reference | (typeof reference)['onlineRetailSample'],
) {
  describe(`kpi-standard on ${name} against pandas`, () => {
    let data: RealDataInput;
    let results: KpiResult[];
    beforeAll(async () => {
      data = await load();
      results = await evaluate(data, ref);
    });

    it('uses the reference date pandas uses', () => {
      expect(new Date(data.referenceDate).toISOString().replace('.000', '')).toBe(ref.referenceDate);
      expect(pick(results, null, 'revenue').window?.start).toBe(ref.windowStart.slice(0, 10));
    });

    for (const key of ['0', '1', '2', 'all'] as const) {
      const segmentKey = key === 'all' ? null : Number(key);
      it(`agrees on customers, orders, revenue, AOV, frequency, CLV, recency, repeat rate and retention for segment ${key}`, () => {
        const expected = ref.segments[key];
        expect(pick(results, segmentKey, 'customers').value).toBe(expected.customers);
        expect(pick(results, segmentKey, 'orders').value).toBe(expected.orders);
        close(pick(results, segmentKey, 'revenue').value, expected.revenue);
        close(pick(results, segmentKey, 'average_order_value').value, expected.aov);
        close(pick(results, segmentKey, 'purchase_frequency').value, expected.frequency);
        close(pick(results, segmentKey, 'historical_clv').value, expected.clv);
        close(pick(results, segmentKey, 'recency_days').value, expected.recency_days);
        close(pick(results, segmentKey, 'repeat_purchase_rate').value, expected.repeat_rate);
        expect(pick(results, segmentKey, 'repeat_purchase_rate').n).toBe(expected.purchasers);
        close(pick(results, segmentKey, 'retention_rate').value, expected.retention);
        expect(pick(results, segmentKey, 'retention_rate').n).toBe(expected.previously_active);
      });

      it(`agrees on the pooled cohort retention for segment ${key}`, () => {
        for (const [k, { eligible, active }] of Object.entries(
          ref.segments[key].cohort as Record<string, { eligible: number; active: number }>,
        )) {
          const result = pick(results, segmentKey, `cohort_retention_m${k}`);
          expect(result.n).toBe(eligible);
          close(result.value, eligible === 0 ? null : active / eligible);
        }
      });
    }

    it('agrees on the full cohort retention matrix', () => {
      const months = Object.keys(ref.segments.all.cohort).length;
      const matrix = cohortRetentionMatrix(data.transactions, {
        referenceDate: data.referenceDate,
        rowCount: data.frame.rowCount,
        maxMonths: months,
      });
      const expected = ref.cohortMatrix as Record<string, { size: number; retention: (number | null)[] }>;
      expect(matrix.cohorts).toEqual(Object.keys(expected));
      matrix.cohorts.forEach((cohort, c) => {
        expect(matrix.sizes[c]).toBe(expected[cohort].size);
        matrix.retention[c].forEach((value, k) => close(value, expected[cohort].retention[k]));
      });
    });

    it('has no NaN or infinite value, interval bound or window', () => {
      for (const r of results) {
        expect(r.value === null || Number.isFinite(r.value)).toBe(true);
        if (r.interval)
          expect(
            Number.isFinite(r.interval.lower) &&
              Number.isFinite(r.interval.upper) &&
              r.interval.lower <= r.interval.upper,
          ).toBe(true);
        if (r.window) expect(`${r.window.start}${r.window.end}`).not.toMatch(/NaN|Invalid/);
      }
    });

    it('reports CAC and survey KPIs as not available for this dataset', () => {
      expect(pick(results, null, 'cac').note).toMatch(/^not available: needs the input table 'marketing_spend'/);
      expect(pick(results, 2, 'nps').note).toMatch(/^not available: needs the input table 'survey'/);
    });
  });
}

checkAgainstPandas(
  'the Online Retail sample (order ids, cancellations; activeDays 3)',
  onlineRetailSample,
  reference.onlineRetailSample,
);
checkAgainstPandas(
  'the CDNOW event log (purchase days; windowDays 365, activeDays 90, 12 cohort months)',
  cdnowElog,
  reference.cdnowElog,
);
