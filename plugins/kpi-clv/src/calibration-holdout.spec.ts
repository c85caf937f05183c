import {
  FeatureRequirementError,
  ParamsValidationError,
  validateParams,
  type JsonValue,
  type KpiResult,
} from '@workbench/plugin-sdk';
import { createTestRunContext } from '@workbench/plugin-sdk/testing';
import { cdnowFrame, cdnowSummary, cdnowTransactions } from '../test/cdnow';
import { calibrationFromTransactions } from './calibration';
import plugin from './index';
import { KpiClvParams } from './internal';

// Fader, Hardie & Lee (2005)'s study on CDNOW, from the transaction log: calibration 1997-01-01..1997-09-30
// (39 weeks), holdout 1997-10-01..1998-06-30 (39 weeks). Published values: shared/datasets/REFERENCE_RESULTS.md §1a.
const { frame, transactions } = cdnowTransactions();
const study = { observationEnd: '1997-09-30', holdoutEnd: '1998-06-30' };
const one = {
  assignments: { segment: new Int32Array(frame.rowCount) },
  segments: [{ key: 0, label: 'all', size: frame.rowCount, profile: {} }],
};
const evaluate = (raw: Partial<KpiClvParams>) =>
  plugin.evaluate(
    {
      params: validateParams('kpi-clv', KpiClvParams, raw),
      frame,
      transactions,
      referenceDate: Date.UTC(1998, 6, 1),
      ...one,
    },
    createTestRunContext(),
  );
const details = (results: KpiResult[]) =>
  (results.find((r) => r.segmentKey === null && r.kpi === 'predicted_purchases') as KpiResult).details as Record<
    string,
    Record<string, JsonValue>
  >;
