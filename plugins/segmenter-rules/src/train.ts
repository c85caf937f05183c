import {
  createFeatureFrame,
  FeatureRequirementError,
  numeric,
  resolveColumnName,
  throwIfAborted,
  type Assignments,
  type FeatureColumn,
  type FeatureFrame,
  type ModelArtifact,
  type PreparedModel,
  type RunContext,
  type SegmentDescription,
  type TrainedModel,
} from '@workbench/plugin-sdk';
import { decodeArtifact, encodeArtifact, type RfmScoreModel } from './artifact';
import {
  checkRuleFeatures,
  evaluateRules,
  featureSummaries,
  featuresUsed,
  planSegments,
  ruleText,
  unknownCategories,
  type RuleEvaluation,
  type SegmentPlan,
} from './rule-engine';
import {
  F_SCORE,
  fitQuintiles,
  M_SCORE,
  QUINTILES,
  minoritySides,
  quintilesFromCuts,
  R_SCORE,
  rfmRules,
  scoreFromQuintile,
} from './rfm';
import { resolveConfig, type Rule, type RulesConfig, type RulesParams } from './rules-params';

export const PLUGIN_NAME = 'segmenter-rules';

/** The three RFM scores: which param names the feature, and whether fewer is better. */
const RFM_SCORES = [
  { score: R_SCORE, param: 'recencyFeature', key: 'recency', descending: true },
  { score: F_SCORE, param: 'frequencyFeature', key: 'frequency', descending: false },
  { score: M_SCORE, param: 'monetaryFeature', key: 'monetary', descending: false },
] as const;

/** A numeric feature without missing values, or a FeatureRequirementError naming the param, the feature and the customer. */
function rfmFeatureValues(frame: FeatureFrame, feature: string, param: string): Float64Array {
  const column = frame.columns[feature];
  if (!column)
    throw new FeatureRequirementError(
      `${param}: feature '${feature}' is not in the data (available: ${Object.keys(frame.columns).join(', ')})`,
    );
  if (column.kind !== 'numeric')
    throw new FeatureRequirementError(
      `${param}: feature '${feature}' is categorical; RFM scores need a numeric feature`,
    );
  const i = column.values.findIndex((v) => Number.isNaN(v));
  if (i >= 0)
    throw new FeatureRequirementError(
      `${param}: feature '${feature}' is missing for customer '${frame.ids[i]}' (row ${i + 1}); impute or drop it first`,
    );
  if ((RFM_SCORES as readonly { score: string }[]).some((s) => s.score === feature)) {
    throw new FeatureRequirementError(`${param}: feature '${feature}' has the name of an RFM score column; rename it`);
  }
  return column.values;
}

/** The frame the RFM rules run on: the three scores, then the raw features (for the profiles). */
function rfmFrame(
  frame: FeatureFrame,
  scores: Float64Array[],
  raw: { feature: string; values: Float64Array }[],
): FeatureFrame {
  const columns: Record<string, FeatureColumn> = {};
  RFM_SCORES.forEach((s, j) => (columns[s.score] = { kind: 'numeric', values: scores[j] }));
  for (const r of raw) columns[r.feature] = numeric(r.values);
  return createFeatureFrame(frame.ids, columns);
}

/** One segment per key with its size, the rule(s) that make it, the feature summaries and its share of customers. */
function describeSegments(
  rules: readonly Rule[],
  plan: SegmentPlan,
  evaluation: RuleEvaluation,
  frame: FeatureFrame,
  profileFeatures: readonly string[],
): SegmentDescription[] {
  const k = plan.labels.length;
  const sizes = new Array<number>(k).fill(0);
  for (const s of evaluation.segment) sizes[s]++;
  const summaries = featureSummaries(frame, evaluation.segment, k, profileFeatures);
  return plan.labels.map((label, key) => {
    const own = rules.map((rule, i) => ({ rule, i })).filter(({ i }) => plan.ruleKeys[i] === key);
    const texts = own.map(({ rule }) => ruleText(rule));
    const indexes = own.map(({ i }) => String(i));
    if (key === plan.defaultKey) {
      texts.push('otherwise');
      indexes.push('default');
    }
    const text = texts.length === 1 ? texts[0] : texts.map((t) => (t.includes(' and ') ? `(${t})` : t)).join(' or ');
    const profile = {
      rule: text,
      rule_index: indexes.join(', '),
      ...summaries[key],
      share: frame.rowCount > 0 ? sizes[key] / frame.rowCount : 0,
    };
    return { key, label, size: sizes[key], profile };
  });
}

