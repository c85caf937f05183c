// What the plugin's own specs and the workspace's benchmarks reach inside segmenter-rules for
// (`@workbench/segmenter-rules/internal`). Not the plugin's contract: the host loads only the declaration in index.ts.
export { ARTIFACT_FORMAT, decodeArtifact, encodeArtifact, type RfmScoreModel, type RulesArtifact } from './artifact';
export {
  conditionText,
  evaluateRules,
  planSegments,
  ruleText,
  type RuleEvaluation,
  type SegmentPlan,
} from './rule-engine';
export {
  fitQuintiles,
  quintileOfRank,
  quintilesFromCuts,
  RFM_SEGMENT_MAP,
  rfmRules,
  scoreFromQuintile,
  type QuintileCut,
  type QuintileFit,
} from './rfm';
export {
  ConditionParams,
  DEFAULT_SEGMENT,
  OPS,
  resolveConfig,
  RFM_DEFAULT_FEATURES,
  RuleParams,
  RulesParams,
  type Condition,
  type Op,
  type Rule,
  type RulesConfig,
} from './rules-params';
export { assignRules, PLUGIN_NAME, trainRules } from './train';
