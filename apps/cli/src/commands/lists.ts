import { datasetView, segmentationView, type Workbench } from '@workbench/services';
import type { Output } from '../output';
import { formatNumber } from '../run-report';
import { renderTable } from '../table';

const day = (d: Date) => d.toISOString().slice(0, 10);

/** `workbench datasets`: every dataset with its latest version (JSON: what `GET /datasets` answers). */
export async function listDatasets(workbench: Workbench, out: Output, options: { json?: boolean }): Promise<void> {
  const datasets = await workbench.datasets.list();
  if (options.json) {
    out.line(JSON.stringify(datasets.map(datasetView), null, 2));
    return;
  }
  if (datasets.length === 0) {
    out.line('no datasets yet; add one with `workbench ingest <file> --dataset <name>`');
    return;
  }
  const rows = [];
  for (const d of datasets) {
    const versions = await workbench.datasets.versions(d.id);
    const kinds = [...new Set(versions.map((v) => (v.kind === 'table' ? `table ${v.tableName}` : v.kind)))].join(', ');
    const last = versions.at(-1);
    rows.push([
      d.name,
      String(versions.length),
      kinds,
      last ? `v${last.version}: ${last.rowCount.toLocaleString('en-US')} rows` : '-',
      day(d.createdAt),
    ]);
  }
  for (const line of renderTable(
    [
      { header: 'dataset' },
      { header: 'versions', align: 'right' },
      { header: 'kinds' },
      { header: 'latest' },
      { header: 'created' },
    ],
    rows,
  ))
    out.line(line);
}

/** `workbench segmentations`: every segmentation with its plugin, dataset and KPI evaluators (JSON: `GET /segmentations`). */
export async function listSegmentations(workbench: Workbench, out: Output, options: { json?: boolean }): Promise<void> {
  const segmentations = (await workbench.segmentations.list()).map(segmentationView);
  if (options.json) {
    out.line(JSON.stringify(segmentations, null, 2));
    return;
  }
  if (segmentations.length === 0) {
    out.line('no segmentations yet; create one with `workbench run <name> --plugin <plugin> --dataset <dataset>`');
    return;
  }
  const rows = [];
  for (const s of segmentations) {
    const runs = await workbench.segmentations.runs(s.id);
    rows.push([
      s.name,
      s.plugin,
      s.dataset.name,
      s.kpis.map((k) => k.plugin).join(', ') || '-',
      runs.length === 0 ? '-' : `v${runs.at(-1)?.version} ${runs.at(-1)?.status}`,
    ]);
  }
  for (const line of renderTable(
    [
      { header: 'segmentation' },
      { header: 'plugin' },
      { header: 'dataset' },
      { header: 'KPI evaluators' },
      { header: 'latest run' },
    ],
    rows,
  ))
    out.line(line);
}

/** `workbench features <dataset>`: the features a run trains on, with definitions, units and ranges (JSON: `GET /datasets/:id/features`). */
export async function listFeatures(
  workbench: Workbench,
  out: Output,
  options: { dataset: string; version?: number; json?: boolean },
): Promise<void> {
  const { version, features } = await workbench.runInputs.featuresOf(options.dataset, options.version);
  if (options.json) {
    out.line(JSON.stringify(features, null, 2));
    return;
  }
  out.line(
    `features of a run on ${options.dataset} v${version.version} (${version.kind}); use them in a plugin's params, e.g. {"features":["recency_days","frequency"]}`,
  );
  out.line('');
  const range = (v: number | null) => (v === null ? '-' : formatNumber(v));
  const rows = features.map((f) => [
    f.name,
    f.unit ?? '-',
    range(f.min),
    range(f.mean),
    range(f.max),
    f.missing === 0 ? '' : String(f.missing),
    `${f.definition} (${f.source})`,
  ]);
  const columns = [
    { header: 'feature' },
    { header: 'unit' },
    { header: 'min', align: 'right' as const },
    { header: 'mean', align: 'right' as const },
    { header: 'max', align: 'right' as const },
    { header: 'missing', align: 'right' as const },
    { header: 'definition' },
  ];
  for (const line of renderTable(columns, rows)) out.line(line);
}
