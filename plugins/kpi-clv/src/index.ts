import { defineKpiEvaluator } from '@workbench/plugin-sdk';
import { evaluateClv, KPI_DEFINITIONS, PLUGIN_NAME } from './evaluate-clv';
import { KpiClvParams } from './kpi-clv-params';

/** Customer-base KPIs from BG/NBD (purchases, P(alive)) and Gamma-Gamma (spend), and their discounted CLV, per segment. */
export default defineKpiEvaluator<KpiClvParams>({
  contractVersion: 1,
  manifest: {
    name: PLUGIN_NAME,
    version: '1.0.0',
    kind: 'kpi',
    sdk: '^1.0.0',
    description:
      'Fits BG/NBD (repeat purchases and dropout) and Gamma-Gamma (spend per purchase) on all customers and reports mean predicted purchases, P(alive), expected spend and discounted CLV per segment',
    params: KpiClvParams,
    requires: [],
    kpis: KPI_DEFINITIONS,
    examples: [
      {},
      { timeUnit: 'week', horizon: 12, horizonUnit: 'month', discountRatePerPeriod: 0.01 },
      {
        timeUnit: 'day',
        horizon: 52,
        horizonUnit: 'week',
        discountRatePerPeriod: 0.002,
        recencyFeature: 'recency_days',
        ageFeature: 'tenure_days',
      },
    ],
  },
  evaluate: (input, ctx) => evaluateClv(input, ctx),
});
