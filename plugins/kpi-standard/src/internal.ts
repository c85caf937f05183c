// What the plugin's own specs and the workspace's benchmarks reach inside kpi-standard for
// (`@workbench/kpi-standard/internal`). Not the plugin's contract: the host loads only the declaration in index.ts.
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
export {
  customerActivity,
  segmentFigures,
  type CustomerActivity,
  type CustomerActivityOptions,
  type SegmentFigures,
} from './customer-activity';
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
