import type { Rule } from './rules-params';

/**
 * RFM quintile scores.
 *
 * Training follows the common pandas recipe exactly:
 *   `pd.qcut(x.rank(method='first'), 5, labels=[1, 2, 3, 4, 5])`
 * 1. rank(method='first'): rows sorted by value ascending, ties in row order, ranks 1..n.
 * 2. qcut of the ranks into 5 bins: pandas takes the edges as the linear-interpolated 0, .2, .4, .6, .8, 1
 *    quantiles of 1..n, i.e. e_j = 1 + j(n − 1)/5, with right-closed bins (e_{j−1}, e_j] and rank 1 in
 *    bin 1. So quintile(r) = 1 for r = 1, else ceil(5(r − 1)/(n − 1)), computed here in integers; this is
 *    bin-for-bin what pandas 1.5.3 gives for every n in 2..6000 and a sample of n up to 2·10⁶ (checked
 *    while writing this; the sample data is checked in the tests).
 * Because ties are broken by row order, customers with equal values can land in adjacent quintiles
 * (e.g. the many one-purchase customers) — that is the recipe, and it keeps the quintiles equal-sized.
 *
 * New data is scored with the training cut points (see {@link QuintileCut}), not re-ranked.
 */
export const QUINTILES = 5;

/** Quintile (1..5) of rank `rank` (1-based) among `n` ranks; see the module comment for the derivation. */
export function quintileOfRank(rank: number, n: number): number {
  return rank === 1 ? 1 : Math.ceil((QUINTILES * (rank - 1)) / (n - 1));
}

/** Row indices sorted by value ascending, ties in row order: the order of rank(method='first'). */
export function rankOrder(values: Float64Array): Uint32Array {
  const order = new Uint32Array(values.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => values[a] - values[b] || a - b);
}

/**
 * The boundary between quintile j and j + 1 of the training data. `value` is the largest training
 * value in quintiles 1..j; `ties` training customers have that value, and the first `tiesBelow` of them
 * (in row order) are in quintiles 1..j. A new value above `value` is above the boundary, one below it is
 * not; a value equal to it is placed by its position in its own tie group (see {@link quintilesFromCuts}).
 */
export interface QuintileCut {
  value: number;
  ties: number;
  tiesBelow: number;
  /**
   * When the tie group is split (0 < tiesBelow < ties) and the customers' ids were given: the ids of the
   * smaller side, so each training customer keeps its side whatever it is scored with; any other customer
   * with the cut value goes to the larger side (below on an even split). Absent in models trained before.
   */
  minority?: { side: 'below' | 'above'; ids: string[] };
}

export interface QuintileFit {
  /** Quintile 1..5 per row. */
  quintile: Uint8Array;
  /** The 4 boundaries, between quintiles 1|2, 2|3, 3|4 and 4|5. */
  cuts: QuintileCut[];
}

/**
 * Rank-based quintiles of `values` (no NaN; at least 5 of them) and their cut points; with the rows'
 * customer `ids`, each split tie group's smaller side by id (see {@link QuintileCut.minority}).
 */
export function fitQuintiles(values: Float64Array, ids?: readonly string[]): QuintileFit {
  const n = values.length;
  if (n < QUINTILES) throw new RangeError(`quintiles need at least ${QUINTILES} values, got ${n}`);
  const order = rankOrder(values);
  const quintile = new Uint8Array(n);
  order.forEach((row, p) => (quintile[row] = quintileOfRank(p + 1, n)));
  const cuts: QuintileCut[] = [];
  let last = 0;
  for (let j = 1; j < QUINTILES; j++) {
    // Last sorted position still in quintile j: quintiles are non-decreasing along the order.
    while (last + 1 < n && quintile[order[last + 1]] <= j) last++;
    const value = values[order[last]];
    let first = last;
    while (first > 0 && values[order[first - 1]] === value) first--;
    let end = last;
    while (end + 1 < n && values[order[end + 1]] === value) end++;
    const cut: QuintileCut = { value, ties: end - first + 1, tiesBelow: last - first + 1 };
    if (ids && cut.tiesBelow < cut.ties) {
      // Sorted positions first..last are the tied rows below the boundary, last+1..end those above.
      const below = 2 * cut.tiesBelow >= cut.ties;
      const [from, to] = below ? [last + 1, end] : [first, last];
      const minority: string[] = [];
      for (let p = from; p <= to; p++) minority.push(ids[order[p]]);
      cut.minority = { side: below ? 'above' : 'below', ids: minority };
    }
    cuts.push(cut);
  }
  return { quintile, cuts };
}

/**
 * The ids of each split cut's smaller side as a set, for {@link quintilesFromCuts}: built once per model by a
 * host scoring request after request (a tie of many customers is thousands of ids), not once per request.
 */
export const minoritySides = (cuts: readonly QuintileCut[]): (ReadonlySet<string> | null)[] =>
  cuts.map((c) => (c.minority ? new Set(c.minority.ids) : null));

