import { FeatureRequirementError, type FeatureColumn, type FeatureFrame } from '@workbench/plugin-sdk';
import type { Condition, Rule } from './rules-params';

/**
 * Segment keys of a rule set: segments in rule order, deduplicated by name (two rules may share a
 * segment), then the default segment — which joins an earlier segment of the same name. Every segment
 * is listed even when no customer lands in it, so keys stay the same from run to run.
 */
export interface SegmentPlan {
  /** Label of each key 0..k-1. */
  labels: string[];
  /** Key of each rule's segment. */
  ruleKeys: number[];
  /** Key of the customers no rule takes; null when the rules cover every customer by construction (RFM). */
  defaultKey: number | null;
}

export function planSegments(rules: readonly Rule[], defaultSegment: string | null): SegmentPlan {
  const labels: string[] = [];
  const keyOf = (name: string): number => {
    const existing = labels.indexOf(name);
    if (existing >= 0) return existing;
    labels.push(name);
    return labels.length - 1;
  };
  const ruleKeys = rules.map((r) => keyOf(r.segment));
  const defaultKey = defaultSegment === null ? null : keyOf(defaultSegment);
  return { labels, ruleKeys, defaultKey };
}

/** The condition as a person writes it: `recency_days <= 30`, `country in ("France", "Germany")`. */
export function conditionText(c: Condition): string {
  return c.op === 'in'
    ? `${c.feature} in (${c.values.map((v) => JSON.stringify(v)).join(', ')})`
    : `${c.feature} ${c.op} ${c.value}`;
}

/** The rule's conditions joined by `and`. */
export function ruleText(rule: Rule): string {
  return rule.when.map(conditionText).join(' and ');
}

/**
 * Checks that every feature a rule names is in the frame with the type its op needs.
 * @throws FeatureRequirementError naming the rule index, its segment, the condition and the feature.
 */
export function checkRuleFeatures(rules: readonly Rule[], frame: FeatureFrame): void {
  rules.forEach((rule, i) => {
    rule.when.forEach((c, j) => {
      const where = `rule ${i} ('${rule.segment}'), condition ${j}`;
      const column = frame.columns[c.feature];
      if (!column) {
        throw new FeatureRequirementError(
          `${where}: feature '${c.feature}' is not in the data (available: ${Object.keys(frame.columns).join(', ')})`,
        );
      }
      const needed = c.op === 'in' ? 'categorical' : 'numeric';
      if (column.kind !== needed) {
        throw new FeatureRequirementError(
          `${where}: feature '${c.feature}' is ${column.kind}, but op '${c.op}' needs a ${needed} feature`,
        );
      }
    });
  });
}

/** `in` values that are not a level of the frame's column (probably a typo, or categories absent from this data). */
export function unknownCategories(rules: readonly Rule[], frame: FeatureFrame): string[] {
  const notes: string[] = [];
  rules.forEach((rule, i) =>
    rule.when.forEach((c) => {
      const column = frame.columns[c.feature];
      if (c.op !== 'in' || column?.kind !== 'categorical') return;
      const missing = c.values.filter((v) => !column.levels.includes(v));
      if (missing.length > 0)
        notes.push(
          `rule ${i} ('${rule.segment}'): ${c.feature} has no customer with ${missing.map((v) => JSON.stringify(v)).join(', ')}`,
        );
    }),
  );
  return notes;
}

/**
 * Row predicate of one condition. A missing value (NaN, or categorical code −1) satisfies no
 * condition — not even `!=` — so such a customer falls through to a later rule or the default.
 */
