import { runView, type Workbench } from '@workbench/services';
import type { Output } from '../output';

/**
 * `workbench cancel <run>`: cancels a queued or running run. The process that runs it (a server, a worker)
 * sees the status within about a second, stops the plugin and stores nothing.
 */
export async function cancelRun(
  workbench: Workbench,
  out: Output,
  options: { run: string; json?: boolean },
): Promise<void> {
  const run = await workbench.runs.cancel(options.run);
  if (options.json) out.line(JSON.stringify(runView(run), null, 2));
  else out.line(`${run.segmentation.name} v${run.version} (${run.id}) cancelled`);
}