function ruleMetrics(rules: readonly Rule[], plan: SegmentPlan, evaluation: RuleEvaluation): Record<string, number> {
  const metrics: Record<string, number> = {
    rules: rules.length,
    segments: plan.labels.length,
    unmatched: evaluation.unmatched,
  };
  evaluation.firstMatches.forEach((count, i) => (metrics[`rule_${i}_matches`] = count));
  return metrics;
}

/** The rules with each condition's feature as the data spells it ('Recency Days' is the column 'recency_days'); the artifact stores these. */
function rulesOnColumns(rules: readonly Rule[], frame: FeatureFrame): Rule[] {
  return rules.map((rule, i) => ({
    ...rule,
    when: rule.when.map((c, j) => ({
      ...c,
      feature: resolveColumnName(frame, c.feature, `rules.${i}.when.${j}.feature (segment '${rule.segment}')`),
    })),
  }));
}

async function trainRuleSet(
  config: Extract<RulesConfig, { mode: 'rules' }>,
  frame: FeatureFrame,
  ctx: RunContext,
): Promise<TrainedModel> {
  const { defaultSegment } = config;
  const rules = rulesOnColumns(config.rules, frame);
  checkRuleFeatures(rules, frame);
  for (const note of unknownCategories(rules, frame)) ctx.log.warn(note);
  const plan = planSegments(rules, defaultSegment);
  const evaluation = evaluateRules(rules, plan, frame, (r) => {
    // The last unit is kept for the final report.
    ctx.progress((r + 1) / (rules.length + 1), `rule ${r} ('${rules[r].segment}')`);
    throwIfAborted(ctx.signal);
  });
  evaluation.firstMatches.forEach((count, i) => {
    if (count === 0)
      ctx.log.warn(
        `rule ${i} ('${rules[i].segment}') took no customer: its conditions never hold, or earlier rules take all who meet them`,
      );
  });
  const segments = describeSegments(rules, plan, evaluation, frame, featuresUsed(rules));
  ctx.log.info(
    `${rules.length} rules put ${frame.rowCount - evaluation.unmatched} of ${frame.rowCount} customers into rule segments; ${evaluation.unmatched} into '${defaultSegment}'`,
  );
  ctx.progress(1, 'done');
  throwIfAborted(ctx.signal);
  return {
    artifact: encodeArtifact({ mode: 'rules', segments: plan.labels, rules, defaultSegment, rfm: null }),
    segments,
    assignments: { segment: evaluation.segment },
    metrics: ruleMetrics(rules, plan, evaluation),
  };
}

