import { defineKpiEvaluator } from '@workbench/plugin-sdk';
import { evaluateStandard } from './evaluate-standard';
import { KPI_DEFINITIONS, PLUGIN_NAME } from './kpi-definitions';
import { KpiStandardParams } from './kpi-standard-params';

export { cacFigures, cacResults, type CacFigures } from './acquisition';
export { dayOf, monthIndexOfDay, monthLabel, monthStart, parseMonth } from './calendar';
export {
  cohortRetentionMatrix,
  customerCohorts,
  MAX_MATRIX_MONTHS,
  poolCohortRetention,
  type CohortRetentionMatrix,
  type CohortRetentionOptions,
  type CustomerCohorts,
  type PooledCohortRetention,
} from './cohort-retention';
export { customerActivity, segmentFigures, type CustomerActivity, type CustomerActivityOptions, type SegmentFigures } from './customer-activity';
export { evaluateStandard } from './evaluate-standard';
export {
  analyticCustomerIntervals,
  bootstrapCustomerStatistics,
  criticalValue,
  inverseNormalCdf,
  netPromoterInterval,
  normalMeanInterval,
  percentileInterval,
  sortedQuantile,
  wilsonInterval,
  type CustomerBootstrap,
  type CustomerIntervals,
  type Interval,
} from './intervals';
export { COHORT_KPI_PREFIX, KPI_DEFINITIONS, PLUGIN_NAME, SPEND_TABLE, SURVEY_TABLE } from './kpi-definitions';
export { KpiStandardParams, MAX_COHORT_MONTHS } from './kpi-standard-params';
export { satisfactionResults, surveyFigures, type SurveyFigures } from './satisfaction';
export { segmentLayout, type SegmentLayout } from './segment-layout';

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
      { channelFeature: 'channel', signupFeature: 'first_order_month', bootstrapResamples: 2000, confidenceLevel: 0.9, cohortMonths: 6 },
    ],
  },
  evaluate: (input, ctx) => evaluateStandard(input, ctx),
});
