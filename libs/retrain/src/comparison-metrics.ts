import type { DriftReport } from './drift-report';
import { RetrainInputError } from './errors';

/**
 * Metric names a promotion rule may use, with their meaning. "champion" is the run behind the
 * `champion` alias, "candidate" the newly trained run. Differences are signed so that a positive
 * `*_drop` / `*_increase` is a change for the worse and a positive `*_gain` a change for the better.
 */
export const COMPARISON_METRICS = {
  ari: 'adjusted Rand index between champion and candidate assignments on the shared customers',
  nmi: 'normalised mutual information (arithmetic mean) between the two assignments',
  silhouette_champion: "champion run's `silhouette` metric (k-means)",
  silhouette_candidate: "candidate run's `silhouette` metric (k-means)",
  silhouette_drop: 'silhouette_champion − silhouette_candidate (positive = candidate separates worse)',
  auc_champion: "champion run's `auc` metric (churn predictor, holdout ROC AUC)",
  auc_candidate: "candidate run's `auc` metric",
  auc_gain: 'auc_candidate − auc_champion (positive = candidate ranks better)',
  log_loss_champion: "champion run's `log_loss` metric",
  log_loss_candidate: "candidate run's `log_loss` metric",
  log_loss_increase: 'log_loss_candidate − log_loss_champion (positive = candidate is worse)',
  brier_champion: "champion run's `brier` metric",
  brier_candidate: "candidate run's `brier` metric",
  brier_increase: 'brier_candidate − brier_champion (positive = candidate is worse)',
  k_champion: "champion run's number of segments `k` (k-means)",
  k_candidate: "candidate run's number of segments `k`",
  max_psi: 'largest PSI over the features of the drift report',
  drifted_features: 'number of features whose PSI is at or above the moderate threshold',
  segment_psi: 'PSI of the segment shares, champion run vs candidate run',
  max_kpi_relative_change: 'largest |relative change| of a KPI matched in both runs',
  flagged_kpis: 'number of KPI shifts at or above the KPI threshold',
} as const;

export type ComparisonMetricName = keyof typeof COMPARISON_METRICS;

/** The names of {@link COMPARISON_METRICS}, the usual `knownMetrics` for `parsePromotionRule`. */
export const COMPARISON_METRIC_NAMES = Object.keys(COMPARISON_METRICS) as ComparisonMetricName[];

/** Every name present; null when the inputs do not give it (a rule that reads it then fails, saying so). */
export type ComparisonMetrics = Record<ComparisonMetricName, number | null>;

/** A run's flat metrics as the plugins produce them (`silhouette`, `auc`, `log_loss`, `brier`, `k`, …); JSON may have turned NaN into null. */
export type RunMetrics = Readonly<Record<string, number | null | undefined>>;

export interface ComparisonMetricsInput {
  ari?: number | null;
  nmi?: number | null;
  championMetrics?: RunMetrics;
  candidateMetrics?: RunMetrics;
  drift?: Pick<DriftReport, 'maxPsi' | 'features' | 'thresholds' | 'segments' | 'kpis'> | null;
}

function finite(x: number | null | undefined): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

function difference(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a - b;
}

/**
 * Computes the metrics of {@link COMPARISON_METRICS} from the comparison (ARI, NMI), the two runs' metrics
 * and the drift report. Missing or non-finite inputs give null, never 0.
 */
export function deriveComparisonMetrics(input: ComparisonMetricsInput): ComparisonMetrics {
  const champion = input.championMetrics ?? {};
  const candidate = input.candidateMetrics ?? {};
  const ari = finite(input.ari);
  const nmi = finite(input.nmi);
  // Bounds as defined: ARI ≤ 1 (it can be negative), NMI in [0, 1]; outside means the caller mixed up values.
  if (ari !== null && ari > 1 + 1e-9) throw new RetrainInputError(`ari must be at most 1, got ${ari}`);
  if (nmi !== null && (nmi < -1e-9 || nmi > 1 + 1e-9)) throw new RetrainInputError(`nmi must be in [0, 1], got ${nmi}`);
  const pair = (key: string): [number | null, number | null] => [finite(champion[key]), finite(candidate[key])];
  const [silhouetteChampion, silhouetteCandidate] = pair('silhouette');
  const [aucChampion, aucCandidate] = pair('auc');
  const [logLossChampion, logLossCandidate] = pair('log_loss');
  const [brierChampion, brierCandidate] = pair('brier');
  const [kChampion, kCandidate] = pair('k');

  const drift = input.drift ?? null;
  const kpis = drift?.kpis ?? null;
  let maxKpiChange: number | null = null;
  for (const k of kpis ?? []) {
    if (k.relativeChange !== null) maxKpiChange = Math.max(maxKpiChange ?? 0, Math.abs(k.relativeChange));
  }
  return {
    ari,
    nmi,
    silhouette_champion: silhouetteChampion,
    silhouette_candidate: silhouetteCandidate,
    silhouette_drop: difference(silhouetteChampion, silhouetteCandidate),
    auc_champion: aucChampion,
    auc_candidate: aucCandidate,
    auc_gain: difference(aucCandidate, aucChampion),
    log_loss_champion: logLossChampion,
    log_loss_candidate: logLossCandidate,
    log_loss_increase: difference(logLossCandidate, logLossChampion),
    brier_champion: brierChampion,
    brier_candidate: brierCandidate,
    brier_increase: difference(brierCandidate, brierChampion),
    k_champion: kChampion,
    k_candidate: kCandidate,
    max_psi: drift ? finite(drift.maxPsi) : null,
    drifted_features: drift
      ? drift.features.filter((f) => f.psi !== null && f.psi >= drift.thresholds.moderate).length
      : null,
    segment_psi: finite(drift?.segments?.psi),
    max_kpi_relative_change: maxKpiChange,
    flagged_kpis: kpis ? kpis.filter((k) => k.flagged).length : null,
  };
}
