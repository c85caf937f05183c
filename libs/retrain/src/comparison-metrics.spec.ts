import { createFeatureFrame, numeric } from '@workbench/plugin-sdk';
import { deriveComparisonMetrics } from './comparison-metrics';
import { driftReport } from './drift-report';
import { RetrainInputError } from './errors';
import { evaluatePromotionRule, parsePromotionRule } from './promotion-rule';
import { COMPARISON_METRIC_NAMES } from './comparison-metrics';

describe('deriveComparisonMetrics', () => {
  it('derives silhouette_drop = champion − candidate from the k-means `silhouette` metric', () => {
    const m = deriveComparisonMetrics({
      championMetrics: { silhouette: 0.52, k: 4 },
      candidateMetrics: { silhouette: 0.485, k: 5 },
    });
    expect(m.silhouette_champion).toBe(0.52);
    expect(m.silhouette_candidate).toBe(0.485);
    expect(m.silhouette_drop).toBeCloseTo(0.035, 15);
    expect([m.k_champion, m.k_candidate]).toEqual([4, 5]);
  });

  it('derives auc_gain = candidate − champion and the loss increases from the churn `auc`, `log_loss`, `brier` metrics', () => {
    const m = deriveComparisonMetrics({
      championMetrics: { auc: 0.81, log_loss: 0.45, brier: 0.15 },
      candidateMetrics: { auc: 0.83, log_loss: 0.43, brier: 0.16 },
    });
    expect(m.auc_gain).toBeCloseTo(0.02, 15);
    expect(m.log_loss_increase).toBeCloseTo(-0.02, 15);
    expect(m.brier_increase).toBeCloseTo(0.01, 15);
  });

  it('gives null, not 0, for what the inputs do not provide (silhouette stored as null, no drift)', () => {
    const m = deriveComparisonMetrics({
      ari: 0.9,
      championMetrics: { silhouette: null },
      candidateMetrics: { silhouette: 0.4 },
    });
    expect(m.ari).toBe(0.9);
    expect([
      m.nmi,
      m.silhouette_drop,
      m.auc_gain,
      m.max_psi,
      m.drifted_features,
      m.segment_psi,
      m.flagged_kpis,
    ]).toEqual([null, null, null, null, null, null, null]);
  });

  it('reads max_psi, drifted features, segment PSI and KPI shifts from the drift report', () => {
    const drift = driftReport({
      reference: createFeatureFrame(['a', 'b', 'c', 'd'], { x: numeric([1, 2, 3, 4]), y: numeric([1, 2, 3, 4]) }),
      candidate: createFeatureFrame(['a', 'b', 'c', 'd'], { x: numeric([9, 9, 9, 9]), y: numeric([1, 2, 3, 4]) }),
      segments: { champion: [{ label: 'A', size: 5 }], candidate: [{ label: 'A', size: 7 }] },
      kpis: {
        champion: [
          { segment: null, kpi: 'revenue', value: 100 },
          { segment: null, kpi: 'orders', value: 10 },
        ],
        candidate: [
          { segment: null, kpi: 'revenue', value: 80 },
          { segment: null, kpi: 'orders', value: 10.5 },
        ],
      },
    });
    const m = deriveComparisonMetrics({ drift });
    expect(m.max_psi).toBe(drift.maxPsi);
    expect(m.drifted_features).toBe(1);
    expect(m.segment_psi).toBe(0);
    expect(m.max_kpi_relative_change).toBeCloseTo(0.2, 15);
    expect(m.flagged_kpis).toBe(1);
  });

  it('has a value (possibly null) for every documented name', () => {
    expect(Object.keys(deriveComparisonMetrics({})).sort()).toEqual([...COMPARISON_METRIC_NAMES].sort());
  });

  it('rejects an NMI outside [0, 1]', () => {
    expect(() => deriveComparisonMetrics({ nmi: 1.5 })).toThrow(
      new RetrainInputError('nmi must be in [0, 1], got 1.5'),
    );
  });

  it('feeds a promotion rule end to end', () => {
    const rule = parsePromotionRule('ari >= 0.8 and silhouette_drop <= 0.02', COMPARISON_METRIC_NAMES);
    const metrics = deriveComparisonMetrics({
      ari: 0.93,
      championMetrics: { silhouette: 0.52 },
      candidateMetrics: { silhouette: 0.485 },
    });
    expect(evaluatePromotionRule(rule, metrics)).toMatchObject({
      promote: false,
      failing: ['silhouette_drop <= 0.02 (was 0.035)'],
    });
  });
});