async function trainRfm(
  config: Extract<RulesConfig, { mode: 'rfm' }>,
  frame: FeatureFrame,
  ctx: RunContext,
): Promise<TrainedModel> {
  const steps = RFM_SCORES.length + 2;
  const raw = RFM_SCORES.map((s) => {
    const feature = resolveColumnName(frame, config.features[s.key], s.param);
    return { feature, values: rfmFeatureValues(frame, feature, s.param) };
  });
  if (frame.rowCount < QUINTILES)
    throw new FeatureRequirementError(
      `RFM quintile scores need at least ${QUINTILES} customers, and the data has ${frame.rowCount}`,
    );
  const models: RfmScoreModel[] = [];
  const scores = RFM_SCORES.map((s, j) => {
    const fit = fitQuintiles(raw[j].values, frame.ids);
    models.push({ score: s.score, feature: raw[j].feature, descending: s.descending, cuts: fit.cuts });
    ctx.progress((j + 1) / steps, `${s.score} from ${raw[j].feature}`);
    throwIfAborted(ctx.signal);
    return scoreFromQuintile(fit.quintile, s.descending);
  });
  const scored = rfmFrame(frame, scores, raw);
  const rules = rfmRules();
  const plan = planSegments(rules, null);
  const evaluation = evaluateRules(rules, plan, scored);
  ctx.progress((steps - 1) / steps, 'segment map');
  throwIfAborted(ctx.signal);
  const segments = describeSegments(rules, plan, evaluation, scored, [
    R_SCORE,
    F_SCORE,
    M_SCORE,
    ...raw.map((r) => r.feature),
  ]);
  ctx.log.info(`RFM quintile scores of ${frame.rowCount} customers from ${raw.map((r) => r.feature).join(', ')}`);
  ctx.progress(1, 'done');
  throwIfAborted(ctx.signal);
  return {
    artifact: encodeArtifact({
      mode: 'rfm',
      segments: plan.labels,
      rules,
      defaultSegment: null,
      rfm: { scores: models },
    }),
    segments,
    assignments: { segment: evaluation.segment },
    metrics: ruleMetrics(rules, plan, evaluation),
  };
}

/**
 * Trains segmenter-rules (see the README): a rule set is checked against the frame and applied, first
 * match wins; the RFM preset scores R, F and M by rank quintiles and applies the segment map. No
 * randomness is involved, so the result is the same for every `ctx.seed`.
 */
export async function trainRules(params: RulesParams, frame: FeatureFrame, ctx: RunContext): Promise<TrainedModel> {
  throwIfAborted(ctx.signal);
  const config = resolveConfig(params);
  return config.mode === 'rules' ? trainRuleSet(config, frame, ctx) : trainRfm(config, frame, ctx);
}

/**
 * Applies a trained model to new data: the same rules; for RFM, scores from the TRAINING cut points (no
 * re-ranking), each customer on its own (see quintilesFromCuts), so scoring one gives its batch's and training's segment.
 */
export async function assignRules(artifact: ModelArtifact, frame: FeatureFrame, ctx: RunContext): Promise<Assignments> {
  return (await prepareRules(artifact, ctx)).assign(frame, ctx);
}

/** The artifact decoded and its segment plan built once, for scoring many frames (the host's online scoring). */
export async function prepareRules(artifact: ModelArtifact, ctx: RunContext): Promise<PreparedModel> {
  throwIfAborted(ctx.signal);
  const model = decodeArtifact(artifact);
  const plan = planSegments(model.rules, model.defaultSegment);
  const scoreModels = model.mode === 'rules' ? [] : (model.rfm as { scores: RfmScoreModel[] }).scores;
  const params = scoreModels.map((s) => RFM_SCORES.find((r) => r.score === s.score)?.param ?? s.score);
  const sides = scoreModels.map((s) => minoritySides(s.cuts));
  return {
    assign: async (frame, runCtx) => {
      throwIfAborted(runCtx.signal);
      if (model.mode === 'rules') {
        checkRuleFeatures(model.rules, frame);
        return { segment: evaluateRules(model.rules, plan, frame).segment };
      }
      const raw = scoreModels.map((s, j) => ({
        feature: s.feature,
        values: rfmFeatureValues(frame, s.feature, params[j]),
      }));
      const scores = scoreModels.map((s, j) =>
        scoreFromQuintile(quintilesFromCuts(raw[j].values, s.cuts, frame.ids, sides[j]), s.descending),
      );
      return { segment: evaluateRules(model.rules, plan, rfmFrame(frame, scores, raw)).segment };
    },
    dispose: () => undefined,
  };
}
