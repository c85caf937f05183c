import { createFeatureFrame, numeric } from '@workbench/plugin-sdk';
import { SMALL } from '../test/small-customers';
import { evaluateRules, planSegments, ruleText } from './rule-engine';
import { fitQuintiles, quintileOfRank, quintilesFromCuts, RFM_SEGMENT_MAP, rfmRules, scoreFromQuintile } from './rfm';

/*
 * Hand computation on the ten customers of test/small-customers.ts (n = 10).
 * pandas' qcut edges of the ranks 1..10 are 1 + j·9/5 = 1, 2.8, 4.6, 6.4, 8.2, 10, so ranks 1–2 → 1,
 * 3–4 → 2, 5–6 → 3, 7–8 → 4, 9–10 → 5. rank(method='first') sorts by value, ties in row order.
 *
 * recency  c01 5, c03 5, c06 12, c09 25, c02 40, c08 60, c05 90, c10 150, c04 200, c07 300 (ranks 1..10)
 *   quintile 1     1      2       2       3       3       4       4        5        5
 *   R = 6 − q: c01 5, c02 3, c03 5, c04 1, c05 2, c06 4, c07 1, c08 3, c09 4, c10 2
 * frequency c02 1, c03 1, c06 1, c07 2, c05 3, c08 3, c10 4, c04 6, c09 8, c01 12
 *   F:        1      1      2      2      3      3      4      4      5      5
 *   (the three one-purchase customers straddle the 1|2 boundary: c02, c03 get 1, c06 gets 2)
 *   F: c01 5, c02 1, c03 1, c04 4, c05 3, c06 2, c07 2, c08 3, c09 5, c10 4
 * monetary c02 80, c07 90, c06 150, c03 300, c05 400, c10 400, c08 700, c04 1200, c09 1800, c01 2500
 *   M:       1       1       2        2        3        3        4        4         5         5
 *   M: c01 5, c02 1, c03 2, c04 4, c05 3, c06 2, c07 1, c08 4, c09 5, c10 3
 * Segments (R·F through the regex map): c01 55 Champions, c02 31 About To Sleep, c03 51 New Customers,
 * c04 14 At Risk, c05 23 At Risk, c06 42 Potential Loyalists, c07 12 Hibernating, c08 33 Need Attention,
 * c09 45 Loyal Customers, c10 24 At Risk.
 */
const R = [5, 3, 5, 1, 2, 4, 1, 3, 4, 2];
const F = [5, 1, 1, 4, 3, 2, 2, 3, 5, 4];
const M = [5, 1, 2, 4, 3, 2, 1, 4, 5, 3];
const SEGMENTS = [
  'Champions',
  'About To Sleep',
  'New Customers',
  'At Risk',
  'At Risk',
  'Potential Loyalists',
  'Hibernating',
  'Need Attention',
  'Loyal Customers',
  'At Risk',
];

const scores = (values: number[], descending: boolean) =>
  Array.from(scoreFromQuintile(fitQuintiles(Float64Array.from(values)).quintile, descending));

