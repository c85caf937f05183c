import { describe, expect, it } from 'vitest';
import { initialParams, paramRows, placeErrors, ruleOf } from './params-form';

describe('placeErrors', () => {
  it("puts params errors in rjsf's error tree, nested paths included", () => {
    const placed = placeErrors(
      [
        { field: 'params.kMax', message: 'kMax (4) must be at least kMin (6)' },
        { field: 'params.rules.0.when.1.op', message: 'op must be one of …' },
        { field: 'params.rules.0.when.1.op', message: 'second' },
        { field: 'params', message: 'params must be a JSON object' },
      ],
      [],
    );
    expect(placed.params).toEqual({
      __errors: ['params must be a JSON object'],
      kMax: { __errors: ['kMax (4) must be at least kMin (6)'] },
      rules: { 0: { when: { 1: { op: { __errors: ['op must be one of …', 'second'] } } } } },
    });
    expect(placed.fields).toEqual({});
    expect(placed.unplaced).toEqual([]);
  });

  it("gives the page's own fields their errors, a nested one to its input, and keeps the rest apart", () => {
    const placed = placeErrors(
      [
        { field: 'name', message: 'name must be …' },
        { field: 'kpis.1.plugin', message: "no plugin named 'x'" },
        { field: 'kpis.0.params.nope', message: 'property nope should not exist' },
        { field: 'limits.memoryMb', message: 'too much' },
        { field: 'paramsX', message: 'not a params field' },
      ],
      ['name', 'kpis', 'seed'],
    );
    expect(placed.fields).toEqual({
      name: ['name must be …'],
      kpis: ["no plugin named 'x'", 'property nope should not exist'],
    });
    expect(placed.unplaced).toEqual(['limits.memoryMb: too much', 'paramsX: not a params field']);
    expect(placed.params).toEqual({});
  });
});

describe('initialParams', () => {
  it("keeps the segmentation's params the schema knows and drops the others and nulls", () => {
    const schema = { properties: { k: { type: 'integer' }, features: { type: 'array' } } };
    expect(initialParams(schema, { k: 4, features: ['a'], dropped: 1, features2: null })).toEqual({
      k: 4,
      features: ['a'],
    });
    expect(initialParams(schema, null)).toEqual({});
  });
});

describe('paramRows', () => {
  it('describes each param with its type, default and rule, nested ones by path', () => {
    const rows = paramRows({
      properties: {
        k: { type: 'integer', minimum: 2, maximum: 50, description: 'Number of clusters.' },
        engine: { type: 'string', enum: ['fast', 'ml-kmeans'], default: 'fast', description: 'Engine.' },
        features: {
          type: 'array',
          uniqueItems: true,
          items: { type: 'string', minLength: 1 },
          default: [],
          description: 'Features.',
        },
        rules: {
          type: 'array',
          minItems: 1,
          maxItems: 200,
          items: { type: 'object', properties: { segment: { type: 'string', minLength: 1, description: 'Name.' } } },
        },
      },
      required: [],
    });
    expect(rows).toEqual([
      { name: 'k', type: 'integer', default: 'absent', rule: '2 … 50', description: 'Number of clusters.' },
      { name: 'engine', type: 'string', default: '"fast"', rule: 'one of fast, ml-kmeans', description: 'Engine.' },
      {
        name: 'features',
        type: 'array of string',
        default: '[]',
        rule: 'unique; each not empty',
        description: 'Features.',
      },
      { name: 'rules', type: 'array of object', default: 'absent', rule: '1–200 items', description: '' },
      { name: 'rules[].segment', type: 'string', default: 'absent', rule: 'not empty', description: 'Name.' },
    ]);
  });

  it('says required for a param without default that the schema requires', () => {
    expect(paramRows({ properties: { label: { type: 'string' } }, required: ['label'] })[0].default).toBe('required');
  });
});

describe('ruleOf', () => {
  it('states one-sided bounds and exact item counts', () => {
    expect(ruleOf({ type: 'number', minimum: 0 })).toBe('≥ 0');
    expect(ruleOf({ type: 'array', minItems: 2, maxItems: 2 })).toBe('2 items');
    expect(ruleOf({ type: 'string' })).toBe('');
  });
});
