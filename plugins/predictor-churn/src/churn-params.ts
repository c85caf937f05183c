import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  Min,
  MinLength,
  Validate,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { IMPUTE_METHODS, type ImputeMethod, Describe } from '@workbench/plugin-sdk';

export const MODEL_KINDS = ['logistic', 'mlp'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];
export const TIER_METHODS = ['thresholds', 'quantiles'] as const;
export type TierMethod = (typeof TIER_METHODS)[number];

@ValidatorConstraint({ name: 'increasingCutsInsideUnitInterval' })
class IncreasingCuts implements ValidatorConstraintInterface {
  validate(cuts: unknown): boolean {
    return (
      Array.isArray(cuts) &&
      cuts.every((c) => typeof c === 'number' && Number.isFinite(c) && c > 0 && c < 1) &&
      cuts.every((c, i) => i === 0 || (cuts[i - 1] as number) < (c as number))
    );
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must be two increasing numbers strictly between 0 and 1, e.g. [0.3, 0.6] (got ${JSON.stringify(args.value)})`;
  }
}

/**
 * Parameters of predictor-churn. Property initialisers are the defaults.
 *
 * @example
 * { label: 'Churn', positiveLabel: 'Yes', features: ['tenure', 'MonthlyCharges', 'Contract'], model: 'logistic' }
 * { label: 'churned', model: 'mlp', hiddenUnits: [16, 8], epochs: 40, tiers: 'quantiles', tierQuantiles: [0.5, 0.8] }
 */
export class ChurnParams {
  /** The column to predict: numeric 0/1, or categorical with two levels of which `positiveLabel` is the churn level. */
  @Describe(
    'The column to predict: numeric 0/1, or categorical with two levels of which `positiveLabel` is the churn level.',
  )
  @IsString()
  @MinLength(1)
  label = 'Churn';

  /** The level of a categorical `label` that means "churned" (ignored for a numeric 0/1 label). */
  @Describe('The level of a categorical `label` that means "churned" (ignored for a numeric 0/1 label).')
  @IsString()
  @MinLength(1)
  positiveLabel = 'Yes';

  /**
   * Features the model reads: numeric ones are standardised, categorical ones one-hot encoded.
   * Empty means every column of the frame except the label, in frame order.
   */
  @Describe(
    'Features the model reads: numeric ones are standardised, categorical ones one-hot encoded. Empty means every column of the frame except the label, in frame order.',
  )
  @IsArray()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @ArrayUnique()
  features: string[] = [];

  /**
   * Missing numeric values: absent = refuse them, naming the customer; 'median' or 'mean' of the training
   * rows, or 'zero', fills them (new data at scoring too); 'drop' leaves those rows out of training and the
   * metrics (they are still scored, with the missing input at the training mean, since every customer
   * gets a tier). The run reports `imputed_values` and `dropped_rows`.
   */
  @Describe(
    "Missing numeric values: absent = refuse them, naming the customer; 'median' or 'mean' of the training rows, or 'zero', fills them (new data at scoring too); 'drop' leaves those rows out of training and the metrics (they are still scored, with the missing input at the training mean, since every customer gets a tier). The run reports `imputed_values` and `dropped_rows`.",
  )
  @IsOptional()
  @IsIn(IMPUTE_METHODS)
  impute?: ImputeMethod;

  /** 'logistic' is one sigmoid unit on the inputs; 'mlp' adds ReLU hidden layers of `hiddenUnits`. */
  @Describe("'logistic' is one sigmoid unit on the inputs; 'mlp' adds ReLU hidden layers of `hiddenUnits`.")
  @IsIn(MODEL_KINDS)
  model: ModelKind = 'logistic';

  /** Sizes of the MLP's hidden layers, input side first (ignored for 'logistic'). */
  @Describe("Sizes of the MLP's hidden layers, input side first (ignored for 'logistic').")
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(512, { each: true })
  hiddenUnits: number[] = [16, 8];

  /**
   * Upper bound on the passes over the training rows; training usually stops earlier (see `tol`). With
   * minibatches the rows are shuffled from the run seed each epoch; a full batch needs no shuffle.
   */
  @Describe(
    'Upper bound on the passes over the training rows; training usually stops earlier (see `tol`). With minibatches the rows are shuffled from the run seed each epoch; a full batch needs no shuffle.',
  )
  @IsInt()
  @Min(1)
  @Max(1000)
  epochs = 200;

  /**
   * Rows per Adam step; 0 (the default) = every training row in one batch. tfjs on wasm pays ~1 ms per step
   * whatever the batch size, so full-batch steps train fastest here (see the README).
   */
  @Describe(
    'Rows per Adam step; 0 (the default) = every training row in one batch. tfjs on wasm pays ~1 ms per step whatever the batch size, so full-batch steps train fastest here (see the README).',
  )
  @IsInt()
  @Min(0)
  @Max(65_536)
  batchSize = 0;

  /** Adam's step size (0.05 suits full batches; use ~0.01 with minibatches of ~128). */
  @Describe("Adam's step size (0.05 suits full batches; use ~0.01 with minibatches of ~128).")
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1e-6)
  @Max(1)
  learningRate = 0.05;

  /**
   * Early stop as scikit-learn's MLPClassifier: an epoch whose mean training loss is not below the best so far
   * minus `tol` counts as no improvement, and training stops after more than `nIterNoChange` of them in a row.
   */
  @Describe(
    "Early stop as scikit-learn's MLPClassifier: an epoch whose mean training loss is not below the best so far minus `tol` counts as no improvement, and training stops after more than `nIterNoChange` of them in a row.",
  )
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  tol = 1e-4;

  /** See `tol`; set it to `epochs` or more to always run every epoch. */
  @Describe('See `tol`; set it to `epochs` or more to always run every epoch.')
  @IsInt()
  @Min(1)
  @Max(1000)
  nIterNoChange = 10;

  /**
   * L2 penalty per kernel weight, added to the mean log-loss as `l2 · Σw²` (biases are not penalised).
   * For the logistic model this matches scikit-learn's `LogisticRegression(C = 1 / (2 · nTrain · l2))`.
   */
  @Describe(
    "L2 penalty per kernel weight, added to the mean log-loss as `l2 · Σw²` (biases are not penalised). For the logistic model this matches scikit-learn's `LogisticRegression(C = 1 / (2 · nTrain · l2))`.",
  )
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  l2 = 1e-4;

  /** Share of rows held out (stratified by label, seeded) for the metrics; 0 = metrics on the training rows. */
  @Describe('Share of rows held out (stratified by label, seeded) for the metrics; 0 = metrics on the training rows.')
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(0.5)
  holdoutFraction = 0.2;

  /** How the three risk tiers are cut: fixed probability thresholds, or quantiles of the training frame's scores. */
  @Describe(
    "How the three risk tiers are cut: fixed probability thresholds, or quantiles of the training frame's scores.",
  )
  @IsIn(TIER_METHODS)
  tiers: TierMethod = 'thresholds';

  /** Churn probabilities where Medium and High risk start (used when tiers = 'thresholds'). */
  @Describe("Churn probabilities where Medium and High risk start (used when tiers = 'thresholds').")
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(2)
  @Validate(IncreasingCuts)
  tierThresholds: number[] = [0.3, 0.6];

  /** Score quantiles where Medium and High risk start (used when tiers = 'quantiles'): [0.5, 0.8] = 50% low, 30% medium, 20% high. */
  @Describe(
    "Score quantiles where Medium and High risk start (used when tiers = 'quantiles'): [0.5, 0.8] = 50% low, 30% medium, 20% high.",
  )
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(2)
  @Validate(IncreasingCuts)
  tierQuantiles: number[] = [0.5, 0.8];

  /** Bins of the holdout calibration table (quantile bins of the predicted probability). */
  @Describe('Bins of the holdout calibration table (quantile bins of the predicted probability).')
  @IsInt()
  @Min(2)
  @Max(100)
  calibrationBins = 10;
}
