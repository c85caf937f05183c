// What the plugin's own specs and the workspace's benchmarks reach inside kpi-clv for
// (`@workbench/kpi-clv/internal`). Not the plugin's contract: the host loads only the declaration in index.ts.
export {
  assertValidHistory,
  bgNbdConditionalExpectedTransactions,
  bgNbdExpectedTransactions,
  bgNbdLogLikelihood,
  bgNbdLogLikelihoods,
  bgNbdPredictTransactions,
  bgNbdProbabilityAlive,
  fitBgNbd,
  type BgNbdFit,
  type BgNbdParams,
  type FitOptions,
  type PurchaseHistory,
} from './bg-nbd';
export {
  customerLifetimeValue,
  DAYS_PER_UNIT,
  modelUnitsPerPeriod,
  periodLength,
  TIME_UNITS,
  type ClvSchedule,
  type TimeUnit,
} from './clv';
export { evaluateClv, KPI_DEFINITIONS, PLUGIN_NAME } from './evaluate-clv';
export {
  assertValidSpendHistory,
  fitGammaGamma,
  gammaGammaConditionalExpectedSpend,
  gammaGammaLogLikelihood,
  gammaGammaPopulationMeanSpend,
  type GammaGammaFit,
  type GammaGammaParams,
  type SpendHistory,
} from './gamma-gamma';
export { KpiClvParams } from './kpi-clv-params';
export { minimizeNelderMead, type NelderMeadOptions, type NelderMeadResult } from './nelder-mead';
export { hyp2f1, lnGamma, logSumExp } from './special-functions';
