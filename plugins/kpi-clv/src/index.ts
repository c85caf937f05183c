import { defineKpiEvaluator } from '@workbench/plugin-sdk';
import { evaluateClv, KPI_DEFINITIONS, PLUGIN_NAME } from './evaluate-clv';
import { KpiClvParams } from './kpi-clv-params';

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
export { customerLifetimeValue, DAYS_PER_UNIT, modelUnitsPerPeriod, periodLength, TIME_UNITS, type ClvSchedule, type TimeUnit } from './clv';
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
      { timeUnit: 'day', horizon: 52, horizonUnit: 'week', discountRatePerPeriod: 0.002, recencyFeature: 'recency_days', ageFeature: 'tenure_days' },
    ],
  },
  evaluate: (input, ctx) => evaluateClv(input, ctx),
});
