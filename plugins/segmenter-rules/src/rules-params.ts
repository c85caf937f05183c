import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { Describe } from '@workbench/plugin-sdk';

/** Comparisons of a numeric feature with `value`. */
export const NUMERIC_OPS = ['<', '<=', '>', '>=', '==', '!='] as const;
/** Every operator: the numeric ones, and `in` (a categorical feature's level is one of `values`). */
export const OPS = [...NUMERIC_OPS, 'in'] as const;
export type NumericOp = (typeof NUMERIC_OPS)[number];
export type Op = (typeof OPS)[number];

export const MAX_RULES = 200;
export const MAX_CONDITIONS = 20;
export const MAX_SEGMENT_NAME = 80;

/** Defaults of the RFM preset's feature names (the columns `libs/data`'s RFM builder produces). */
export const RFM_DEFAULT_FEATURES = { recency: 'recency_days', frequency: 'frequency', monetary: 'monetary' } as const;

const isNumericOp = (op: unknown): op is NumericOp => (NUMERIC_OPS as readonly unknown[]).includes(op);

@ValidatorConstraint({ name: 'valueMatchesOp' })
class ValueMatchesOp implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const op = (args.object as ConditionParams).op;
    if (op === 'in') return value === undefined;
    if (!isNumericOp(op)) return true; // the op itself is reported
    return typeof value === 'number' && Number.isFinite(value);
  }
  defaultMessage(args: ValidationArguments): string {
    const op = (args.object as ConditionParams).op;
    return op === 'in'
      ? "value must be absent when op is 'in'; list the categories in values"
      : `value must be a finite number for op '${op}'`;
  }
}

@ValidatorConstraint({ name: 'valuesMatchOp' })
class ValuesMatchOp implements ValidatorConstraintInterface {
  validate(values: unknown, args: ValidationArguments): boolean {
    const op = (args.object as ConditionParams).op;
    if (op !== 'in') return values === undefined;
    return (
      Array.isArray(values) &&
      values.length > 0 &&
      values.every((v) => typeof v === 'string' && v !== '') &&
      new Set(values).size === values.length
    );
  }
  defaultMessage(args: ValidationArguments): string {
    const op = (args.object as ConditionParams).op;
    return op === 'in'
      ? "values must be a non-empty list of distinct, non-empty category names for op 'in'"
      : `values is only for op 'in'; op '${String(op)}' compares with value`;
  }
}

@ValidatorConstraint({ name: 'rulesExcludePreset' })
class RulesExcludePreset implements ValidatorConstraintInterface {
  validate(_rules: unknown, args: ValidationArguments): boolean {
    return (args.object as RulesParams).preset === undefined;
  }
  defaultMessage(): string {
    return "rules and preset 'rfm' are mutually exclusive: give one of them";
  }
}

