import { quantile } from './metrics';

export const TIER_LABELS = ['Low risk', 'Medium risk', 'High risk'] as const;

/**
 * The two probability cuts where Medium and High risk start: the given thresholds, or quantiles
 * (numpy's linear definition) of the training frame's scores. Quantile cuts are stored as
 * probabilities, so `assign` tiers new customers against the training distribution, not their own.
 */
export function tierCuts(
  method: 'thresholds' | 'quantiles',
  values: readonly number[],
  scores: Float64Array,
): [number, number] {
  if (method === 'thresholds') return [values[0], values[1]];
  const sorted = Float64Array.from(scores).sort();
  return [quantile(sorted, values[0]), quantile(sorted, values[1])];
}

/** Tier per row: 2 (High) when p ≥ cuts[1], 1 (Medium) when p ≥ cuts[0], else 0 (Low). */
export function assignTiers(scores: Float64Array, cuts: readonly [number, number] | readonly number[]): Int32Array {
  const tiers = new Int32Array(scores.length);
  for (let i = 0; i < scores.length; i++) tiers[i] = scores[i] >= cuts[1] ? 2 : scores[i] >= cuts[0] ? 1 : 0;
  return tiers;
}