function predicate(c: Condition, column: FeatureColumn): (row: number) => boolean {
  if (c.op === 'in') {
    if (column.kind !== 'categorical')
      throw new FeatureRequirementError(`feature '${c.feature}' is numeric, but op 'in' needs a categorical feature`);
    const accepted = new Uint8Array(column.levels.length);
    column.levels.forEach((level, code) => (accepted[code] = c.values.includes(level) ? 1 : 0));
    const codes = column.codes;
    return (i) => codes[i] >= 0 && accepted[codes[i]] === 1;
  }
  if (column.kind !== 'numeric')
    throw new FeatureRequirementError(
      `feature '${c.feature}' is categorical, but op '${c.op}' needs a numeric feature`,
    );
  const x = column.values;
  const v = c.value;
  switch (c.op) {
    case '<':
      return (i) => x[i] < v;
    case '<=':
      return (i) => x[i] <= v;
    case '>':
      return (i) => x[i] > v;
    case '>=':
      return (i) => x[i] >= v;
    case '==':
      return (i) => x[i] === v;
    case '!=':
      return (i) => !Number.isNaN(x[i]) && x[i] !== v;
  }
}

export interface RuleEvaluation {
  /** Segment key per row. */
  segment: Int32Array;
  /** Per rule: how many customers it took (it was their first matching rule). */
  firstMatches: number[];
  /** Customers no rule took (they are in the default segment). */
  unmatched: number;
}

/**
 * Puts each row into the segment of the first rule whose conditions all hold, else the default.
 * Rules are applied one after another to the rows still unassigned; `afterRule` runs after each
 * (for progress and abort checks). Features must have been checked with {@link checkRuleFeatures}.
 */
export function evaluateRules(
  rules: readonly Rule[],
  plan: SegmentPlan,
  frame: FeatureFrame,
  afterRule?: (ruleIndex: number) => void,
): RuleEvaluation {
  const n = frame.rowCount;
  const segment = new Int32Array(n).fill(-1);
  const firstMatches = rules.map(() => 0);
  rules.forEach((rule, r) => {
    const tests = rule.when.map((c) => predicate(c, frame.columns[c.feature]));
    const key = plan.ruleKeys[r];
    let taken = 0;
    for (let i = 0; i < n; i++) {
      if (segment[i] !== -1) continue;
      let all = true;
      for (const test of tests) {
        if (!test(i)) {
          all = false;
          break;
        }
      }
      if (all) {
        segment[i] = key;
        taken++;
      }
    }
    firstMatches[r] = taken;
    afterRule?.(r);
  });
  let unmatched = 0;
  for (let i = 0; i < n; i++) {
    if (segment[i] !== -1) continue;
    if (plan.defaultKey === null)
      throw new Error(
        `customer '${frame.ids[i]}' (row ${i + 1}) matched no rule and the rule set has no default segment`,
      );
    segment[i] = plan.defaultKey;
    unmatched++;
  }
  return { segment, firstMatches, unmatched };
}

/**
 * Per segment key: the mean of each numeric feature and the most frequent level of each categorical
 * one (ties to the first level in sort order), over the segment's members; null for an empty segment.
 */
export function featureSummaries(
  frame: FeatureFrame,
  segment: Int32Array,
  k: number,
  features: readonly string[],
): Record<string, number | string | null>[] {
  const out = Array.from({ length: k }, () => ({}) as Record<string, number | string | null>);
  for (const name of features) {
    const column = frame.columns[name];
    if (column.kind === 'numeric') {
      const sums = new Float64Array(k);
      const counts = new Float64Array(k);
      column.values.forEach((v, i) => {
        if (Number.isNaN(v)) return;
        sums[segment[i]] += v;
        counts[segment[i]]++;
      });
      out.forEach((p, key) => (p[name] = counts[key] > 0 ? sums[key] / counts[key] : null));
    } else {
      const counts = Array.from({ length: k }, () => new Array<number>(column.levels.length).fill(0));
      column.codes.forEach((code, i) => {
        if (code >= 0) counts[segment[i]][code]++;
      });
      out.forEach((p, key) => {
        let best = -1;
        counts[key].forEach((c, code) => {
          if (c > 0 && (best < 0 || c > counts[key][best])) best = code;
        });
        p[name] = best < 0 ? null : column.levels[best];
      });
    }
  }
  return out;
}

/** Features the rules name, in first-use order. */
export function featuresUsed(rules: readonly Rule[]): string[] {
  return [...new Set(rules.flatMap((r) => r.when.map((c) => c.feature)))];
}
