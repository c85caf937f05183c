import { categorical, createFeatureFrame, FeatureRequirementError, numeric } from '@workbench/plugin-sdk';
import { smallCustomersFrame } from '../test/small-customers';
import { checkRuleFeatures, conditionText, evaluateRules, planSegments, ruleText } from './rule-engine';
import type { Rule } from './rules-params';

const frame = smallCustomersFrame();
const labelsOf = (rules: Rule[], defaultSegment: string) => {
  const plan = planSegments(rules, defaultSegment);
  return Array.from(evaluateRules(rules, plan, frame).segment, (key) => plan.labels[key]);
};

describe('rule evaluation', () => {
  it('gives a customer the segment of the first rule that matches, not a later one', () => {
    // c01 (5 days, 12 purchases) and c03 (5 days, 1 purchase) meet both rules; the first wins.
    const recentFirst: Rule[] = [
      { segment: 'Recent', when: [{ feature: 'recency_days', op: '<=', value: 10 }] },
      { segment: 'Frequent', when: [{ feature: 'frequency', op: '>=', value: 1 }] },
    ];
    expect(labelsOf(recentFirst, 'Other')).toEqual([
      'Recent',
      'Frequent',
      'Recent',
      'Frequent',
      'Frequent',
      'Frequent',
      'Frequent',
      'Frequent',
      'Frequent',
      'Frequent',
    ]);
    expect(labelsOf([...recentFirst].reverse(), 'Other')).toEqual(new Array(10).fill('Frequent'));
  });

  it('ANDs the conditions of a rule and sends the rest to the default segment', () => {
    const rules: Rule[] = [
      {
        segment: 'Champions',
        when: [
          { feature: 'recency_days', op: '<=', value: 30 },
          { feature: 'frequency', op: '>=', value: 5 },
        ],
      },
    ];
    // Only c01 (5 days, 12) and c09 (25 days, 8) meet both.
    expect(labelsOf(rules, 'Other')).toEqual([
      'Champions',
      'Other',
      'Other',
      'Other',
      'Other',
      'Other',
      'Other',
      'Other',
      'Champions',
      'Other',
    ]);
  });

  it('evaluates every operator, including in on a categorical feature', () => {
    const one = (when: Rule['when']) =>
      labelsOf([{ segment: 'Y', when }], 'N')
        .map((l) => (l === 'Y' ? 1 : 0))
        .join('');
    expect(one([{ feature: 'frequency', op: '<', value: 3 }])).toBe('0110011000');
    expect(one([{ feature: 'frequency', op: '<=', value: 3 }])).toBe('0110111100');
    expect(one([{ feature: 'frequency', op: '>', value: 3 }])).toBe('1001000011');
    expect(one([{ feature: 'frequency', op: '>=', value: 3 }])).toBe('1001100111');
    expect(one([{ feature: 'frequency', op: '==', value: 3 }])).toBe('0000100100');
    expect(one([{ feature: 'frequency', op: '!=', value: 3 }])).toBe('1111011011');
    expect(one([{ feature: 'country', op: 'in', values: ['France', 'Spain'] }])).toBe('1000101000');
  });

  it('lets a missing value satisfy no condition, not even !=', () => {
    const gappy = createFeatureFrame(['a', 'b', 'c'], {
      x: numeric([1, null, 3]),
      country: categorical(['UK', '', 'FR']),
    });
    const rules: Rule[] = [
      { segment: 'NotOne', when: [{ feature: 'x', op: '!=', value: 1 }] },
      { segment: 'Known', when: [{ feature: 'country', op: 'in', values: ['UK', 'FR'] }] },
    ];
    const plan = planSegments(rules, 'Other');
    expect(Array.from(evaluateRules(rules, plan, gappy).segment, (k) => plan.labels[k])).toEqual([
      'Known',
      'Other',
      'NotOne',
    ]);
  });

  it('counts, per rule, the customers it took first', () => {
    const rules: Rule[] = [
      { segment: 'A', when: [{ feature: 'frequency', op: '>=', value: 6 }] },
      { segment: 'B', when: [{ feature: 'frequency', op: '>=', value: 8 }] },
      { segment: 'C', when: [{ feature: 'frequency', op: '>=', value: 2 }] },
    ];
    const result = evaluateRules(rules, planSegments(rules, 'Other'), frame);
    expect(result.firstMatches).toEqual([3, 0, 4]);
    expect(result.unmatched).toBe(3);
  });
});

describe('segment plan', () => {
  it('lists segments in rule order, once each, then the default', () => {
    const when = [{ feature: 'frequency', op: '>', value: 1 } as const];
    const plan = planSegments(
      [
        { segment: 'B', when },
        { segment: 'A', when },
        { segment: 'B', when },
      ],
      'Other',
    );
    expect(plan).toEqual({ labels: ['B', 'A', 'Other'], ruleKeys: [0, 1, 0], defaultKey: 2 });
  });

  it('merges the default into a rule segment of the same name', () => {
    expect(planSegments([{ segment: 'Other', when: [{ feature: 'x', op: '>', value: 1 }] }], 'Other')).toEqual({
      labels: ['Other'],
      ruleKeys: [0],
      defaultKey: 0,
    });
  });
});

describe('rule text', () => {
  it('writes conditions as a person reads them', () => {
    expect(
      ruleText({
        segment: 'S',
        when: [
          { feature: 'recency_days', op: '<=', value: 30 },
          { feature: 'frequency', op: '>=', value: 5 },
        ],
      }),
    ).toBe('recency_days <= 30 and frequency >= 5');
    expect(conditionText({ feature: 'country', op: 'in', values: ['France', "Côte d'Ivoire"] })).toBe(
      'country in ("France", "Côte d\'Ivoire")',
    );
  });
});

describe('feature check', () => {
  it('names the rule index, its segment and a feature the data lacks', () => {
    const rules: Rule[] = [
      { segment: 'A', when: [{ feature: 'frequency', op: '>', value: 1 }] },
      {
        segment: 'Champions',
        when: [
          { feature: 'frequency', op: '>', value: 1 },
          { feature: 'recncy_days', op: '<=', value: 30 },
        ],
      },
    ];
    expect(() => checkRuleFeatures(rules, frame)).toThrow(
      new FeatureRequirementError(
        "rule 1 ('Champions'), condition 1: feature 'recncy_days' is not in the data (available: recency_days, frequency, monetary, country)",
      ),
    );
  });

  it('names a feature of the wrong type for its op', () => {
    expect(() =>
      checkRuleFeatures([{ segment: 'EU', when: [{ feature: 'country', op: '==', value: 1 }] }], frame),
    ).toThrow("rule 0 ('EU'), condition 0: feature 'country' is categorical, but op '==' needs a numeric feature");
    expect(() =>
      checkRuleFeatures([{ segment: 'Few', when: [{ feature: 'frequency', op: 'in', values: ['1'] }] }], frame),
    ).toThrow("rule 0 ('Few'), condition 0: feature 'frequency' is numeric, but op 'in' needs a categorical feature");
  });
});
