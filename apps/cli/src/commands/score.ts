import { InvalidArgumentError } from 'commander';
import { scoredRowsCsv, scoringView, type Workbench } from '@workbench/services';
import type { Output } from '../output';

/** `D` or `D@v3` / `D@3`: a dataset name and an optional version. */
export function parseDatasetRef(value: string): { dataset: string; version?: number } {
  const match = /^(.+?)(?:@v?(\d+))?$/.exec(value);
  if (!match || match[1].includes('@'))
    throw new InvalidArgumentError(`expected a dataset name, optionally with a version: 'retail' or 'retail@3'`);
  return { dataset: match[1], ...(match[2] ? { version: Number(match[2]) } : {}) };
}

/**
 * `workbench score <run> --dataset D[@v] [--format csv|json]`: queues the scoring of a dataset version with
 * the run's model (no retraining), waits for it (processed here when embedded) and prints every customer's
 * segment and score, or why the model refused the customer, as GET /scorings/:id/assignments does.
 */
export async function scoreDataset(
  workbench: Workbench,
  out: Output,
  options: { run: string; dataset: { dataset: string; version?: number }; format: 'csv' | 'json' },
): Promise<void> {
  const submitted = await workbench.scorings.submit(options.run, options.dataset);
  const scoring = await workbench.scorings.waitFor(submitted.id);
  const view = scoringView(scoring);
  if (scoring.status !== 'succeeded') throw new Error(`scoring ${scoring.id} failed: ${scoring.error}`);
  out.note(
    `scored ${view.dataset.name} v${view.dataset.version} with ${view.run.segmentation} v${view.run.version}: ${view.scoredCount} customer(s) scored, ${view.errorCount} refused (scoring ${view.id})`,
  );
  const rows = await workbench.scorings.rows(scoring.id);
  if (options.format === 'json') out.line(JSON.stringify(rows));
  else for (const line of scoredRowsCsv(rows)) out.line(line);
}
