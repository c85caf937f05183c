import type { KpiValueView } from './kpi.view';

/** A KPI value with its interval, one point of a history line. */
export interface KpiPointView {
  value: number | null;
  lower: number | null;
  upper: number | null;
  n: number | null;
}

/** One segment followed through the versions: its key and label in each (null where the chain has no segment). */
export interface KpiHistoryLineView {
  /** Its label in the anchor version, else in the newest version it is in. */
  label: string;
  keys: (number | null)[];
  labels: (string | null)[];
  points: (KpiPointView | null)[];
}

/** `GET /segmentations/:id/kpi-history`: one KPI in every finished version, per segment followed by matching. */
export interface KpiHistoryView {
  segmentation: string;
  kpi: string;
  title: string | null;
  unit: string | null;
  higherIsBetter: boolean | null;
  /** The version whose segments name the lines and come first: the alias's run, else the latest. */
  anchor: { alias: string | null; runId: string; version: number };
  versions: { runId: string; version: number; datasetVersion: number }[];
  /** How each version's segments were linked to the next one's: a stored comparison, or computed from the assignments. */
  links: { from: number; to: number; comparison: string | null }[];
  overall: (KpiPointView | null)[];
  lines: KpiHistoryLineView[];
}

/** The segments of each version, oldest first, and the matching of version i to version i + 1 (A's key → B's key). */
export interface SegmentChainsInput {
  segments: readonly (readonly { key: number; label: string }[])[];
  links: readonly ReadonlyMap<number, number>[];
  anchor: number;
}

/**
 * Follows segments through consecutive versions: a chain starts at each segment no earlier segment is
 * matched to and continues while the matching links it to the next version. Every segment of every
 * version is in exactly one chain. Chains through the anchor version come first, in its segment order.
 */
export function segmentChains(
  input: SegmentChainsInput,
): { label: string; keys: (number | null)[]; labels: (string | null)[] }[] {
  const { segments, links, anchor } = input;
  const versions = segments.length;
  const chains: (number | null)[][] = [];
  for (let v = 0; v < versions; v++) {
    const reached = new Set(v > 0 ? links[v - 1].values() : []);
    for (const s of segments[v]) {
      if (reached.has(s.key)) continue;
      const keys: (number | null)[] = Array.from({ length: versions }, () => null);
      let key: number | undefined = s.key;
      for (let w = v; w < versions && key !== undefined; w++) {
        keys[w] = key;
        key = w < versions - 1 ? links[w].get(key) : undefined;
      }
      chains.push(keys);
    }
  }
  const order = (keys: (number | null)[]) => {
    const key = keys[anchor];
    return key === null
      ? segments[anchor].length + chains.indexOf(keys)
      : segments[anchor].findIndex((s) => s.key === key);
  };
  return chains
    .sort((x, y) => order(x) - order(y))
    .map((keys) => {
      const labels = keys.map((k, v) =>
        k === null ? null : (segments[v].find((s) => s.key === k)?.label ?? String(k)),
      );
      const newest = [...labels].reverse().find((l) => l !== null) as string;
      return { label: labels[anchor] ?? newest, keys, labels };
    });
}

/** The point of `kpi` for segment `key` (null: all customers) among a run's KPI values. */
export function kpiPoint(kpis: readonly KpiValueView[], kpi: string, key: number | null): KpiPointView | null {
  const row = kpis.find((k) => k.kpi === kpi && k.segmentKey === key);
  return row
    ? { value: row.value, lower: row.interval?.lower ?? null, upper: row.interval?.upper ?? null, n: row.n }
    : null;
}
