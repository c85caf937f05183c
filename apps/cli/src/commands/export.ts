import { assignmentRowsCsv, type Workbench } from '@workbench/services';
import type { Output } from '../output';

/** `workbench export <run> [--format csv|json]`: the run's customer → segment assignments on stdout. */
export async function exportAssignments(
  workbench: Workbench,
  out: Output,
  options: { run: string; format: 'csv' | 'json' },
): Promise<void> {
  const run = await workbench.runs.resolve(options.run);
  const rows = await workbench.assignments.forRun(run.id);
  if (options.format === 'json') {
    out.line(JSON.stringify(rows));
    return;
  }
  for (const line of assignmentRowsCsv(rows)) out.line(line);
}
