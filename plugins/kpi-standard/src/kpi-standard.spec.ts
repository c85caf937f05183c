import {
  categorical,
  createFeatureFrame,
  numeric,
  validateParams,
  type FeatureFrame,
  type KpiResult,
  type TransactionColumns,
} from '@workbench/plugin-sdk';
import { createTestRunContext, describeKpiEvaluatorConformance } from '@workbench/plugin-sdk/testing';
import plugin from './index';
import { KpiStandardParams } from './internal';

const params = (raw: Partial<KpiStandardParams> = {}) => validateParams('kpi-standard', KpiStandardParams, raw);
const pick = (results: KpiResult[], segmentKey: number | null, kpi: string) => {
  const found = results.find((r) => r.segmentKey === segmentKey && r.kpi === kpi);
  if (!found) throw new Error(`no result ${kpi} for segment ${segmentKey}`);
  return found;
};
const at = (iso: string) => Date.parse(`${iso}T12:00:00Z`);
const REFERENCE = Date.UTC(2024, 6, 1); // 2024-07-01

/**
 * Five customers; A, B in segment 0, C, D, E in segment 1. Reference 2024-07-01; with activeDays 30 the
 * previous window is [2024-05-02, 2024-06-01) and the current one [2024-06-01, 2024-07-01).
 *   A: order 0 on 01-15 (two lines 10 + 20), order 1 on 05-10 (50), return line of order 2 on 05-20 (−10),
 *      order 3 on 06-10 (40), and order 9 on 07-05 (999, after the reference date: left out).
 *   B: order 4 on 03-05 (100).
 *   C: order 5 on 05-15 (60), order 6 on 05-25 (20).
 *   D: order 7 on 06-20 (15), return line of order 8 on 06-25 (−5).
 *   E: no transaction. One line (500) of a customer outside the frame (row −1): left out.
 */
const lines: [row: number, order: number, day: string, amount: number, isReturn: 0 | 1][] = [
  [0, 0, '2024-01-15', 10, 0],
  [0, 0, '2024-01-15', 20, 0],
  [0, 1, '2024-05-10', 50, 0],
  [0, 2, '2024-05-20', -10, 1],
  [0, 3, '2024-06-10', 40, 0],
  [0, 9, '2024-07-05', 999, 0],
  [1, 4, '2024-03-05', 100, 0],
  [2, 5, '2024-05-15', 60, 0],
  [2, 6, '2024-05-25', 20, 0],
  [3, 7, '2024-06-20', 15, 0],
  [3, 8, '2024-06-25', -5, 1],
  [-1, 10, '2024-06-01', 500, 0],
];
const transactions: TransactionColumns = {
  customerRow: Int32Array.from(lines, (l) => l[0]),
  order: Int32Array.from(lines, (l) => l[1]),
  timestamp: Float64Array.from(lines, (l) => at(l[2])),
  amount: Float64Array.from(lines, (l) => l[3]),
  isReturn: Uint8Array.from(lines, (l) => l[4]),
};
const frame: FeatureFrame = createFeatureFrame(['A', 'B', 'C', 'D', 'E'], {
  acquisition_channel: categorical(['search', 'social', 'search', 'search', 'organic']),
  signup_month: categorical(['2024-01', '2024-03', '2024-01', '2024-05', '2024-03']),
});
const assignments = { segment: Int32Array.from([0, 0, 1, 1, 1]) };
const segments = [
  { key: 0, label: 'first', size: 2, profile: {} },
  { key: 1, label: 'second', size: 3, profile: {} },
];
const evaluate = (
  p: Partial<KpiStandardParams> = {},
  extra: { tables?: Record<string, FeatureFrame>; withoutTransactions?: boolean } = {},
) =>
  plugin.evaluate(
    {
      params: params({ activeDays: 30, ...p }),
      frame,
      assignments,
      segments,
      referenceDate: REFERENCE,
      transactions: extra.withoutTransactions ? undefined : transactions,
      tables: extra.tables,
    },
    createTestRunContext({ seed: 7 }),
  );

describeKpiEvaluatorConformance(plugin, {
  input: { frame, assignments, segments, referenceDate: REFERENCE, transactions },
  params: { activeDays: 30 },
});

