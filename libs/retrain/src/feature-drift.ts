import type { CategoricalColumn, NumericColumn } from '@workbench/plugin-sdk';
import { driftLevel, type DriftLevel, type DriftThresholds } from './drift-thresholds';
import {
  summarizeCategorical,
  summarizeNumeric,
  type CategoricalSummary,
  type NumericSummary,
} from './feature-summary';
import { categoricalPsi, numericPsi, type PsiBin } from './psi';

interface FeatureDriftBase {
  feature: string;
  psi: number | null;
  level: DriftLevel;
  bins: PsiBin[];
}

export interface NumericFeatureDrift extends FeatureDriftBase {
  kind: 'numeric';
  reference: NumericSummary;
  candidate: NumericSummary;
}

export interface CategoricalFeatureDrift extends FeatureDriftBase {
  kind: 'categorical';
  reference: CategoricalSummary;
  candidate: CategoricalSummary;
}

export type FeatureDrift = NumericFeatureDrift | CategoricalFeatureDrift;

/** PSI, drift level and both sides' summaries of one feature of the same kind on both sides. */
export function featureDrift(
  feature: string,
  r: NumericColumn | CategoricalColumn,
  c: NumericColumn | CategoricalColumn,
  { epsilon, bins, top, thresholds }: { epsilon: number; bins: number; top: number; thresholds: DriftThresholds },
): FeatureDrift {
  if (r.kind === 'numeric' && c.kind === 'numeric') {
    const table = numericPsi(r.values, c.values, { epsilon, bins }, feature);
    return {
      feature,
      kind: 'numeric',
      psi: table.psi,
      level: driftLevel(table.psi, thresholds),
      bins: table.bins,
      reference: summarizeNumeric(r.values, feature),
      candidate: summarizeNumeric(c.values, feature),
    };
  } else {
    const rc = r as CategoricalColumn;
    const cc = c as CategoricalColumn;
    const table = categoricalPsi(rc, cc, { epsilon });
    return {
      feature,
      kind: 'categorical',
      psi: table.psi,
      level: driftLevel(table.psi, thresholds),
      bins: table.bins,
      reference: summarizeCategorical(rc, top),
      candidate: summarizeCategorical(cc, top),
    };
  }
}
