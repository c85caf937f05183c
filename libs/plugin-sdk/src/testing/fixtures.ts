import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the shared real data files live (see its PROVENANCE.md): CDNOW's event log and summaries, an Online Retail sample. */
export const FIXTURES_DIR = join(__dirname, '../../test/fixtures');

/** The shared real data files, by name. */
export type FixtureName =
  | 'cdnowElog.csv'
  | 'cdnow_customers_summary.csv'
  | 'cdnow_customers_summary_with_transactions.csv'
  | 'online-retail-sample.csv';

/**
 * The path of one of the shared real data files, so every project's specs read the one copy.
 *
 * @example
 * const { table } = await ingestTransactions(fixturePath('cdnowElog.csv'), { now });
 */
export function fixturePath(name: FixtureName): string {
  return join(FIXTURES_DIR, name);
}

/**
 * The rows of a shared comma-separated file without quoting, split on commas; refuses a header other than
 * `expectedHeader`, so a changed file fails loudly instead of shifting columns.
 *
 * @example
 * const rows = readFixtureCsv('cdnow_customers_summary.csv', 'ID,frequency,recency,T');
 */
export function readFixtureCsv(name: FixtureName, expectedHeader: string): string[][] {
  const lines = readFileSync(fixturePath(name), 'utf8').trim().split(/\r?\n/);
  if (lines[0] !== expectedHeader) throw new Error(`unexpected header in ${name}: ${lines[0]}`);
  return lines.slice(1).map((line) => line.split(','));
}