describe('kpi-standard manifest', () => {
  it('defines every KPI in a sentence', () => {
    for (const d of plugin.manifest.kpis) expect(d.definition.length).toBeGreaterThan(20);
  });

  it('defaults to a 90-day activity window, 1000 resamples up to 20 000 customers and 95% intervals', () => {
    expect(params()).toMatchObject({
      activeDays: 90,
      bootstrapResamples: 1000,
      bootstrapMaxCustomers: 20_000,
      confidenceLevel: 0.95,
      cohortMonths: 12,
    });
  });

  it('refuses a margin rate above 1 and a zero activity window, naming the fields', () => {
    expect(() => params({ marginRate: 1.5, activeDays: 0 })).toThrow(
      /marginRate[\s\S]*activeDays|activeDays[\s\S]*marginRate/,
    );
  });
});

describe('kpi-standard on the hand-computed fixture, whole history', () => {
  let results: KpiResult[];
  beforeAll(async () => {
    results = await evaluate();
  });

  it('reports every result with the unit of its manifest definition and never NaN', () => {
    const units = new Map(plugin.manifest.kpis.map((d) => [d.key, d.unit]));
    for (const r of results) {
      expect(r.unit).toBe(units.get(r.kpi));
      expect(r.value === null || Number.isFinite(r.value)).toBe(true);
      if (r.value === null) expect(r.note).toMatch(/^(not available|not computable)/);
    }
  });

  it('counts customers and shares: 2 and 3 of 5', () => {
    expect([
      pick(results, 0, 'customers').value,
      pick(results, 1, 'customers').value,
      pick(results, null, 'customers').value,
    ]).toEqual([2, 3, 5]);
    expect(pick(results, 0, 'customer_share').value).toBeCloseTo(0.4, 12);
    expect(pick(results, 1, 'customer_share').value).toBeCloseTo(0.6, 12);
  });

  it('counts distinct purchase orders, not return lines: A 3 + B 1 = 4, C 2 + D 1 = 3', () => {
    expect(pick(results, 0, 'orders').value).toBe(4);
    expect(pick(results, 1, 'orders').value).toBe(3);
    expect(pick(results, null, 'orders').value).toBe(7);
  });

  it('nets returns against revenue: A 30 + 50 − 10 + 40 = 110, B 100; C 80, D 15 − 5 = 10', () => {
    expect(pick(results, 0, 'revenue').value).toBeCloseTo(210, 12);
    expect(pick(results, 1, 'revenue').value).toBeCloseTo(90, 12);
    expect(pick(results, null, 'revenue').value).toBeCloseTo(300, 12);
    expect(pick(results, 0, 'revenue_share').value).toBeCloseTo(0.7, 12);
  });

  it('gives AOV = revenue / orders: 210 / 4 = 52.5, 90 / 3 = 30, 300 / 7', () => {
    expect(pick(results, 0, 'average_order_value').value).toBeCloseTo(52.5, 12);
    expect(pick(results, 1, 'average_order_value').value).toBeCloseTo(30, 12);
    expect(pick(results, null, 'average_order_value').value).toBeCloseTo(300 / 7, 12);
  });

  it('gives frequency = orders / customers, counting E as 0: 4 / 2 = 2, 3 / 3 = 1', () => {
    expect(pick(results, 0, 'purchase_frequency').value).toBeCloseTo(2, 12);
    expect(pick(results, 1, 'purchase_frequency').value).toBeCloseTo(1, 12);
  });

  it('gives recency over customers with a purchase: A 21, B 118 → 69.5; C 37, D 11 → 24 (n = 2)', () => {
    // A: 06-10 → 07-01 = 21 days; B: 03-05 → 07-01 = 27 + 30 + 31 + 30 = 118; C: 05-25 → 07-01 = 37; D: 06-20 → 07-01 = 11.
    expect(pick(results, 0, 'recency_days').value).toBeCloseTo(69.5, 12);
    expect(pick(results, 1, 'recency_days')).toMatchObject({ value: 24, n: 2 });
    expect(pick(results, null, 'recency_days').value).toBeCloseTo(187 / 4, 12);
  });

  it('gives historical CLV = revenue / customers: 105 and 30', () => {
    expect(pick(results, 0, 'historical_clv').value).toBeCloseTo(105, 12);
    expect(pick(results, 1, 'historical_clv').value).toBeCloseTo(30, 12);
  });

  it('gives the repeat-purchase rate over purchasing customers: A of {A, B} = 0.5, C of {C, D} = 0.5', () => {
    expect(pick(results, 0, 'repeat_purchase_rate')).toMatchObject({ value: 0.5, n: 2 });
    expect(pick(results, 1, 'repeat_purchase_rate')).toMatchObject({ value: 0.5, n: 2 });
  });

  it('retains A (05-10 and 06-10) and churns C (05-15, 05-25, nothing in June): 1, 0, overall 1 of 2', () => {
    expect(pick(results, 0, 'retention_rate')).toMatchObject({
      value: 1,
      n: 1,
      window: { start: '2024-06-01', end: '2024-07-01' },
    });
    expect(pick(results, 0, 'churn_rate').value).toBe(0);
    expect(pick(results, 1, 'retention_rate').value).toBe(0);
    expect(pick(results, 1, 'churn_rate').value).toBe(1);
    expect(pick(results, null, 'retention_rate')).toMatchObject({ value: 0.5, n: 2 });
  });

  it('reports the window from the first transaction day to the reference date', () => {
    expect(pick(results, null, 'revenue').window).toEqual({ start: '2024-01-15', end: '2024-07-01' });
  });

  it('gives Wilson intervals for rates and bootstrap percentile intervals for AOV, frequency and CLV', () => {
    expect(pick(results, null, 'retention_rate').interval?.method).toBe('Wilson score 95%');
    expect(pick(results, null, 'average_order_value').interval?.method).toMatch(
      /^bootstrap 95% percentile, 1000 resamples/,
    );
    expect(pick(results, null, 'purchase_frequency').interval?.method).toMatch(/^bootstrap/);
    const clv = pick(results, null, 'historical_clv');
    expect(clv.interval!.lower).toBeLessThanOrEqual(clv.value!);
    expect(clv.interval!.upper).toBeGreaterThanOrEqual(clv.value!);
  });

  it('pools cohort retention: month 4 after acquisition is A in May, 1 of 1; month 1 is 0 of A, B, C', () => {
    // Acquisition months A 01, B 03, C 05, D 06; the last complete month is June.
    // Month 1 is complete for A (Feb), B (Apr), C (Jun), none bought again then. Month 4: only A (May) is complete; A bought.
    expect(pick(results, null, 'cohort_retention_m1')).toMatchObject({ value: 0, n: 3 });
    expect(pick(results, null, 'cohort_retention_m3')).toMatchObject({ value: 0, n: 2 });
    expect(pick(results, null, 'cohort_retention_m4')).toMatchObject({ value: 1, n: 1 });
    expect(pick(results, null, 'cohort_retention_m5')).toMatchObject({ value: 1, n: 1 });
    expect(pick(results, null, 'cohort_retention_m6').value).toBeNull();
    expect(pick(results, 1, 'cohort_retention_m2').value).toBeNull();
  });

  it('is deterministic given the seed', async () => {
    const again = await evaluate();
    expect(again).toEqual(results);
  });
});

