import { ParamsValidationError, validateParams } from '@workbench/plugin-sdk';
import { resolveConfig, RulesParams } from './rules-params';

const validate = (raw: unknown) => validateParams('segmenter-rules', RulesParams, raw);

function problemsOf(raw: unknown): { path: string; message: string }[] {
  try {
    validate(raw);
  } catch (e) {
    if (e instanceof ParamsValidationError) return e.problems;
    throw e;
  }
  throw new Error('expected a ParamsValidationError');
}

const champions = { segment: 'Champions', when: [{ feature: 'recency_days', op: '<=', value: 30 }] };

describe('RulesParams', () => {
  it('means the RFM preset with its default feature names when empty', () => {
    expect(resolveConfig(validate({}))).toEqual({
      mode: 'rfm',
      features: { recency: 'recency_days', frequency: 'frequency', monetary: 'monetary' },
    });
  });

  it("fills defaultSegment 'Other' for rules", () => {
    const config = resolveConfig(validate({ rules: [champions] }));
    expect(config).toEqual({ mode: 'rules', rules: [champions], defaultSegment: 'Other' });
  });

  it('accepts an in condition on categories', () => {
    const config = resolveConfig(
      validate({ rules: [{ segment: 'EU', when: [{ feature: 'country', op: 'in', values: ['France', 'Germany'] }] }] }),
    );
    expect(config.mode === 'rules' && config.rules[0].when[0]).toEqual({
      feature: 'country',
      op: 'in',
      values: ['France', 'Germany'],
    });
  });

  it('names the rule, the condition and the field of an unknown op', () => {
    const rules = [champions, champions, { segment: 'X', when: [{ feature: 'frequency', op: '=>', value: 5 }] }];
    expect(problemsOf({ rules })).toEqual([
      { path: 'rules.2.when.0.op', message: 'op must be one of the following values: <, <=, >, >=, ==, !=, in' },
    ]);
  });

  it('names the rule and condition of an empty feature name', () => {
    const rules = [
      champions,
      champions,
      { segment: 'X', when: [champions.when[0], { feature: '', op: '>', value: 1 }] },
    ];
    expect(problemsOf({ rules })).toEqual([
      { path: 'rules.2.when.1.feature', message: 'feature must be longer than or equal to 1 characters' },
    ]);
  });

  it('refuses a numeric op without a finite number value', () => {
    expect(problemsOf({ rules: [{ segment: 'X', when: [{ feature: 'frequency', op: '>=', value: '5' }] }] })).toEqual([
      { path: 'rules.0.when.0.value', message: "value must be a finite number for op '>='" },
    ]);
    expect(problemsOf({ rules: [{ segment: 'X', when: [{ feature: 'frequency', op: '<' }] }] })).toEqual([
      { path: 'rules.0.when.0.value', message: "value must be a finite number for op '<'" },
    ]);
  });

  it("refuses op 'in' without values, or with a value", () => {
    expect(problemsOf({ rules: [{ segment: 'X', when: [{ feature: 'country', op: 'in', value: 3 }] }] })).toEqual([
      { path: 'rules.0.when.0.value', message: "value must be absent when op is 'in'; list the categories in values" },
      {
        path: 'rules.0.when.0.values',
        message: "values must be a non-empty list of distinct, non-empty category names for op 'in'",
      },
    ]);
  });

  it("refuses values on an op other than 'in'", () => {
    expect(
      problemsOf({ rules: [{ segment: 'X', when: [{ feature: 'frequency', op: '==', value: 1, values: ['1'] }] }] }),
    ).toEqual([{ path: 'rules.0.when.0.values', message: "values is only for op 'in'; op '==' compares with value" }]);
  });

  it('refuses a rule without conditions or segment, naming the rule', () => {
    expect(problemsOf({ rules: [champions, { segment: '', when: [] }] })).toEqual([
      { path: 'rules.1.segment', message: 'segment must be longer than or equal to 1 characters' },
      {
        path: 'rules.1.when',
        message: 'when must list at least one condition (customers no rule takes go to defaultSegment)',
      },
    ]);
  });

  it('refuses a misspelt field inside a condition', () => {
    expect(
      problemsOf({ rules: [{ segment: 'X', when: [{ feature: 'frequency', op: '>', value: 1, vaule: 2 }] }] }),
    ).toEqual([{ path: 'rules.0.when.0.vaule', message: 'property vaule should not exist' }]);
  });

  it('refuses rules together with the preset', () => {
    expect(problemsOf({ preset: 'rfm', rules: [champions] })).toEqual([
      { path: 'rules', message: "rules and preset 'rfm' are mutually exclusive: give one of them" },
    ]);
  });

  it('refuses RFM feature names with rules, and defaultSegment with the preset', () => {
    expect(problemsOf({ rules: [champions], recencyFeature: 'recency' })).toEqual([
      { path: 'recencyFeature', message: "recencyFeature applies only to preset 'rfm', not to rules" },
    ]);
    expect(problemsOf({ preset: 'rfm', defaultSegment: 'Other' })).toEqual([
      {
        path: 'defaultSegment',
        message: "defaultSegment applies only to rules; preset 'rfm' puts every customer into one of its ten segments",
      },
    ]);
  });

  it('refuses an unknown preset and empty rules', () => {
    expect(problemsOf({ preset: 'rfm5' }).map((p) => p.path)).toEqual(['preset']);
    expect(problemsOf({ rules: [] })).toEqual([{ path: 'rules', message: 'rules must contain at least 1 elements' }]);
  });
});