describe('rank quintiles', () => {
  it('puts ranks 1..10 into pairs, as pandas qcut does for n = 10', () => {
    expect(Array.from({ length: 10 }, (_, i) => quintileOfRank(i + 1, 10))).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it('puts ranks 1..6 as pandas does (edges 1, 2, 3, 4, 5, 6: rank 2 sits on an edge and stays below it)', () => {
    expect(Array.from({ length: 6 }, (_, i) => quintileOfRank(i + 1, 6))).toEqual([1, 1, 2, 3, 4, 5]);
  });

  it('scores recency by hand, fewer days scoring higher', () => {
    expect(scores(SMALL.recency_days, true)).toEqual(R);
  });

  it('scores frequency by hand, splitting a tie across a quintile boundary in row order', () => {
    expect(scores(SMALL.frequency, false)).toEqual(F);
  });

  it('scores monetary by hand', () => {
    expect(scores(SMALL.monetary, false)).toEqual(M);
  });

  it('keeps the cut points of the training data, with the tie split', () => {
    expect(fitQuintiles(Float64Array.from(SMALL.frequency)).cuts).toEqual([
      { value: 1, ties: 3, tiesBelow: 2 }, // c02, c03 in quintile 1; c06 above
      { value: 2, ties: 1, tiesBelow: 1 },
      { value: 3, ties: 2, tiesBelow: 2 },
      { value: 6, ties: 1, tiesBelow: 1 },
    ]);
  });

  it('refuses fewer than five values', () => {
    expect(() => fitQuintiles(Float64Array.from([1, 2, 3, 4]))).toThrow('quintiles need at least 5 values, got 4');
  });
});

describe('quintiles of new data from training cut points', () => {
  const frequencyCuts = fitQuintiles(Float64Array.from(SMALL.frequency)).cuts;

  it('reproduces the training quintiles on the training data', () => {
    const values = Float64Array.from(SMALL.frequency);
    expect(Array.from(quintilesFromCuts(values, frequencyCuts))).toEqual(Array.from(fitQuintiles(values).quintile));
  });

  it('places values between cut points by the thresholds alone', () => {
    // Cuts at 1 (split), 2, 3, 6: 2.5 is above 1 and 2 → quintile 3; 4 → 4; 100 → 5; 0 → 1.
    expect(Array.from(quintilesFromCuts(Float64Array.from([2.5, 4, 100, 0]), frequencyCuts))).toEqual([3, 4, 5, 1]);
  });

  it('splits a tie on a cut value in the training proportion, by the middle of each slot', () => {
    // Training: 2 of 3 one-purchase customers in quintile 1. One new such customer sits at 1/2 < 2/3 → 1;
    // of six, slots (k + ½)/6 < 2/3 for k = 0..3 → four in quintile 1, two in quintile 2.
    expect(Array.from(quintilesFromCuts(Float64Array.from([1]), frequencyCuts))).toEqual([1]);
    expect(Array.from(quintilesFromCuts(Float64Array.from([1, 1, 1, 1, 1, 1]), frequencyCuts))).toEqual([
      1, 1, 1, 1, 2, 2,
    ]);
  });
});

describe('RFM segment map', () => {
  const rules = rfmRules();
  const plan = planSegments(rules, null);

  it('writes each segment as a rule over the scores', () => {
    expect(rules.map((r) => `${r.segment}: ${ruleText(r)}`)).toEqual([
      'Champions: r_score == 5 and f_score >= 4',
      'Loyal Customers: r_score >= 3 and r_score <= 4 and f_score >= 4',
      'Potential Loyalists: r_score >= 4 and f_score >= 2 and f_score <= 3',
      'New Customers: r_score == 5 and f_score == 1',
      'Promising: r_score == 4 and f_score == 1',
      'Need Attention: r_score == 3 and f_score == 3',
      'About To Sleep: r_score == 3 and f_score <= 2',
      'At Risk: r_score <= 2 and f_score >= 3 and f_score <= 4',
      "Can't Lose Them: r_score <= 2 and f_score == 5",
      'Hibernating: r_score <= 2 and f_score <= 2',
    ]);
  });

  it('covers each of the 25 R×F cells with exactly one segment, as the regex map does', () => {
    const cells = Array.from({ length: 25 }, (_, i) => ({ r: Math.floor(i / 5) + 1, f: (i % 5) + 1 }));
    const regexMap: [RegExp, string][] = [
      [/[1-2][1-2]/, 'Hibernating'],
      [/[1-2][3-4]/, 'At Risk'],
      [/[1-2]5/, "Can't Lose Them"],
      [/3[1-2]/, 'About To Sleep'],
      [/33/, 'Need Attention'],
      [/[3-4][4-5]/, 'Loyal Customers'],
      [/41/, 'Promising'],
      [/51/, 'New Customers'],
      [/[4-5][2-3]/, 'Potential Loyalists'],
      [/5[4-5]/, 'Champions'],
    ];
    for (const { r, f } of cells) {
      const matching = RFM_SEGMENT_MAP.filter((s) => r >= s.r[0] && r <= s.r[1] && f >= s.f[0] && f <= s.f[1]);
      expect(matching.map((s) => s.segment)).toEqual(
        regexMap.filter(([re]) => re.test(`${r}${f}`)).map(([, name]) => name),
      );
    }
  });

  it('names the hand-computed segments of the ten customers', () => {
    const frame = createFeatureFrame(SMALL.ids, { r_score: numeric(R), f_score: numeric(F) });
    const { segment } = evaluateRules(rules, plan, frame);
    expect(Array.from(segment, (key) => plan.labels[key])).toEqual(SEGMENTS);
  });
});
