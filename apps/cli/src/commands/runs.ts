import { runView, segmentationView, type RunView, type Workbench } from '@workbench/services';
import type { Output } from '../output';
import { formatDuration } from '../run-report';
import { renderTable } from '../table';

export interface ListRunsOptions {
  segmentation: string;
  json?: boolean;
}

const localTime = (d: Date) => {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
};

/** `workbench runs <segmentation>`: every run of a segmentation, oldest first. */
export async function listRuns(workbench: Workbench, out: Output, options: ListRunsOptions): Promise<RunView[]> {
  const segmentation = await workbench.segmentations.get(options.segmentation);
  const runs = (await workbench.segmentations.runs(segmentation.id)).map(runView);
  if (options.json) {
    out.line(JSON.stringify({ segmentation: segmentationView(segmentation), runs }, null, 2));
    return runs;
  }
  if (runs.length === 0) {
    out.line(`segmentation '${segmentation.name}' has no runs yet`);
    return runs;
  }
  const table = renderTable(
    [
      { header: 'version', align: 'right' },
      { header: 'status' },
      { header: 'dataset', align: 'right' },
      { header: 'plugin' },
      { header: 'seed', align: 'right' },
      { header: 'created' },
      { header: 'duration', align: 'right' },
      { header: 'error' },
    ],
    runs.map((r) => [
      `v${r.version}`,
      r.status === 'running' ? `running ${Math.round(r.progress * 100)}%` : r.status,
      `v${r.datasetVersion.version}`,
      `${r.plugin.name}@${r.plugin.version}`,
      String(r.seed),
      localTime(r.timings.queuedAt),
      formatDuration(r.timings.durationMs),
      r.error ?? '',
    ]),
  );
  for (const line of table) out.line(line);
  return runs;
}
