import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { categorical, createFeatureFrame, numeric, type FeatureFrame } from '@workbench/plugin-sdk';

const SAMPLE = join(__dirname, '..', '..', '..', 'samples', 'online-retail-customers.csv');

/**
 * The shipped sample (samples/online-retail-customers.csv, see samples/PROVENANCE.md) as a feature frame
 * in file order: ids are customer_id, numeric `recency_days`, `frequency`, `monetary`, categorical `country`.
 */
export function onlineRetailFrame(): FeatureFrame {
  const lines = readFileSync(SAMPLE, 'utf8').trim().split(/\r?\n/);
  if (lines[0] !== 'customer_id,country,first_purchase,last_purchase,recency_days,frequency,monetary') {
    throw new Error(`unexpected header in online-retail-customers.csv: ${lines[0]}`);
  }
  const rows = lines.slice(1).map((line) => line.split(','));
  return createFeatureFrame(
    rows.map((r) => r[0]),
    {
      country: categorical(rows.map((r) => r[1])),
      recency_days: numeric(rows.map((r) => Number(r[4]))),
      frequency: numeric(rows.map((r) => Number(r[5]))),
      monetary: numeric(rows.map((r) => Number(r[6]))),
    },
  );
}

type Means = Record<'R' | 'F' | 'M' | 'recency_days' | 'frequency' | 'monetary', number>;

/** Output of test/reference/rfm_reference.py (pandas), committed so tests need no Python. */
export interface RfmReference {
  versions: Record<string, string>;
  customers: number;
  segments: Record<string, { count: number; means: Means | null }>;
  rf_cells: Record<string, number>;
  score_levels: Record<'R' | 'F' | 'M', Record<string, { count: number; min: number; max: number }>>;
  named_customers: Record<string, { R: number; F: number; M: number; segment: string }>;
  rules_example_counts: Record<string, number>;
  rfm_digits: string;
}

export function rfmReference(): RfmReference {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', 'rfm-reference.json'), 'utf8')) as RfmReference;
}
