import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { categorical, createFeatureFrame, numeric, type FeatureFrame } from '@workbench/plugin-sdk';

const FIXTURES = join(__dirname, 'fixtures');

/**
 * The Mall Customers teaching data (see fixtures/PROVENANCE.md) as a feature frame: ids are CustomerID,
 * numeric `age`, `annual_income` (k$) and `spending_score` (1–100), categorical `genre`.
 */
export function mallCustomersFrame(): FeatureFrame {
  const lines = readFileSync(join(FIXTURES, 'mall_customers.csv'), 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  if (header.join(',') !== 'CustomerID,Genre,Age,Annual Income (k$),Spending Score (1-100)') {
    throw new Error(`unexpected header in mall_customers.csv: ${lines[0]}`);
  }
  const rows = lines.slice(1).map((line) => line.split(','));
  return createFeatureFrame(
    rows.map((r) => r[0]),
    {
      genre: categorical(rows.map((r) => r[1])),
      age: numeric(rows.map((r) => Number(r[2]))),
      annual_income: numeric(rows.map((r) => Number(r[3]))),
      spending_score: numeric(rows.map((r) => Number(r[4]))),
    },
  );
}

/** Output of test/reference/sklearn_reference.py (scikit-learn), committed so tests need no Python. */
export interface SklearnReference {
  versions: Record<string, string>;
  features: string[];
  means: number[];
  stds: number[];
  k5: {
    labels: number[];
    inertia: number;
    centroids_scaled: number[][];
    centroids_original: number[][];
    silhouette: number;
    silhouette_exact: number;
    inertia_original: number;
    silhouette_original_exact: number;
  };
  k5_by_scaling: Record<
    'minmax' | 'none',
    {
      labels: number[];
      inertia: number;
      silhouette_exact: number;
      inertia_original: number;
      silhouette_original_exact: number;
    }
  >;
  by_k: Record<string, { inertia: number; silhouette: number; silhouette_exact: number }>;
  best_k_by_silhouette: number;
}

export function sklearnReference(): SklearnReference {
  return JSON.parse(readFileSync(join(FIXTURES, 'sklearn-reference.json'), 'utf8')) as SklearnReference;
}
