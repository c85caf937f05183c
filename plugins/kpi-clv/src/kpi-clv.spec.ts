import {
  createFeatureFrame,
  FeatureRequirementError,
  numeric,
  RunAbortedError,
  validateParams,
  type KpiResult,
} from '@workbench/plugin-sdk';
import { createTestRunContext, describeKpiEvaluatorConformance } from '@workbench/plugin-sdk/testing';
import { cdnowFrame, cdnowSummaryWithSpend, repeatCustomers } from '../test/cdnow';
import { bgNbdPredictTransactions, fitBgNbd } from './bg-nbd';
import { customerLifetimeValue } from './clv';
import { fitGammaGamma, gammaGammaConditionalExpectedSpend } from './gamma-gamma';
import plugin from './index';
import { KpiClvParams } from './internal';

// The CDNOW summary names its columns frequency and recency; the data lib's bgnbd@1 feature set (the default) names them x and t_x.
const params = (raw: Partial<KpiClvParams> = {}) =>
  validateParams('kpi-clv', KpiClvParams, { frequencyFeature: 'frequency', recencyFeature: 'recency', ...raw });
const pick = (results: KpiResult[], segmentKey: number | null, kpi: string) =>
  results.find((r) => r.segmentKey === segmentKey && r.kpi === kpi) as KpiResult;

/** Segment 0: no repeat purchase in calibration (x = 0); segment 1: repeat customers. */
function repeatSplit(frequency: Float64Array) {
  const segment = Int32Array.from(frequency, (x) => (x > 0 ? 1 : 0));
  const size = (k: number) => segment.filter((s) => s === k).length;
  return {
    assignments: { segment },
    segments: [
      { key: 0, label: 'one-time buyers', size: size(0), profile: {} },
      { key: 1, label: 'repeat buyers', size: size(1), profile: {} },
    ],
  };
}

// The first 300 CDNOW customers: real data the fits converge on, in a fraction of the time of all 2,357.
describeKpiEvaluatorConformance(plugin, {
  input: {
    frame: cdnowFrame(300),
    ...repeatSplit(cdnowSummaryWithSpend().frequency.subarray(0, 300)),
    referenceDate: Date.UTC(1997, 8, 30),
  },
  params: { frequencyFeature: 'frequency', recencyFeature: 'recency' },
});

describe('kpi-clv manifest', () => {
  it('is named kpi-clv and declares the four KPIs', () => {
    expect(plugin.manifest.kpis.map((k) => k.key)).toEqual([
      'predicted_purchases',
      'p_alive',
      'expected_avg_spend',
      'predictive_clv',
    ]);
  });

  it('defaults to weekly summaries and a 12-month horizon at 1% a month', () => {
    expect(params()).toMatchObject({
      timeUnit: 'week',
      horizon: 12,
      horizonUnit: 'month',
      discountRatePerPeriod: 0.01,
    });
  });

  it('refuses an unknown time unit and a negative discount rate, naming the fields', () => {
    expect(() => params({ horizonUnit: 'year' as never, discountRatePerPeriod: -0.1 })).toThrow(
      /horizonUnit.*discountRatePerPeriod|discountRatePerPeriod.*horizonUnit/,
    );
  });
});

