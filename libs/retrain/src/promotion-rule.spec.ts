import { COMPARISON_METRIC_NAMES } from './comparison-metrics';
import { PromotionRuleError } from './errors';
import { evaluatePromotionRule, parsePromotionRule } from './promotion-rule';

const parse = (text: string) => parsePromotionRule(text, COMPARISON_METRIC_NAMES);
const parseError = (text: string): string => {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(PromotionRuleError);
    return (e as Error).message;
  }
  throw new Error(`'${text}' parsed`);
};

describe('parsePromotionRule', () => {
  it('parses one comparison into a node with the canonical clause text', () => {
    expect(parse('auc_gain>=0.005').root).toEqual({
      kind: 'comparison',
      metric: 'auc_gain',
      op: '>=',
      threshold: 0.005,
      text: 'auc_gain >= 0.005',
      column: 1,
    });
  });

  it('binds and tighter than or', () => {
    const rule = parse('ari >= 0.8 or nmi > 0.7 and max_psi < 0.25');
    expect(rule.root).toMatchObject({
      kind: 'or',
      operands: [{ metric: 'ari' }, { kind: 'and', operands: [{ metric: 'nmi' }, { metric: 'max_psi' }] }],
    });
  });

  it('follows parentheses', () => {
    const rule = parse('(ari >= 0.8 or nmi > 0.7) and max_psi < 0.25');
    expect(rule.root).toMatchObject({ kind: 'and', operands: [{ kind: 'or' }, { metric: 'max_psi' }] });
  });

  it('accepts every operator, negative numbers, exponents and AND/OR in capitals', () => {
    const rule = parse('ari > -0.5 AND nmi <= 1 Or auc_gain == 5e-3 or k_candidate != 4 or ari < .9');
    expect(rule.metrics).toEqual(['ari', 'auc_gain', 'k_candidate', 'nmi']);
  });

  it('names the column and what was expected when a number is missing', () => {
    expect(parseError('ari >= 0.8 and auc_gain >= high')).toBe(
      "at column 28: expected a number after '>=', found 'high'",
    );
  });

  it('refuses an unknown metric, suggesting the closest known name', () => {
    expect(parseError('ari >= 0.8 and silhuette_drop <= 0.02')).toMatch(
      /^at column 16: unknown metric 'silhuette_drop' \(did you mean 'silhouette_drop'\?\); known metrics: ari, /,
    );
  });

  it('refuses metrics outside the list the caller gives', () => {
    expect(() => parsePromotionRule('ari >= 0.8', ['auc_gain'])).toThrow(
      new PromotionRuleError(1, "unknown metric 'ari'; known metrics: auc_gain"),
    );
  });

  it('says a lone = should be ==', () => {
    expect(parseError('ari = 1')).toBe("at column 5: unexpected character '=' (did you mean '=='?)");
  });

  it('asks for an operator after the metric', () => {
    expect(parseError('ari 0.8')).toBe(
      "at column 5: expected a comparison operator (>= > <= < == !=) after 'ari', found '0.8'",
    );
  });

  it('refuses a comparison written number-first', () => {
    expect(parseError('0.8 <= ari')).toBe(
      "at column 1: expected a metric name or '(', found '0.8' (a comparison starts with the metric: write it as <metric> <op> <number>)",
    );
  });

  it('refuses an empty rule and a dangling and', () => {
    expect(parseError('')).toBe("at column 1: expected a metric name or '(', found the end of the rule");
    expect(parseError('ari >= 1 and')).toBe("at column 13: expected a metric name or '(', found the end of the rule");
  });

  it('refuses an unclosed and an unopened parenthesis', () => {
    expect(parseError('(ari >= 1')).toBe(
      "at column 10: expected 'and', 'or' or ')' to close the '(' at column 1, found the end of the rule",
    );
    expect(parseError('ari >= 1)')).toBe(
      "at column 9: expected 'and', 'or' or the end of the rule, found ')' (no '(' is open)",
    );
  });

  it('refuses two comparisons without and/or between them', () => {
    expect(parseError('ari >= 1 nmi >= 1')).toBe(
      "at column 10: expected 'and', 'or' or the end of the rule, found 'nmi'",
    );
  });

  it('has no code execution path: anything but the grammar is refused', () => {
    expect(parseError('process.exit(1)')).toBe("at column 8: unexpected character '.'");
  });

  it('limits nesting depth', () => {
    expect(parseError(`${'('.repeat(40)}ari >= 1${')'.repeat(40)}`)).toBe(
      'at column 33: parentheses nested deeper than 32 levels',
    );
  });

  it('is plain JSON', () => {
    const rule = parse('(ari >= 0.8 or nmi > 0.7) and max_psi < 0.25');
    expect(JSON.parse(JSON.stringify(rule))).toEqual(rule);
  });
});

describe('evaluatePromotionRule', () => {
  const rule = parse('ari >= 0.8 and silhouette_drop <= 0.02');

  it('promotes when every clause passes and reports each clause', () => {
    expect(evaluatePromotionRule(rule, { ari: 0.93, silhouette_drop: 0.01 })).toEqual({
      promote: true,
      clauses: [
        { text: 'ari >= 0.8', metric: 'ari', value: 0.93, passed: true },
        { text: 'silhouette_drop <= 0.02', metric: 'silhouette_drop', value: 0.01, passed: true },
      ],
      failing: [],
    });
  });

  it('spells out the failing clause with the value it had', () => {
    const decision = evaluatePromotionRule(rule, { ari: 0.93, silhouette_drop: 0.035 });
    expect(decision.promote).toBe(false);
    expect(decision.failing).toEqual(['silhouette_drop <= 0.02 (was 0.035)']);
  });

  it('fails a clause whose metric is missing, null or NaN, saying it was not available', () => {
    for (const silhouette_drop of [undefined, null, Number.NaN]) {
      const decision = evaluatePromotionRule(rule, { ari: 0.93, silhouette_drop });
      expect(decision.promote).toBe(false);
      expect(decision.failing).toEqual(['silhouette_drop <= 0.02 (silhouette_drop was not available)']);
      expect(decision.clauses[1]).toEqual({
        text: 'silhouette_drop <= 0.02',
        metric: 'silhouette_drop',
        value: null,
        passed: false,
      });
    }
  });

  it('does not let != pass on a missing metric', () => {
    expect(evaluatePromotionRule(parse('k_candidate != 3'), {}).promote).toBe(false);
  });

  it('lists no failing clause from an or that another operand satisfied', () => {
    const decision = evaluatePromotionRule(parse('(ari >= 0.9 or nmi >= 0.8) and auc_gain >= 0.005'), {
      ari: 0.5,
      nmi: 0.85,
      auc_gain: 0.001,
    });
    expect(decision.clauses.map((c) => c.passed)).toEqual([false, true, false]);
    expect(decision.failing).toEqual(['auc_gain >= 0.005 (was 0.001)']);
  });

  it('lists every operand of a failed or', () => {
    expect(evaluatePromotionRule(parse('ari >= 0.9 or nmi >= 0.8'), { ari: 0.5 }).failing).toEqual([
      'ari >= 0.9 (was 0.5)',
      'nmi >= 0.8 (nmi was not available)',
    ]);
  });

  it('compares at the boundary as written (>= passes, > fails)', () => {
    expect(evaluatePromotionRule(parse('auc_gain >= 0.005'), { auc_gain: 0.005 }).promote).toBe(true);
    expect(evaluatePromotionRule(parse('auc_gain > 0.005'), { auc_gain: 0.005 }).promote).toBe(false);
  });
});