describe('kpi-standard with params', () => {
  it('limits orders, revenue and repeat rate to the window: 60 days keep A 50 − 10 + 40 and orders 1, 3', async () => {
    const results = await evaluate({ windowDays: 60 });
    expect(pick(results, 0, 'revenue').value).toBeCloseTo(80, 12);
    expect(pick(results, 0, 'orders').value).toBe(2);
    expect(pick(results, 0, 'average_order_value').value).toBeCloseTo(40, 12);
    expect(pick(results, 0, 'repeat_purchase_rate')).toMatchObject({ value: 1, n: 1 });
    expect(pick(results, 0, 'recency_days').value).toBeCloseTo(69.5, 12);
    expect(pick(results, 0, 'revenue').window).toEqual({ start: '2024-05-02', end: '2024-07-01' });
  });

  it('makes CLV margin-based with marginRate: 210 × 0.4 / 2 = 42', async () => {
    const results = await evaluate({ marginRate: 0.4 });
    expect(pick(results, 0, 'historical_clv').value).toBeCloseTo(42, 12);
    expect(pick(results, 0, 'historical_clv').note).toMatch(/^Margin-based/);
  });

  it('leaves the bootstrap intervals out with bootstrapResamples = 0', async () => {
    const results = await evaluate({ bootstrapResamples: 0 });
    expect(pick(results, null, 'average_order_value').interval).toBeUndefined();
  });

  it('switches from the bootstrap to analytic intervals above bootstrapMaxCustomers (segment 0: 2 customers, 1: 3, all: 5)', async () => {
    const methods = (results: KpiResult[], key: number | null) =>
      (['average_order_value', 'purchase_frequency', 'historical_clv'] as const).map(
        (kpi) => pick(results, key, kpi).interval?.method ?? '',
      );
    const atTwo = await evaluate({ bootstrapMaxCustomers: 2 });
    for (const m of methods(atTwo, 0)) expect(m).toMatch(/^bootstrap 95% percentile, 1000 resamples/);
    for (const key of [1, null]) {
      const [aov, frequency, clv] = methods(atTwo, key);
      expect(aov).toMatch(/^delta method, 95%/);
      expect(frequency).toMatch(/^normal approximation \(CLT\), 95%/);
      expect(clv).toMatch(/^normal approximation \(CLT\), 95%/);
    }
    // "More than": a group of exactly bootstrapMaxCustomers customers is still bootstrapped.
    const atThree = await evaluate({ bootstrapMaxCustomers: 3 });
    for (const m of methods(atThree, 1)) expect(m).toMatch(/^bootstrap/);
    expect(methods(atThree, null)[0]).toMatch(/^delta method/);
    // A segment's bootstrap does not depend on whether the other groups were bootstrapped.
    expect(pick(atTwo, 0, 'purchase_frequency').interval).toEqual(
      pick(await evaluate(), 0, 'purchase_frequency').interval,
    );
  });

  it('gives analytic intervals everywhere with bootstrapMaxCustomers = 0: overall frequency 7/5 ± z·√(1.3/5)', async () => {
    // Orders per customer A 3, B 1, C 2, D 1, E 0: mean 1.4, s² = (1.6² + 0.4² + 0.6² + 0.4² + 1.4²)/4 = 1.3.
    const results = await evaluate({ bootstrapMaxCustomers: 0 });
    for (const key of [0, 1, null]) {
      expect(pick(results, key, 'average_order_value').interval?.method).toMatch(/^delta method/);
      expect(pick(results, key, 'purchase_frequency').interval?.method).toMatch(/^normal approximation \(CLT\)/);
      expect(pick(results, key, 'historical_clv').interval?.method).toMatch(/^normal approximation \(CLT\)/);
    }
    const frequency = pick(results, null, 'purchase_frequency');
    expect(frequency.value).toBeCloseTo(1.4, 12);
    expect(frequency.interval!.lower).toBeCloseTo(1.4 - 1.959963984540054 * Math.sqrt(1.3 / 5), 7);
    expect(frequency.interval!.upper).toBeCloseTo(1.4 + 1.959963984540054 * Math.sqrt(1.3 / 5), 7);
  });
});