describe('kpi-clv on CDNOW with a one-time vs repeat buyer split', () => {
  const frame = cdnowFrame();
  const summary = cdnowSummaryWithSpend();
  const split = repeatSplit(summary.frequency);
  let results: KpiResult[];
  let ctx: ReturnType<typeof createTestRunContext>;
  beforeAll(async () => {
    ctx = createTestRunContext();
    results = await plugin.evaluate({ params: params(), frame, ...split, referenceDate: Date.UTC(1997, 8, 30) }, ctx);
  });

  it('reports the four KPIs overall and for each segment', () => {
    expect(results).toHaveLength(12);
    expect(new Set(results.map((r) => r.segmentKey))).toEqual(new Set([null, 0, 1]));
  });

  it('gives an overall mean CLV equal to the mean of the per-customer CLV function', () => {
    const bg = fitBgNbd(summary);
    const gg = fitGammaGamma(repeatCustomers(summary));
    const spend = Float64Array.from(summary.frequency, (x, i) =>
      gammaGammaConditionalExpectedSpend(gg.params, x, summary.meanSpend[i]),
    );
    const clv = customerLifetimeValue(bg.params, summary, spend, {
      modelTimeUnit: 'week',
      periodUnit: 'month',
      horizonPeriods: 12,
      discountRatePerPeriod: 0.01,
    });
    const mean = clv.reduce((s, v) => s + v, 0) / clv.length;
    const overall = pick(results, null, 'predictive_clv');
    expect(overall.n).toBe(2357);
    expect(Math.abs((overall.value as number) / mean - 1)).toBeLessThan(1e-12);
  });

  it('gives an overall mean predicted purchases equal to the mean of the per-customer prediction over 12 calendar months', () => {
    const bg = fitBgNbd(summary);
    const predicted = bgNbdPredictTransactions(bg.params, (12 * 365.25) / 12 / 7, summary);
    expect(pick(results, null, 'predicted_purchases').value).toBeCloseTo(
      predicted.reduce((s, v) => s + v, 0) / predicted.length,
      12,
    );
  });

  it('counts 1411 one-time and 946 repeat customers', () => {
    expect(pick(results, 0, 'predictive_clv').n).toBe(1411);
    expect(pick(results, 1, 'predictive_clv').n).toBe(946);
    expect(pick(results, 1, 'expected_avg_spend').n).toBe(946);
  });

  it('gives the segment without repeat customers a null expected spend and says why', () => {
    const spend = pick(results, 0, 'expected_avg_spend');
    expect(spend.value).toBeNull();
    expect(spend.n).toBe(0);
    expect(spend.note).toMatch(/none of the 1411 customers has a repeat purchase/);
  });

  it("values the one-time buyers' CLV at the population mean spend and says so", () => {
    const clv = pick(results, 0, 'predictive_clv');
    expect(clv.value).toBeGreaterThan(0);
    expect(clv.note).toMatch(/population mean spend per purchase of the Gamma-Gamma model \(35\.17\)/);
  });

  it('gives one-time buyers P(alive) = 1, as the BG/NBD model does', () => {
    expect(pick(results, 0, 'p_alive').value).toBe(1);
    expect(pick(results, 1, 'p_alive').value).toBeLessThan(1);
  });

  it('states the fitted parameters in every note', () => {
    for (const r of results)
      expect(r.note).toMatch(
        /BG\/NBD fitted on 2357 customers \(time unit week\): r=0\.2426, α=4\.4135 weeks, a=0\.7929, b=2\.4258, LL=-9582\.43; Gamma-Gamma fitted on 946 repeat customers: p=6\.2488, q=3\.7446, γ=15\.447[78]/,
      ); // γ straddles 15.44775 (see gamma-gamma.spec)
  });

  it('weights the overall mean by segment size', () => {
    const overall = pick(results, null, 'predictive_clv').value as number;
    const [s0, s1] = [pick(results, 0, 'predictive_clv'), pick(results, 1, 'predictive_clv')];
    expect(overall).toBeCloseTo(((s0.value as number) * s0.n + (s1.value as number) * s1.n) / 2357, 10);
  });

  it('reports progress from 0 to 1', () => {
    expect(ctx.progressReports[0].fraction).toBe(0);
    expect(ctx.progressReports.at(-1)?.fraction).toBe(1);
  });
});

