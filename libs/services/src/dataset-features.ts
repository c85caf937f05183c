import { BGNBD_FEATURES, columnStats, RFM_FEATURES, type FeatureDefinition } from '@workbench/data';
import type { DatasetVersion } from '@workbench/persistence';
import { resolveColumnName, type FeatureFrame } from '@workbench/plugin-sdk';
import { InvalidRequestError } from './errors';

/** One feature a run on a dataset version trains on: what it means, its unit and its range over the customers. */
export interface FeatureView {
  name: string;
  type: 'numeric' | 'categorical';
  unit: string | null;
  definition: string;
  /** `rfm@1`, `bgnbd@1` for features derived from transactions; `customers` for a column of the customers table. */
  source: string;
  count: number;
  missing: number;
  min: number | null;
  max: number | null;
  mean: number | null;
}

const DERIVED: ReadonlyMap<string, { set: string; feature: FeatureDefinition }> = new Map(
  [RFM_FEATURES, BGNBD_FEATURES].flatMap((set) =>
    set.features.map((feature) => [feature.name, { set: `${set.name}@${set.version}`, feature }] as const),
  ),
);

/** The features of a run input: derived ones with their feature set's definition, the others as columns of the customers table. */
export async function describeFeatures(version: DatasetVersion, frame: FeatureFrame): Promise<FeatureView[]> {
  const sources = new Map(version.schema.map((c) => [c.name, (c as { source?: string }).source ?? c.name]));
  const views: FeatureView[] = [];
  for (const [name, column] of Object.entries(frame.columns)) {
    // A turn for the event loop between columns: each is a pass or two over every customer (tens of ms at 1M).
    if (views.length > 0) await new Promise(setImmediate);
    const derived = version.kind === 'transactions' ? DERIVED.get(name) : undefined;
    const stats = columnStats(name, column);
    const numeric = stats.type === 'numeric' ? stats : null;
    views.push({
      name,
      type: column.kind,
      unit: derived?.feature.unit ?? null,
      definition: derived
        ? derived.feature.description
        : `column '${sources.get(name) ?? name}' of the customers table`,
      source: derived ? derived.set : 'customers',
      count: stats.count,
      missing: stats.missing,
      min: numeric?.min ?? null,
      max: numeric?.max ?? null,
      mean: numeric?.mean ?? null,
    });
  }
  return views;
}

/**
 * A plugin param `logFeatures` names features clustered on log(1 + x), which is undefined at x ≤ −1. When the
 * data already shows such a value, the run is refused here, naming the feature and its minimum, rather than
 * failing in the worker. (Netted returns can make `monetary` negative: upload with `returns=exclude`, or
 * leave the feature out of logFeatures.)
 */
export function checkLogFeatures(
  params: Record<string, unknown>,
  features: readonly FeatureView[],
  datasetLabel: string,
): void {
  const logFeatures = Array.isArray(params.logFeatures)
    ? params.logFeatures.filter((f): f is string => typeof f === 'string')
    : [];
  const names = features.map((f) => f.name);
  // Named as the plugin will resolve them ('Monetary' is 'monetary'); a name that matches no feature, or
  // several, is the plugin's to refuse with its own message.
  const find = (name: string) => {
    try {
      return features.find((f) => f.name === resolveColumnName(names, name, 'logFeatures'));
    } catch {
      return undefined;
    }
  };
  const bad = logFeatures.map(find).filter((f): f is FeatureView => f !== undefined && f.min !== null && f.min <= -1);
  if (bad.length === 0) return;
  throw InvalidRequestError.at(
    'params.logFeatures',
    `logFeatures: ${bad.map((f) => `'${f.name}' has values down to ${f.min} in ${datasetLabel}`).join('; ')}; log(1 + x) needs values above -1. ` +
      `Remove ${bad.length === 1 ? 'it' : 'them'} from logFeatures` +
      (bad.some((f) => f.name === 'monetary')
        ? ", or upload the transactions with returns 'exclude' (netted returns make some customers' monetary negative)"
        : ''),
  );
}