describe('kpi-standard without optional inputs', () => {
  it('reports transaction KPIs as not available when the dataset has no transactions', async () => {
    const results = await evaluate({}, { withoutTransactions: true });
    for (const kpi of ['orders', 'revenue', 'average_order_value', 'retention_rate', 'cohort_retention_m1']) {
      expect(pick(results, 0, kpi)).toMatchObject({
        value: null,
        note: 'not available: needs the transactions table of the dataset',
      });
    }
    expect(pick(results, 0, 'customers').value).toBe(2);
  });

  it('reports CAC, CSAT and NPS as not available, never zero, without their tables', async () => {
    const results = await evaluate();
    expect(pick(results, 0, 'cac')).toMatchObject({
      value: null,
      note: "not available: needs the input table 'marketing_spend' (channel, period 'YYYY-MM', spend)",
    });
    for (const kpi of ['csat_mean', 'csat_satisfied_share', 'nps']) {
      expect(pick(results, null, kpi)).toMatchObject({
        value: null,
        note: "not available: needs the input table 'survey' (customer_id, csat, nps)",
      });
    }
  });

  it('names the missing customer column when the spend table is there', async () => {
    const spend = createFeatureFrame(['1'], {
      channel: categorical(['search']),
      period: categorical(['2024-01']),
      spend: numeric([10]),
    });
    const results = await evaluate({ channelFeature: 'source' }, { tables: { marketing_spend: spend } });
    expect(pick(results, null, 'cac').note).toBe(
      "not available: needs a customer column named by param channelFeature: 'source' is not in the data, even ignoring case, spaces and punctuation (available: acquisition_channel, signup_month)",
    );
  });
});

