import { aliasView, type Workbench } from '@workbench/services';
import type { Output } from '../output';

/** `workbench promote <run> --alias champion`: points the alias of the run's segmentation at the run (audited as `cli`). */
export async function promoteRun(
  workbench: Workbench,
  out: Output,
  options: { run: string; alias: string; json?: boolean },
): Promise<void> {
  const run = await workbench.runs.resolve(options.run);
  await workbench.aliases.move(run.segmentation.id, options.alias, run.id, 'cli');
  if (options.json)
    out.line(
      JSON.stringify(
        (await workbench.aliases.list(run.segmentation.id)).map(aliasView).find((a) => a.name === options.alias),
      ),
    );
  else out.line(`${run.segmentation.name}@${options.alias} → v${run.version} (${run.id})`);
}
