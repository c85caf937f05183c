import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { categorical, createFeatureFrame, numeric, type FeatureColumn, type FeatureFrame } from '@workbench/plugin-sdk';

const FIXTURES = join(__dirname, 'fixtures');

export const TELCO_HEADER =
  'customerID,gender,SeniorCitizen,Partner,Dependents,tenure,PhoneService,MultipleLines,InternetService,OnlineSecurity,OnlineBackup,DeviceProtection,TechSupport,StreamingTV,StreamingMovies,Contract,PaperlessBilling,PaymentMethod,MonthlyCharges,TotalCharges,Churn';
/** Numeric columns; every other column but customerID is categorical (Churn included: 'Yes' / 'No'). */
export const TELCO_NUMERIC = ['SeniorCitizen', 'tenure', 'MonthlyCharges', 'TotalCharges'];

/**
 * The IBM Telco Customer Churn sample (fixtures/PROVENANCE.md) as a feature frame: ids are customerID,
 * the four numeric columns numeric, the rest categorical. The file has no quoted fields (checked here),
 * so a plain split on commas is exact. TotalCharges is a single blank in 11 rows, all with tenure 0
 * (no bill yet): they are read as 0, not dropped, as the sklearn reference script does too.
 *
 * `keep(i)` selects data rows by 0-based index (all by default); `blankTotalCharges: 'missing'` reads those
 * 11 blanks as missing values instead, as a file ingest does (the `impute` param's real case).
 */
export function telcoFrame(
  keep: (row: number) => boolean = () => true,
  blankTotalCharges: 'zero' | 'missing' = 'zero',
): FeatureFrame {
  const text = readFileSync(join(FIXTURES, 'telco_customer_churn.csv'), 'utf8');
  if (text.includes('"'))
    throw new Error('telco_customer_churn.csv has quoted fields; the comma split below would be wrong');
  const lines = text.trim().split(/\r?\n/);
  if (lines[0] !== TELCO_HEADER) throw new Error(`unexpected header in telco_customer_churn.csv: ${lines[0]}`);
  const names = TELCO_HEADER.split(',');
  const rows = lines
    .slice(1)
    .map((line) => line.split(','))
    .filter((_, i) => keep(i));
  for (const r of rows)
    if (r.length !== names.length)
      throw new Error(`row of customer ${r[0]} has ${r.length} fields, not ${names.length}`);
  const columns: Record<string, FeatureColumn> = {};
  names.forEach((name, j) => {
    if (j === 0) return;
    if (TELCO_NUMERIC.includes(name)) {
      columns[name] = numeric(
        rows.map((r) => {
          if (r[j].trim() === '') return name === 'TotalCharges' && blankTotalCharges === 'zero' ? 0 : Number.NaN;
          return Number(r[j]);
        }),
      );
    } else {
      columns[name] = categorical(rows.map((r) => r[j]));
    }
  });
  return createFeatureFrame(
    rows.map((r) => r[0]),
    columns,
  );
}

/** A small Telco-derived frame for quick tests: every 20th customer (353 rows). */
export function smallTelcoFrame(): FeatureFrame {
  return telcoFrame((i) => i % 20 === 0);
}

/** The split the sklearn reference is computed on: holdout rows of `stratifiedHoldout(y, 0.2, 42)`, exported by export-holdout.ts. */
export interface HoldoutFixture {
  seed: number;
  holdoutFraction: number;
  rows: number;
  holdout: number[];
}

export function holdoutFixture(): HoldoutFixture {
  return JSON.parse(readFileSync(join(FIXTURES, 'telco-holdout.json'), 'utf8')) as HoldoutFixture;
}

/** Output of reference/sklearn_churn_reference.py (scikit-learn), committed so the tests need no Python. */
export interface SklearnChurnReference {
  versions: Record<string, string>;
  rows: number;
  train_rows: number;
  holdout_rows: number;
  encoded_columns: string[];
  logistic: { C: number; auc: number; log_loss: number; brier: number; train_auc: number };
  logistic_default_c: { C: number; auc: number };
  mlp: { hidden_layer_sizes: number[]; auc: number; log_loss: number };
  cv: { folds: number; repeats: number; auc_mean: number; auc_std: number };
  metrics_check: {
    y: number[];
    p: number[];
    auc: number;
    log_loss: number;
    brier: number;
    auc_rounded2: number;
    log_loss_rounded2: number;
    calibration_prob_true: number[];
    calibration_prob_pred: number[];
    calibration_prob_true_rounded2: number[];
    calibration_prob_pred_rounded2: number[];
  };
}

export function sklearnChurnReference(): SklearnChurnReference {
  return JSON.parse(readFileSync(join(FIXTURES, 'sklearn-churn-reference.json'), 'utf8')) as SklearnChurnReference;
}