describe('kpi-standard CAC', () => {
  /**
   * Spend: (search, 2024-01) 300 over A and C → 150 each; (social, 2024-03) 200 → B; (search, 2024-03) 50
   * and (tv, 2024-03) 70 have no acquired customer → unattributed. Covered months Jan and Mar: D (May) is
   * not counted; E (organic, Mar) is acquired at zero cost.
   * Segment 0: (150 + 200) / {A, B} = 175; segment 1: 150 / {C, E} = 75; all: 500 / 4 = 125.
   */
  const spend = createFeatureFrame(['1', '2', '3', '4'], {
    channel: categorical(['search', 'social', 'search', 'tv']),
    period: categorical(['2024-01', '2024-03', '2024-03', '2024-03']),
    spend: numeric([300, 200, 50, 70]),
  });

  it('splits each (channel, month) cell over its acquired customers', async () => {
    const results = await evaluate({}, { tables: { marketing_spend: spend } });
    expect(pick(results, 0, 'cac')).toMatchObject({ value: 175, n: 2 });
    expect(pick(results, 1, 'cac')).toMatchObject({ value: 75, n: 2 });
    expect(pick(results, null, 'cac')).toMatchObject({
      value: 125,
      n: 4,
      window: { start: '2024-01-01', end: '2024-04-01' },
    });
    expect(pick(results, null, 'cac').note).toMatch(
      /120\.00 of it fell in \(channel, month\) cells without an acquired customer/,
    );
  });

  it('reads channelFeature and signupFeature as the file spells them', async () => {
    const results = await evaluate(
      { channelFeature: 'Acquisition Channel', signupFeature: 'SIGNUP_MONTH' },
      { tables: { marketing_spend: spend } },
    );
    expect([0, 1, null].map((key) => pick(results, key, 'cac').value)).toEqual([175, 75, 125]);
  });
});

describe('kpi-standard satisfaction', () => {
  /**
   * Responses: A 5/10 and 3/7, B 4/6, C 2/9 and 7 (outside 1–5, left out)/–, D –/8, Z (not a customer) 5/–.
   * Segment 0 csat 5, 3, 4 → mean 4, satisfied 2/3; nps 10 promoter, 7 passive, 6 detractor → 0.
   * Segment 1 csat 2 → mean 2, satisfied 0/1; nps 9 promoter, 8 passive → 50.
   * All: csat mean 14/4 = 3.5, satisfied 2/4; nps (2 − 1)/5 = 20.
   */
  const survey = createFeatureFrame(['0', '1', '2', '3', '4', '5', '6'], {
    customer_id: categorical(['A', 'A', 'B', 'C', 'C', 'D', 'Z']),
    csat: numeric([5, 3, 4, 2, 7, null, 5]),
    nps: numeric([10, 7, 6, 9, null, 8, null]),
  });
  let results: KpiResult[];
  beforeAll(async () => {
    results = await evaluate({}, { tables: { survey } });
  });

  it('gives the mean csat with a normal interval and the satisfied share with a Wilson interval', () => {
    expect(pick(results, 0, 'csat_mean')).toMatchObject({ value: 4, n: 3 });
    expect(pick(results, 0, 'csat_mean').interval?.method).toMatch(/^normal approximation/);
    expect(pick(results, 0, 'csat_satisfied_share').value).toBeCloseTo(2 / 3, 12);
    expect(pick(results, null, 'csat_mean')).toMatchObject({ value: 3.5, n: 4 });
    expect(pick(results, null, 'csat_satisfied_share').value).toBe(0.5);
  });

  it('gives NPS as % promoters − % detractors', () => {
    expect(pick(results, 0, 'nps')).toMatchObject({ value: 0, n: 3 });
    expect(pick(results, 1, 'nps')).toMatchObject({ value: 50, n: 2 });
    expect(pick(results, null, 'nps')).toMatchObject({ value: 20, n: 5 });
    expect(pick(results, null, 'nps').interval?.method).toMatch(/^Wald/);
  });

  it('leaves out answers outside the scale and responses of unknown customers, saying so', () => {
    expect(pick(results, 1, 'csat_mean').note).toMatch(
      /1 csat answer\(s\) outside 1–5 are left out\. 1 response\(s\) from customer ids outside this run/,
    );
  });

  it('reports a missing nps column as not available', async () => {
    const csatOnly = createFeatureFrame(['0'], { customer_id: categorical(['A']), csat: numeric([4]) });
    const only = await evaluate({}, { tables: { survey: csatOnly } });
    expect(pick(only, 0, 'nps')).toMatchObject({
      value: null,
      note: "not available: needs a numeric column 'nps' (0–10) in table 'survey'",
    });
    expect(pick(only, 0, 'csat_mean').value).toBe(4);
  });
});
