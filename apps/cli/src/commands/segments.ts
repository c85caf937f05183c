import type { Workbench } from '@workbench/services';
import type { Output } from '../output';
import { loadRunReport, printRunReport, type RunReport } from '../run-report';

export interface ShowSegmentsOptions {
  /** Run id, `<segmentation>@v<n>` or `<segmentation>@latest`. */
  run: string;
  json?: boolean;
}

/** `workbench segments <run>`: the segment table of one run, as `demo` prints it. */
export async function showSegments(
  workbench: Workbench,
  out: Output,
  options: ShowSegmentsOptions,
): Promise<RunReport> {
  const run = await workbench.runs.resolve(options.run);
  const report = await loadRunReport(workbench, run);
  printRunReport(out, report, options.json ?? false, workbench);
  return report;
}