const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('kpi-clv calibration end and holdout check (CDNOW)', () => {
  // One evaluation of the study, shared: a CDNOW evaluation takes seconds under Jest.
  let studyResults: Promise<KpiResult[]> | undefined;
  const evaluateStudy = () => (studyResults ??= evaluate(study));

  it('builds the calibration summary from the transactions as the published file has it (x equal, t_x and T within its 2-dp rounding)', () => {
    const built = calibrationFromTransactions(transactions, frame.rowCount, study.observationEnd, undefined, 'week');
    const published = cdnowSummary();
    expect(built.rows.length).toBe(2357);
    expect(built.withoutHistory).toBe(0);
    for (let i = 0; i < 2357; i++) {
      expect(built.history.frequency[i]).toBe(published.frequency[i]);
      expect(Math.abs(built.history.recency[i] - published.recency[i])).toBeLessThanOrEqual(0.005);
      expect(Math.abs(built.history.T[i] - published.T[i])).toBeLessThanOrEqual(0.005);
    }
  });

  it("fits BTYD's parameters and log-likelihood on the unrounded summary, as structured fields", async () => {
    const bg = details(await evaluateStudy()).bgNbd as Record<string, number | boolean>;
    // BTYD walkthrough §4.2 (fitted on unrounded times): 0.2425982, 4.4136842, 0.7929899, 2.4261667, LL −9582.429.
    expect(relative(bg.r as number, 0.2425982)).toBeLessThan(2e-4);
    expect(relative(bg.alpha as number, 4.4136842)).toBeLessThan(2e-4);
    expect(relative(bg.a as number, 0.7929899)).toBeLessThan(5e-4);
    expect(relative(bg.b as number, 2.4261667)).toBeLessThan(5e-4);
    expect(Math.abs((bg.logLikelihood as number) - -9582.429)).toBeLessThan(0.001);
    expect(bg.converged).toBe(true);
    expect(bg.customers).toBe(2357);
  });

  it("reproduces BTYD's calibration-vs-holdout table per calibration frequency 0..6, 7+", async () => {
    const holdout = details(await evaluateStudy()).holdout;
    expect([holdout.firstDay, holdout.lastDay, holdout.length]).toEqual(['1997-10-01', '1998-06-30', 39]);
    const buckets = holdout.byCalibrationFrequency as {
      frequency: string;
      customers: number;
      actual: number;
      predicted: number;
    }[];
    expect(buckets.map((b) => b.frequency)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    expect(buckets.map((b) => b.customers)).toEqual([1411, 439, 214, 100, 62, 38, 29, 64]);
    // Observed holdout means are counts: equal to BTYD's 4 dp.
    const actual = [0.2367, 0.697, 1.3925, 1.56, 2.5323, 2.9474, 3.8621, 6.3594];
    buckets.forEach((b, i) => expect(Math.abs(b.actual - actual[i])).toBeLessThan(5e-5));
    // BG/NBD conditional expectations: BTYD's to 4 dp, within the parameter difference above (≤ 2e-4).
    const predicted = [0.2251, 0.5231, 1.0441, 1.5203, 2.1638, 2.6538, 3.504, 6.157];
    buckets.forEach((b, i) => expect(Math.abs(b.predicted - predicted[i])).toBeLessThan(3e-4));
    // FHL 2005: correlation of conditional expectations with actual holdout purchases 0.626.
    expect(Math.abs((holdout.correlation as number) - 0.626)).toBeLessThan(5e-4);
    const overall = (await evaluateStudy()).filter((r) => r.segmentKey === null);
    expect(overall.every((r) => r.details === overall[0].details)).toBe(true);
    expect(holdout.actualPurchases).toBe(buckets.reduce((s, b) => s + Math.round(b.actual * b.customers), 0));
  });

  it('moves the calibration end: fewer purchases and a shorter T', async () => {
    const early = calibrationFromTransactions(transactions, frame.rowCount, '1997-06-30', undefined, 'week');
    const late = calibrationFromTransactions(transactions, frame.rowCount, '1997-09-30', undefined, 'week');
    expect(early.history.frequency.reduce((a, b) => a + b, 0)).toBeLessThan(
      late.history.frequency.reduce((a, b) => a + b, 0),
    );
    // Customer 1 first bought on 1997-01-01: T is 180 days to 1997-06-30, 272 to 1997-09-30.
    expect([early.history.T[0] * 7, late.history.T[0] * 7]).toEqual([180, 272]);
  });

  it('keeps the features path and its figures when observationEnd is absent (details say so)', async () => {
    const fromFeatures = details(
      await plugin.evaluate(
        {
          params: validateParams('kpi-clv', KpiClvParams, { frequencyFeature: 'frequency', recencyFeature: 'recency' }),
          frame: cdnowFrame(),
          referenceDate: 0,
          ...one,
        },
        createTestRunContext(),
      ),
    );
    expect(fromFeatures.calibration.source).toBe('features');
    expect(fromFeatures.holdout).toBeUndefined();
    expect((fromFeatures.bgNbd.logLikelihood as number).toFixed(4)).toBe('-9582.4256');
    expect(((fromFeatures.gammaGamma.p as number) - 6.248803) / 6.248803).toBeLessThan(1e-6);
  });

  it('refuses observationEnd without transactions, a holdoutEnd without or before observationEnd, and a date that is not one', async () => {
    await expect(
      plugin.evaluate(
        { params: validateParams('kpi-clv', KpiClvParams, study), frame, referenceDate: 0, ...one },
        createTestRunContext(),
      ),
    ).rejects.toThrow(
      new FeatureRequirementError(
        "observationEnd builds the calibration summary from the dataset's transactions, and this run has none; leave observationEnd out to use the features",
      ),
    );
    const problems = (raw: object) => {
      try {
        validateParams('kpi-clv', KpiClvParams, raw);
      } catch (e) {
        return (e as ParamsValidationError).problems;
      }
      return [];
    };
    expect(problems({ holdoutEnd: '1998-06-30' })).toEqual([
      {
        path: 'holdoutEnd',
        message: 'holdoutEnd needs observationEnd: the holdout period starts the day after the calibration period ends',
      },
    ]);
    expect(problems({ observationEnd: '1997-09-30', holdoutEnd: '1997-09-01' })).toEqual([
      { path: 'holdoutEnd', message: 'holdoutEnd (1997-09-01) must be after observationEnd (1997-09-30)' },
    ]);
    expect(problems({ observationEnd: '1997-02-30' })).toEqual([
      { path: 'observationEnd', message: 'observationEnd must be a real calendar date (YYYY-MM-DD)' },
    ]);
    expect(problems({ observationEnd: '30/09/1997' }).map((p) => p.path)).toContain('observationEnd');
  });
});
