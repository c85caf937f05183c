export * from './comparison-metrics';
export * from './cron';
export * from './drift-report';
export * from './drift-thresholds';
export * from './feature-drift';
export * from './feature-summary';
export * from './kpi-shifts';
export * from './segment-shifts';
export * from './errors';
export * from './promotion-rule';
export {
  binIndex,
  categoricalPsi,
  DEFAULT_PSI_BINS,
  DEFAULT_PSI_EPSILON,
  numericPsi,
  psiFromCounts,
  quantileSorted,
  referenceQuantileEdges,
  type PsiBin,
  type PsiOptions,
  type NumericPsiOptions,
  type PsiTable,
} from './psi';