describe('kpi-clv input handling', () => {
  const small = () => {
    const s = cdnowSummaryWithSpend();
    const rows = [...Array(300).keys()];
    return createFeatureFrame(
      rows.map((i) => s.ids[i]),
      {
        repeat_orders: numeric(rows.map((i) => s.frequency[i])),
        last_order_days: numeric(rows.map((i) => s.recency[i] * 7)),
        tenure_days: numeric(rows.map((i) => s.T[i] * 7)),
        avg_value: numeric(rows.map((i) => (s.frequency[i] > 0 ? s.meanSpend[i] : Number.NaN))),
      },
    );
  };
  const dailyParams = {
    frequencyFeature: 'repeat_orders',
    recencyFeature: 'last_order_days',
    ageFeature: 'tenure_days',
    monetaryFeature: 'avg_value',
    timeUnit: 'day' as const,
  };

  it('reads configured feature names in days, allows a missing spend for x = 0, and reports an empty segment as null', async () => {
    const frame = small();
    const segments = [
      { key: 0, label: 'all', size: 300, profile: {} },
      { key: 1, label: 'nobody', size: 0, profile: {} },
    ];
    const results = await plugin.evaluate(
      { params: params(dailyParams), frame, assignments: { segment: new Int32Array(300) }, segments, referenceDate: 0 },
      createTestRunContext(),
    );
    expect(pick(results, 0, 'predictive_clv').value).toBeCloseTo(
      pick(results, null, 'predictive_clv').value as number,
      12,
    );
    const empty = pick(results, 1, 'p_alive');
    expect(empty.value).toBeNull();
    expect(empty.note).toMatch(/No customer of this frame is in this segment/);
    expect(pick(results, null, 'p_alive').note).toMatch(/time unit day/);
  });

  it('names a missing feature and the param that names it', async () => {
    await expect(
      plugin.evaluate(
        {
          params: params({ ...dailyParams, monetaryFeature: 'spend' }),
          frame: small(),
          assignments: { segment: new Int32Array(300) },
          segments: [],
          referenceDate: 0,
        },
        createTestRunContext(),
      ),
    ).rejects.toThrow(
      new FeatureRequirementError(
        "monetaryFeature: 'spend' is not in the data, even ignoring case, spaces and punctuation (available: repeat_orders, last_order_days, tenure_days, avg_value)",
      ),
    );
  });

  it("reads the features as the file spells them (CDNOW summary): the same fit as with the data's names", async () => {
    const frame = cdnowFrame();
    const one = {
      assignments: { segment: new Int32Array(frame.rowCount) },
      segments: [{ key: 0, label: 'all', size: frame.rowCount, profile: {} }],
      referenceDate: 0,
    };
    const fit = async (raw: Partial<KpiClvParams>) => {
      const overall = (await plugin.evaluate({ params: params(raw), frame, ...one }, createTestRunContext())).find(
        (r) => r.segmentKey === null && r.kpi === 'predictive_clv',
      ) as KpiResult;
      return [overall.value, overall.details];
    };
    const exact = await fit({
      frequencyFeature: 'frequency',
      recencyFeature: 'recency',
      ageFeature: 'T',
      monetaryFeature: 'monetary_value',
    });
    expect(
      await fit({
        frequencyFeature: 'Frequency',
        recencyFeature: 'RECENCY',
        ageFeature: 't',
        monetaryFeature: 'Monetary Value',
      }),
    ).toEqual(exact);
  });

  it('names the customer whose recency exceeds T', async () => {
    const frame = createFeatureFrame(['a', 'b', 'c', 'd', 'e'], {
      frequency: numeric([1, 0, 2, 1, 3]),
      recency: numeric([3, 0, 9, 2, 5]),
      T: numeric([10, 8, 8, 9, 9]),
      monetary_value: numeric([5, 0, 7, 3, 4]),
    });
    await expect(
      plugin.evaluate(
        { params: params(), frame, assignments: { segment: new Int32Array(5) }, segments: [], referenceDate: 0 },
        createTestRunContext(),
      ),
    ).rejects.toThrow(/recency of customer 'c' \(row 3\) is 9; it must lie in \[0, T = 8\]/);
  });

  it('stops with RunAbortedError when the run is aborted', async () => {
    const controller = new AbortController();
    controller.abort('cancelled');
    await expect(
      plugin.evaluate(
        {
          params: params(dailyParams),
          frame: small(),
          assignments: { segment: new Int32Array(300) },
          segments: [],
          referenceDate: 0,
        },
        createTestRunContext({ signal: controller.signal }),
      ),
    ).rejects.toThrow(RunAbortedError);
  });
});
