import type { Workbench } from '@workbench/services';
import type { Output } from '../output';
import { loadRunReport, printRunReport, type RunReport } from '../run-report';

export interface RunOptions {
  segmentation: string;
  /** Creates the segmentation when it does not exist yet (with `dataset`). */
  plugin?: string;
  dataset?: string;
  /** JSON object of params: for a new segmentation, its params; for an existing one, this version's overrides. */
  params?: string;
  seed?: number;
  /** New predictor segmentations: derive a `churned` label (no purchase in the last N days of the data). */
  churnHorizon?: number;
  /** The column a predictor learns (its `label` param), e.g. `Churn`: shorthand for `--params '{"label": …}'`. */
  label?: string;
  /** New segmentations: KPI evaluators, `kpi-standard,kpi-clv`, a JSON array `[{"plugin":…,"params":{…}}]`, or `none`. */
  kpis?: string;
  json?: boolean;
}

function parseParams(raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new Error(`--params is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('--params must be a JSON object, e.g. {"k": 4}');
  return parsed as Record<string, unknown>;
}

/** `--kpis`: evaluator names separated by commas, a JSON array of `{plugin, params}`, or `none`; absent = the defaults. */
export function parseKpis(raw: string | undefined): { plugin: string; params?: Record<string, unknown> }[] | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === 'none') return [];
  if (!text.startsWith('[')) {
    const names = text.split(',').map((name) => name.trim());
    if (names.some((name) => name === ''))
      throw new Error(`--kpis '${raw}' has an empty name; give e.g. kpi-standard,kpi-clv`);
    return names.map((plugin) => ({ plugin }));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`--kpis is not valid JSON: ${(e as Error).message}`);
  }
  const valid = (k: unknown) =>
    typeof k === 'object' &&
    k !== null &&
    typeof (k as { plugin?: unknown }).plugin === 'string' &&
    ['undefined', 'object'].includes(typeof (k as { params?: unknown }).params);
  if (!Array.isArray(parsed) || !parsed.every(valid))
    throw new Error(
      '--kpis as JSON must be an array of {"plugin": name, "params": {…}}, e.g. [{"plugin":"kpi-standard","params":{"bootstrapResamples":200}}]',
    );
  return parsed as { plugin: string; params?: Record<string, unknown> }[];
}

/**
 * `workbench run <segmentation>`: queues the next version of a segmentation (creating it from
 * --plugin and --dataset when it is new), follows its progress and prints its segments.
 */
export async function runSegmentation(workbench: Workbench, out: Output, options: RunOptions): Promise<RunReport> {
  const parsed = parseParams(options.params);
  if (options.label !== undefined && parsed?.label !== undefined && parsed.label !== options.label) {
    throw new Error(`--label '${options.label}' and --params label '${String(parsed.label)}' differ; give one`);
  }
  const params = options.label === undefined ? parsed : { ...parsed, label: options.label };
  const kpis = parseKpis(options.kpis);
  let isNew = false;
  try {
    await workbench.segmentations.get(options.segmentation);
  } catch {
    if (!options.plugin || !options.dataset) {
      throw new Error(
        `segmentation '${options.segmentation}' not found; to create it, give --plugin <name> and --dataset <name>`,
      );
    }
    const created = await workbench.segmentations.create({
      name: options.segmentation,
      plugin: options.plugin,
      dataset: options.dataset,
      params,
      kpis,
      churnHorizonDays: options.churnHorizon,
    });
    const evaluators = created.kpis?.map((k) => k.plugin) ?? [];
    const how =
      kpis === undefined
        ? evaluators.length > 0
          ? ', the default on transactions; choose with --kpis'
          : '; add some with --kpis'
        : '';
    out.note(
      `created segmentation ${created.name} (${created.pluginName} on ${options.dataset}); KPI evaluators: ${evaluators.join(', ') || 'none'}${how}`,
    );
    isNew = true;
  }
  if (!isNew && kpis !== undefined)
    throw new Error(`--kpis applies to a new segmentation; '${options.segmentation}' exists with its own evaluators`);
  const queued = await workbench.runs.submit(options.segmentation, {
    seed: options.seed,
    params: isNew ? undefined : params,
  });
  out.note(`queued ${options.segmentation} v${queued.version} (run ${queued.id}, seed ${queued.seed})`);
  const finished = await workbench.runs.waitFor(queued.id, (run) =>
    out.progress(run.progress, run.progressNote ?? run.status),
  );
  out.endProgress();
  if (finished.status !== 'succeeded')
    throw new Error(
      `run ${options.segmentation} v${finished.version} failed: ${finished.error ?? 'no error recorded'}`,
    );
  const report = await loadRunReport(workbench, finished);
  printRunReport(out, report, options.json ?? false, workbench);
  return report;
}
