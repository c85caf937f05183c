import { join, relative } from 'node:path';
import type { Workbench } from '@workbench/services';
import type { Output } from '../output';
import { formatCount, loadRunReport, printRunReport, type RunReport } from '../run-report';

/** The shipped sample: the 22,190 invoices of UCI Online Retail's 4,372 identified customers (see samples/PROVENANCE.md). */
export const SAMPLE_PATH = join(__dirname, '../../../../samples/online-retail-invoices.csv');
export const DEMO_DATASET = 'online-retail';
export const DEMO_FEATURES = ['recency_days', 'frequency', 'monetary'];
/** KPI evaluators of the demo: the standard KPIs (fewer bootstrap resamples, for speed) and BG/NBD + Gamma-Gamma CLV. */
export const DEMO_KPIS = [{ plugin: 'kpi-standard', params: { bootstrapResamples: 200 } }, { plugin: 'kpi-clv' }];

export interface DemoOptions {
  /** Fixed number of segments; absent = the best silhouette over 2..6. */
  k?: number;
  /** Seed of the run; random (and recorded) when absent. */
  seed?: number;
  json?: boolean;
  /** Another customers CSV than the shipped sample (tests). */
  samplePath?: string;
}

/**
 * The segmentation the demo trains. A segmentation's params are fixed once it exists, so a fixed k
 * gets a segmentation of its own (`demo-kmeans-k4`) instead of being silently ignored.
 * Frequency and monetary are clustered on log(1 + x): both are heavy-tailed, and on raw values the
 * silhouette search picks k = 2 with a dozen wholesale customers against everyone else.
 */
export function demoSegmentation(k?: number): { name: string; params: Record<string, unknown> } {
  const search = k === undefined ? { kMin: 2, kMax: 6 } : { k };
  return {
    name: k === undefined ? 'demo-kmeans' : `demo-kmeans-k${k}`,
    params: { features: DEMO_FEATURES, logFeatures: ['frequency', 'monetary'], ...search, nInit: 5 },
  };
}

/**
 * `workbench demo`: ingests the sample (the same content keeps its dataset version), ensures the demo
 * segmentation, queues a run, follows its progress and prints the segments. Needs a worker running
 * (the CLI starts one in-process). Each call makes the next run version.
 */
export async function runDemo(workbench: Workbench, out: Output, options: DemoOptions = {}): Promise<RunReport> {
  const path = options.samplePath ?? SAMPLE_PATH;
  // Cancellations are left out (`returns: 'exclude'`): a few customers' cancellations refer to purchases
  // before the data starts, which would make their net spend negative and its logarithm undefined.
  const ingest = await workbench.datasets.ingestTransactions({
    dataset: DEMO_DATASET,
    source: path,
    sourceName: relative(process.cwd(), path),
    returns: 'exclude',
  });
  out.note(
    `dataset ${DEMO_DATASET} v${ingest.version.version}: ${formatCount(ingest.version.rowCount)} invoices` +
      (ingest.created ? ` (ingested from ${relative(process.cwd(), path)})` : ' (unchanged, already stored)'),
  );

  const wanted = demoSegmentation(options.k);
  const segmentation = await workbench.segmentations.ensure({
    name: wanted.name,
    description:
      'k-means on recency, frequency and monetary of the shipped Online Retail sample (made by `workbench demo`)',
    plugin: 'segmenter-kmeans',
    params: wanted.params,
    dataset: DEMO_DATASET,
    kpis: DEMO_KPIS,
  });
  const differing = Object.keys(wanted.params).filter(
    (key) => JSON.stringify(segmentation.params[key]) !== JSON.stringify(wanted.params[key]),
  );
  if (differing.length > 0) {
    out.note(
      `warning: segmentation '${segmentation.name}' exists with other params (${differing.join(', ')}); its stored params are used`,
    );
  }

  const queued = await workbench.runs.submit(segmentation.id, { seed: options.seed });
  out.note(`queued ${segmentation.name} v${queued.version} (run ${queued.id}, seed ${queued.seed})`);
  const finished = await workbench.runs.waitFor(queued.id, (run) =>
    out.progress(run.progress, run.progressNote ?? run.status),
  );
  out.endProgress();

  const report = await loadRunReport(workbench, finished);
  if (finished.status !== 'succeeded')
    throw new Error(`run ${segmentation.name} v${finished.version} failed: ${finished.error ?? 'no error recorded'}`);
  printRunReport(out, report, options.json ?? false, workbench);
  return report;
}