@ValidatorConstraint({ name: 'onlyWithPreset' })
class OnlyWithPreset implements ValidatorConstraintInterface {
  validate(_value: unknown, args: ValidationArguments): boolean {
    return (args.object as RulesParams).rules === undefined;
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} applies only to preset 'rfm', not to rules`;
  }
}

@ValidatorConstraint({ name: 'onlyWithRules' })
class OnlyWithRules implements ValidatorConstraintInterface {
  validate(_value: unknown, args: ValidationArguments): boolean {
    return (args.object as RulesParams).rules !== undefined;
  }
  defaultMessage(): string {
    return "defaultSegment applies only to rules; preset 'rfm' puts every customer into one of its ten segments";
  }
}

/**
 * One condition of a rule.
 *
 * @example
 * { feature: 'recency_days', op: '<=', value: 30 }
 * { feature: 'country', op: 'in', values: ['France', 'Germany'] }
 */
export class ConditionParams {
  /** A column of the feature frame: numeric for the comparison ops, categorical for `in`. */
  @Describe('A column of the feature frame: numeric for the comparison ops, categorical for `in`.')
  @IsString()
  @MinLength(1)
  feature!: string;

  @Describe('Comparison: <, <=, >, >=, ==, != against `value`, or `in` against `values`.')
  @IsIn(OPS)
  op!: Op;

  /** The number a numeric feature is compared with (every op but `in`). */
  @Describe('The number a numeric feature is compared with (every op but `in`).')
  @Validate(ValueMatchesOp)
  value?: number;

  /** The categories `in` accepts (op `in` only). */
  @Describe('The categories `in` accepts (op `in` only).')
  @Validate(ValuesMatchOp)
  values?: string[];
}

/**
 * A rule: customers meeting every condition (AND) go to `segment`, unless an earlier rule took them.
 *
 * @example
 * { segment: 'Champions', when: [{ feature: 'recency_days', op: '<=', value: 30 }, { feature: 'frequency', op: '>=', value: 5 }] }
 */
export class RuleParams {
  @Describe('Name of the segment the rule puts its customers in (segments are numbered in rule order).')
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_SEGMENT_NAME)
  segment!: string;

  @Describe('Conditions that must all hold (AND) for a customer to match the rule.')
  @IsArray()
  @ArrayMinSize(1, { message: 'when must list at least one condition (customers no rule takes go to defaultSegment)' })
  @ArrayMaxSize(MAX_CONDITIONS)
  @ValidateNested({ each: true })
  @Type(() => ConditionParams)
  when!: ConditionParams[];
}

/**
 * Parameters of segmenter-rules: either `rules` (ordered, first match wins, the rest go to
 * `defaultSegment`) or `preset: 'rfm'` (quintile R/F/M scores and the R×F segment map). Giving neither
 * means the RFM preset with its default feature names.
 *
 * @example
 * { rules: [{ segment: 'Champions', when: [{ feature: 'recency_days', op: '<=', value: 30 }] }], defaultSegment: 'Other' }
 * { preset: 'rfm', monetaryFeature: 'revenue' }
 */
export class RulesParams {
  /** Ordered rules; a customer goes to the segment of the first rule whose conditions all hold. */
  @Describe('Ordered rules; a customer goes to the segment of the first rule whose conditions all hold.')
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_RULES)
  @Validate(RulesExcludePreset)
  @ValidateNested({ each: true })
  @Type(() => RuleParams)
  rules?: RuleParams[];

  /** Segment of the customers no rule takes (rules only). Default 'Other'. */
  @Describe("Segment of the customers no rule takes (rules only). Default 'Other'.")
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_SEGMENT_NAME)
  @Validate(OnlyWithRules)
  defaultSegment?: string;

  /** The RFM preset. Also what empty params mean. */
  @Describe('The RFM preset. Also what empty params mean.')
  @IsOptional()
  @IsIn(['rfm'])
  preset?: 'rfm';

  /** Numeric feature: days since the last purchase (RFM only). Default 'recency_days'. */
  @Describe("Numeric feature: days since the last purchase (RFM only). Default 'recency_days'.")
  @IsOptional()
  @IsString()
  @MinLength(1)
  @Validate(OnlyWithPreset)
  recencyFeature?: string;

  /** Numeric feature: number of purchases (RFM only). Default 'frequency'. */
  @Describe("Numeric feature: number of purchases (RFM only). Default 'frequency'.")
  @IsOptional()
  @IsString()
  @MinLength(1)
  @Validate(OnlyWithPreset)
  frequencyFeature?: string;

  /** Numeric feature: money spent (RFM only). Default 'monetary'. */
  @Describe("Numeric feature: money spent (RFM only). Default 'monetary'.")
  @IsOptional()
  @IsString()
  @MinLength(1)
  @Validate(OnlyWithPreset)
  monetaryFeature?: string;
}

/** A condition as the engine and the artifact hold it. */
export type Condition =
  | { feature: string; op: NumericOp; value: number }
  | { feature: string; op: 'in'; values: string[] };
export interface Rule {
  segment: string;
  when: Condition[];
}

/** What validated params mean, with every default filled. */
export type RulesConfig =
  | { mode: 'rules'; rules: Rule[]; defaultSegment: string }
  | { mode: 'rfm'; features: { recency: string; frequency: string; monetary: string } };

export const DEFAULT_SEGMENT = 'Other';

/** Resolves validated params into one of the two modes, filling the documented defaults. */
export function resolveConfig(params: RulesParams): RulesConfig {
  if (params.rules !== undefined) {
    const rules = params.rules.map((r) => ({
      segment: r.segment,
      when: r.when.map(
        (c): Condition =>
          c.op === 'in'
            ? { feature: c.feature, op: 'in', values: [...(c.values ?? [])] }
            : { feature: c.feature, op: c.op, value: c.value as number },
      ),
    }));
    return { mode: 'rules', rules, defaultSegment: params.defaultSegment ?? DEFAULT_SEGMENT };
  }
  return {
    mode: 'rfm',
    features: {
      recency: params.recencyFeature ?? RFM_DEFAULT_FEATURES.recency,
      frequency: params.frequencyFeature ?? RFM_DEFAULT_FEATURES.frequency,
      monetary: params.monetaryFeature ?? RFM_DEFAULT_FEATURES.monetary,
    },
  };
}