/**
 * Quintiles of new values from training cut points. For each boundary, a value is above it when it is
 * greater than the cut value. A value equal to a split cut's value is placed customer by customer when
 * the model keeps the split's smaller side by id (and `ids` are given): a customer of that side keeps
 * its training side, any other goes to the larger side; so a customer gets the same quintile scored
 * alone, in any batch, and in training. A model without ids (trained before they were kept) splits the
 * tie group of this data (rows with that value, in row order, k = 0..T′−1) in the training proportion:
 * row k is above when the middle of its slot, (k + ½)/T′, lies beyond tiesBelow/ties.
 */
export function quintilesFromCuts(
  values: Float64Array,
  cuts: readonly QuintileCut[],
  ids?: readonly string[],
  sides: readonly (ReadonlySet<string> | null)[] = minoritySides(cuts),
): Uint8Array {
  const n = values.length;
  const minorities = ids ? sides : cuts.map(() => null);
  const cutValues = new Set(cuts.map((c) => c.value));
  const groupSize = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (cutValues.has(v)) groupSize.set(v, (groupSize.get(v) ?? 0) + 1);
  }
  const seen = new Map<number, number>();
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let k = 0;
    let size = 0;
    if (cutValues.has(v)) {
      k = seen.get(v) ?? 0;
      seen.set(v, k + 1);
      size = groupSize.get(v) as number;
    }
    let q = 1;
    cuts.forEach((cut, c) => {
      if (v > cut.value) q++;
      else if (v !== cut.value || cut.tiesBelow === cut.ties) return;
      else if (minorities[c] && cut.minority && ids) {
        const side = minorities[c].has(ids[i]) ? cut.minority.side : cut.minority.side === 'below' ? 'above' : 'below';
        if (side === 'above') q++;
      } else if ((2 * k + 1) * cut.ties > 2 * cut.tiesBelow * size) q++;
    });
    out[i] = q;
  }
  return out;
}

/** Score 1..5 from a quintile: as is, or reversed (6 − q) for recency, where fewer days is better. */
export function scoreFromQuintile(quintile: Uint8Array, descending: boolean): Float64Array {
  const out = new Float64Array(quintile.length);
  quintile.forEach((q, i) => (out[i] = descending ? QUINTILES + 1 - q : q));
  return out;
}

export const R_SCORE = 'r_score';
export const F_SCORE = 'f_score';
export const M_SCORE = 'm_score';

/**
 * The RFM segment map on the R×F grid: the regex map widely used with pandas
 * (`r'[1-2][1-2]': 'Hibernating', r'[1-2][3-4]': 'At Risk', r'[1-2]5': "Can't Lose Them", r'3[1-2]':
 * 'About To Sleep', r'33': 'Need Attention', r'[3-4][4-5]': 'Loyal Customers', r'41': 'Promising',
 * r'51': 'New Customers', r'[4-5][2-3]': 'Potential Loyalists', r'5[4-5]': 'Champions'` on the string
 * R·F), as score ranges. The ranges tile the 25 cells, so every customer lands in exactly one segment.
 * Listed roughly best to worst; this order is the segment keys.
 */
export const RFM_SEGMENT_MAP: readonly {
  segment: string;
  r: readonly [number, number];
  f: readonly [number, number];
}[] = [
  { segment: 'Champions', r: [5, 5], f: [4, 5] },
  { segment: 'Loyal Customers', r: [3, 4], f: [4, 5] },
  { segment: 'Potential Loyalists', r: [4, 5], f: [2, 3] },
  { segment: 'New Customers', r: [5, 5], f: [1, 1] },
  { segment: 'Promising', r: [4, 4], f: [1, 1] },
  { segment: 'Need Attention', r: [3, 3], f: [3, 3] },
  { segment: 'About To Sleep', r: [3, 3], f: [1, 2] },
  { segment: 'At Risk', r: [1, 2], f: [3, 4] },
  { segment: "Can't Lose Them", r: [1, 2], f: [5, 5] },
  { segment: 'Hibernating', r: [1, 2], f: [1, 2] },
];

function rangeConditions(feature: string, [lo, hi]: readonly [number, number]): Rule['when'] {
  if (lo === hi) return [{ feature, op: '==', value: lo }];
  const when: Rule['when'] = [];
  if (lo > 1) when.push({ feature, op: '>=', value: lo });
  if (hi < QUINTILES) when.push({ feature, op: '<=', value: hi });
  return when;
}

/** The segment map as rules over the score columns, e.g. Champions: `r_score == 5 and f_score >= 4`. */
export function rfmRules(): Rule[] {
  return RFM_SEGMENT_MAP.map((cell) => ({
    segment: cell.segment,
    when: [...rangeConditions(R_SCORE, cell.r), ...rangeConditions(F_SCORE, cell.f)],
  }));
}
