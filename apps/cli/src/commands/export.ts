import type { Workbench } from '@workbench/services';
import type { Output } from '../output';

const quote = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** `workbench export <run> [--format csv|json]`: the run's customer → segment assignments on stdout. */
export async function exportAssignments(workbench: Workbench, out: Output, options: { run: string; format: 'csv' | 'json' }): Promise<void> {
  const run = await workbench.runs.resolve(options.run);
  const rows = await workbench.assignments.forRun(run.id);
  if (options.format === 'json') {
    out.line(JSON.stringify(rows));
    return;
  }
  out.line('customer_id,segment_key,segment,score');
  for (const r of rows) out.line(`${quote(r.customerId)},${r.segmentKey},${quote(r.segmentLabel)},${r.score ?? ''}`);
}
