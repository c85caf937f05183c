// What the plugin's own specs and the workspace's benchmarks reach inside predictor-churn for
// (`@workbench/predictor-churn/internal`). Not the plugin's contract: the host loads only the declaration in index.ts.
export {
  ARTIFACT_FORMAT,
  decodeArtifact,
  encodeArtifact,
  loadNetwork,
  saveNetwork,
  type ChurnArtifact,
  type ChurnArtifactHeader,
} from './artifact';
export { chooseBackend, defaultLoaders, ensureBackend, type BackendLoaders, type BackendName } from './backend';
export { ChurnParams, MODEL_KINDS, TIER_METHODS, type ModelKind, type TierMethod } from './churn-params';
export {
  brierScore,
  calibrationTable,
  expectedCalibrationError,
  LOG_LOSS_EPS,
  logLoss,
  quantile,
  rocAuc,
  type CalibrationBin,
} from './metrics';
export {
  ADAM_BETA1,
  ADAM_BETA2,
  ADAM_EPSILON,
  adamState,
  adamStep,
  fitAdam,
  layerBlocks,
  lossAndGradient,
  type AdamFitOptions,
  type AdamFitResult,
  type AdamState,
  type LayerBlock,
} from './fit';
export {
  buildNetwork,
  countParameters,
  flatWeights,
  predictProbabilities,
  setFlatWeights,
  type NetworkSpec,
} from './network';
export {
  encodedColumnNames,
  encodeFrame,
  fitPreprocessing,
  labelVector,
  resolveFeatures,
  type CategoricalEncoding,
  type FeatureEncoding,
  type NumericEncoding,
  type Preprocessing,
} from './preprocessing';
export { seededPermutation, stratifiedHoldout, streamSeed, type HoldoutSplit } from './split';
export { assignTiers, TIER_LABELS, tierCuts } from './tiers';
export { assignChurn, evaluationMetrics, PLUGIN_NAME, prepareChurn, trainChurn } from './train';
