import { defineKpiEvaluator } from '@workbench/plugin-sdk';
import { evaluateStandard } from './evaluate-standard';
import { KPI_DEFINITIONS, PLUGIN_NAME } from './kpi-definitions';
import { KpiStandardParams } from './kpi-standard-params';

/** Standard descriptive KPIs per segment: size, orders, revenue, AOV, frequency, recency, CLV, repeat, retention, cohorts, CAC, CSAT, NPS. */
export default defineKpiEvaluator<KpiStandardParams>({
  contractVersion: 1,
  manifest: {
    name: PLUGIN_NAME,
    version: '1.0.0',
    kind: 'kpi',
    sdk: '^1.0.0',
    description:
      'Standard KPIs per segment and overall from transactions (orders, revenue, AOV, frequency, recency, historical CLV, repeat rate, retention and churn, cohort retention), marketing spend (CAC) and surveys (CSAT, NPS), with bootstrap (small groups), normal/delta-method (large groups) or Wilson intervals',
    params: KpiStandardParams,
    requires: [],
    kpis: KPI_DEFINITIONS,
    examples: [
      {},
      { windowDays: 365, activeDays: 30, marginRate: 0.35 },
      { bootstrapMaxCustomers: 0 },
      {
        channelFeature: 'channel',
        signupFeature: 'first_order_month',
        bootstrapResamples: 2000,
        confidenceLevel: 0.9,
        cohortMonths: 6,
      },
    ],
  },
  evaluate: (input, ctx) => evaluateStandard(input, ctx),
});
