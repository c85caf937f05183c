import {
  FeatureRequirementError,
  resolveColumnName,
  throwIfAborted,
  type FeatureFrame,
  type JsonValue,
  type KpiDefinition,
  type KpiInput,
  type KpiResult,
  type RunContext,
} from '@workbench/plugin-sdk';
import {
  calibrationFromTransactions,
  correlation,
  holdoutBuckets,
  isoDay,
  type CalibrationSummary,
} from './calibration';
import {
  bgNbdConditionalExpectedTransactions,
  bgNbdProbabilityAlive,
  fitBgNbd,
  type BgNbdFit,
  type PurchaseHistory,
} from './bg-nbd';
import { customerLifetimeValue, periodLength, type ClvSchedule } from './clv';
import {
  fitGammaGamma,
  gammaGammaConditionalExpectedSpend,
  gammaGammaPopulationMeanSpend,
  type GammaGammaFit,
} from './gamma-gamma';
import type { KpiClvParams } from './kpi-clv-params';

export const PLUGIN_NAME = 'kpi-clv';

export const KPI_DEFINITIONS: KpiDefinition[] = [
  {
    key: 'predicted_purchases',
    title: 'Predicted purchases',
    unit: 'purchases per customer',
    higherIsBetter: true,
    definition:
      "Expected number of purchases per customer over the horizon set in the params, given each customer's past frequency, recency and age (BG/NBD model, Fader, Hardie & Lee 2005, eq. 10), averaged over the segment.",
  },
  {
    key: 'p_alive',
    title: 'Probability still active',
    unit: 'probability',
    higherIsBetter: true,
    definition:
      'Probability that a customer has not silently left by the end of the observed period (BG/NBD P(alive), Fader, Hardie & Lee 2008, note 021), averaged over the segment. Customers without repeat purchases count as 1 under this model.',
  },
  {
    key: 'expected_avg_spend',
    title: 'Expected spend per purchase',
    unit: 'currency units per purchase',
    higherIsBetter: true,
    definition:
      "Expected value of a future purchase for customers with repeat purchases: their own mean repeat spend shrunk towards the population mean (Gamma-Gamma model, Fader & Hardie 2013, note 025), averaged over the segment's repeat customers.",
  },
  {
    key: 'predictive_clv',
    title: 'Predictive customer lifetime value',
    unit: 'currency units per customer (discounted)',
    higherIsBetter: true,
    definition:
      "Discounted expected spend per customer over the horizon: each period's predicted purchases (BG/NBD) times the expected spend per purchase (Gamma-Gamma; the population mean for customers without repeat purchases), discounted per period, averaged over the segment.",
  },
];

/** Reads the numeric column a param names (as the file spells it, or as the data does); throws naming the param when it is absent or categorical. */
function numericColumn(frame: FeatureFrame, name: string, param: string): Float64Array {
  const resolved = resolveColumnName(frame, name, param);
  const column = frame.columns[resolved];
  if (column.kind !== 'numeric')
    throw new FeatureRequirementError(
      `feature '${resolved}' (param ${param}) is categorical; a numeric feature is required`,
    );
  return column.values;
}

/** The purchase history in the frame, checked customer by customer so an error names the customer. */
function readHistory(frame: FeatureFrame, params: KpiClvParams): PurchaseHistory & { monetary: Float64Array } {
  const frequency = numericColumn(frame, params.frequencyFeature, 'frequencyFeature');
  const recency = numericColumn(frame, params.recencyFeature, 'recencyFeature');
  const T = numericColumn(frame, params.ageFeature, 'ageFeature');
  const monetary = numericColumn(frame, params.monetaryFeature, 'monetaryFeature');
  for (let i = 0; i < frame.rowCount; i++) {
    const where = `customer '${frame.ids[i]}' (row ${i + 1})`;
    const x = frequency[i];
    if (!(Number.isInteger(x) && x >= 0))
      throw new FeatureRequirementError(
        `${params.frequencyFeature} of ${where} is ${x}; a count of repeat purchases (integer ≥ 0) is required`,
      );
    if (!(T[i] > 0))
      throw new FeatureRequirementError(
        `${params.ageFeature} of ${where} is ${T[i]}; the time since the first purchase must be > 0 ${params.timeUnit}s`,
      );
    if (!(recency[i] >= 0 && recency[i] <= T[i])) {
      throw new FeatureRequirementError(
        `${params.recencyFeature} of ${where} is ${recency[i]}; it must lie in [0, ${params.ageFeature} = ${T[i]}]`,
      );
    }
  }
  return { frequency, recency, T, monetary };
}

const fmt = (v: number, digits = 4) => v.toFixed(digits);

function describeFits(
  bg: BgNbdFit,
  gg: GammaGammaFit | null,
  ggProblem: string | null,
  n: number,
  nSpend: number,
  params: KpiClvParams,
  length: number,
): string {
  const { r, alpha, a, b } = bg.params;
  const bgText = `BG/NBD fitted on ${n} customers (time unit ${params.timeUnit}): r=${fmt(r)}, α=${fmt(alpha)} ${params.timeUnit}s, a=${fmt(a)}, b=${fmt(b)}, LL=${fmt(bg.logLikelihood, 2)}`;
  const ggText = gg
    ? `Gamma-Gamma fitted on ${nSpend} repeat customers: p=${fmt(gg.params.p)}, q=${fmt(gg.params.q)}, γ=${fmt(gg.params.gamma)}, LL=${fmt(gg.logLikelihood, 2)}, population mean spend ${fmt(gammaGammaPopulationMeanSpend(gg.params), 2)}`
    : `Gamma-Gamma not fitted: ${ggProblem}`;
  const horizon = `horizon ${params.horizon} ${params.horizonUnit}(s) = ${fmt(params.horizon * length, 2)} ${params.timeUnit}s, discounted at ${params.discountRatePerPeriod * 100}% per ${params.horizonUnit}`;
  return `${bgText}; ${ggText}; ${horizon}.`;
}

/** Mean of `values` over `rows` where finite; n counts those rows. */
function meanOver(values: Float64Array, rows: readonly number[]): { mean: number; n: number } {
  let sum = 0;
  let n = 0;
  for (const i of rows) {
    if (Number.isFinite(values[i])) {
      sum += values[i];
      n++;
    }
  }
  return { mean: n > 0 ? sum / n : Number.NaN, n };
}

/**
 * The fitted models and the calibration/holdout check as structured fields (KpiResult.details), for a reader
 * who compares them with lifetimes or BTYD.
 */
function fitDetails(
  bg: BgNbdFit,
  gg: GammaGammaFit | null,
  ggProblem: string | null,
  customers: number,
  spendCustomers: number,
  params: KpiClvParams,
  calibration: CalibrationSummary | null,
): { [key: string]: JsonValue } {
  const details: { [key: string]: JsonValue } = {
    calibration: {
      source: calibration ? 'transactions' : 'features',
      observationEnd: params.observationEnd ?? null,
      customers,
      customersWithoutHistory: calibration?.withoutHistory ?? 0,
      timeUnit: params.timeUnit,
    },
    bgNbd: {
      ...bg.params,
      logLikelihood: bg.logLikelihood,
      converged: bg.converged,
      iterations: bg.iterations,
      evaluations: bg.evaluations,
      customers,
    },
    gammaGamma: gg
      ? {
          ...gg.params,
          logLikelihood: gg.logLikelihood,
          converged: gg.converged,
          iterations: gg.iterations,
          evaluations: gg.evaluations,
          customers: spendCustomers,
          populationMeanSpend: gammaGammaPopulationMeanSpend(gg.params),
        }
      : { fitted: false, reason: ggProblem },
  };
  return details;
}

/** The customers the models are fitted on: all rows of the frame (features), or those with a calibration history (transactions). */
function historyOf(input: KpiInput<KpiClvParams>): {
  history: PurchaseHistory & { monetary: Float64Array };
  calibration: CalibrationSummary | null;
} {
  const { params, frame } = input;
  if (params.observationEnd === undefined) return { history: readHistory(frame, params), calibration: null };
  if (!input.transactions) {
    throw new FeatureRequirementError(
      `observationEnd builds the calibration summary from the dataset's transactions, and this run has none; leave observationEnd out to use the features`,
    );
  }
  const calibration = calibrationFromTransactions(
    input.transactions,
    frame.rowCount,
    params.observationEnd,
    params.holdoutEnd,
    params.timeUnit,
  );
  return { history: calibration.history, calibration };
}

/** Fits BG/NBD and Gamma-Gamma on the customers with a history and averages the four KPIs overall and per segment. */
export async function evaluateClv(input: KpiInput<KpiClvParams>, ctx: RunContext): Promise<KpiResult[]> {
  const { params, frame, assignments, segments } = input;
  if (assignments.segment.length !== frame.rowCount) {
    throw new FeatureRequirementError(
      `assignments have ${assignments.segment.length} rows but the frame has ${frame.rowCount}`,
    );
  }
  const { history, calibration } = historyOf(input);
  // Index i of every array below is one modelled customer; frameRow(i) is their row of the frame.
  const n = history.frequency.length;
  const frameRow = (i: number) => (calibration ? calibration.rows[i] : i);
  if (n < 4)
    throw new FeatureRequirementError(`the BG/NBD model has 4 parameters; ${n} customer(s) are too few to fit it`);

  throwIfAborted(ctx.signal);
  ctx.progress(0, 'fitting BG/NBD');
  const bg = fitBgNbd(history);
  ctx.log.info(`BG/NBD fit: ${bg.iterations} iterations, ${bg.millis.toFixed(0)} ms, converged=${bg.converged}`);
  if (!bg.converged) ctx.log.warn('BG/NBD Nelder–Mead stopped at its iteration limit before meeting the tolerance');
  throwIfAborted(ctx.signal);
  ctx.progress(0.5, 'fitting Gamma-Gamma');

  // Gamma-Gamma takes repeat customers with a positive mean repeat spend only.
  const spendRows: number[] = [];
  let invalidSpend = 0;
  for (let i = 0; i < n; i++) {
    if (history.frequency[i] === 0) continue;
    if (history.monetary[i] > 0 && Number.isFinite(history.monetary[i])) spendRows.push(i);
    else invalidSpend++;
  }
  let gg: GammaGammaFit | null = null;
  let ggProblem: string | null = null;
  if (spendRows.length < 2) {
    ggProblem = `it needs at least 2 repeat customers with a positive ${params.monetaryFeature}, the data has ${spendRows.length}`;
  } else {
    gg = fitGammaGamma({
      frequency: Float64Array.from(spendRows, (i) => history.frequency[i]),
      meanSpend: Float64Array.from(spendRows, (i) => history.monetary[i]),
    });
    ctx.log.info(`Gamma-Gamma fit: ${gg.iterations} iterations, ${gg.millis.toFixed(0)} ms, converged=${gg.converged}`);
    if (!(gg.params.q > 1)) {
      ggProblem = `the fitted q = ${gg.params.q.toFixed(4)} ≤ 1 makes the expected spend infinite (spend is too heavy-tailed for this model)`;
      gg = null;
    }
  }
  throwIfAborted(ctx.signal);
  ctx.progress(0.8, 'predicting');

  const schedule: ClvSchedule = {
    modelTimeUnit: params.timeUnit,
    periodUnit: params.horizonUnit,
    horizonPeriods: params.horizon,
    discountRatePerPeriod: params.discountRatePerPeriod,
    modelUnitsPerPeriodOverride: params.timeUnitsPerHorizonUnit,
  };
  const length = periodLength(schedule);
  const horizonInModelUnits = params.horizon * length;
  const predicted = new Float64Array(n);
  const alive = new Float64Array(n);
  const spend = new Float64Array(n).fill(Number.NaN);
  for (let i = 0; i < n; i++) {
    const [x, tx, T] = [history.frequency[i], history.recency[i], history.T[i]];
    predicted[i] = bgNbdConditionalExpectedTransactions(bg.params, horizonInModelUnits, x, tx, T);
    alive[i] = bgNbdProbabilityAlive(bg.params, x, tx, T);
  }
  if (gg) {
    for (let i = 0; i < n; i++) {
      if (history.frequency[i] === 0) spend[i] = gammaGammaPopulationMeanSpend(gg.params);
    }
    for (const i of spendRows)
      spend[i] = gammaGammaConditionalExpectedSpend(gg.params, history.frequency[i], history.monetary[i]);
  }
  // NaN spend (no model, or a repeat customer without a positive spend) gives NaN CLV, left out of the means below.
  const clv = customerLifetimeValue(bg.params, history, spend, schedule);

  const details = fitDetails(bg, gg, ggProblem, n, spendRows.length, params, calibration);
  if (calibration?.holdoutPurchases && calibration.holdoutLength !== undefined) {
    const holdoutLength = calibration.holdoutLength;
    const expected = Float64Array.from({ length: n }, (_, i) =>
      bgNbdConditionalExpectedTransactions(
        bg.params,
        holdoutLength,
        history.frequency[i],
        history.recency[i],
        history.T[i],
      ),
    );
    const actual = calibration.holdoutPurchases;
    details.holdout = {
      firstDay: new Date((isoDay(params.observationEnd as string) + 1) * 86_400_000).toISOString().slice(0, 10),
      lastDay: params.holdoutEnd as string,
      length: holdoutLength,
      timeUnit: params.timeUnit,
      actualPurchases: actual.reduce((a, b) => a + b, 0),
      predictedPurchases: expected.reduce((a, b) => a + b, 0),
      correlation: correlation(expected, actual),
      byCalibrationFrequency: holdoutBuckets(history.frequency, actual, expected) as unknown as JsonValue,
    };
  }
  const fits = describeFits(bg, gg, ggProblem, n, spendRows.length, params, length);
  const withoutHistory =
    calibration && calibration.withoutHistory > 0
      ? ` ${calibration.withoutHistory} customer(s) with no purchase before ${params.observationEnd} are left out.`
      : '';
  const excluded =
    invalidSpend > 0
      ? ` ${invalidSpend} repeat customer(s) without a positive ${params.monetaryFeature} are left out of spend and CLV.`
      : '';
  const results: KpiResult[] = [];
  const kpi = (
    segmentKey: number | null,
    key: string,
    value: number | null,
    count: number,
    note: string,
  ): KpiResult => ({
    segmentKey,
    kpi: key,
    value,
    unit: (KPI_DEFINITIONS.find((d) => d.key === key) as KpiDefinition).unit,
    n: count,
    note: note + withoutHistory,
    // The fits are one per evaluation: given once, on the overall figures.
    ...(segmentKey === null ? { details } : {}),
  });

  const groups: { key: number | null; rows: number[] }[] = [{ key: null, rows: [...Array(n).keys()] }];
  const rowsBySegment = new Map<number, number[]>(segments.map((s) => [s.key, []]));
  for (let i = 0; i < n; i++) rowsBySegment.get(assignments.segment[frameRow(i)])?.push(i);
  for (const s of segments) groups.push({ key: s.key, rows: rowsBySegment.get(s.key) as number[] });

  for (const { key, rows } of groups) {
    if (rows.length === 0) {
      for (const d of KPI_DEFINITIONS)
        results.push(
          kpi(
            key,
            d.key,
            null,
            0,
            `No customer of this frame is in this segment, so there is nothing to average. ${fits}`,
          ),
        );
      continue;
    }
    const purchases = meanOver(predicted, rows);
    const pAlive = meanOver(alive, rows);
    results.push(
      kpi(
        key,
        'predicted_purchases',
        purchases.mean,
        purchases.n,
        `Mean over ${purchases.n} customers of the expected purchases in the next ${params.horizon} ${params.horizonUnit}(s). ${fits}`,
      ),
    );
    results.push(kpi(key, 'p_alive', pAlive.mean, pAlive.n, `Mean over ${pAlive.n} customers. ${fits}`));

    const repeatRows = rows.filter((i) => history.frequency[i] > 0);
    const repeatSpend = meanOver(spend, repeatRows);
    const clvMean = meanOver(clv, rows);
    if (!gg) {
      results.push(
        kpi(
          key,
          'expected_avg_spend',
          null,
          0,
          `Not computable: the Gamma-Gamma spend model could not be fitted (${ggProblem}). ${fits}`,
        ),
      );
      results.push(
        kpi(
          key,
          'predictive_clv',
          null,
          0,
          `Not computable: it needs the Gamma-Gamma spend model, which could not be fitted (${ggProblem}). ${fits}`,
        ),
      );
      continue;
    }
    if (repeatRows.length === 0) {
      results.push(
        kpi(
          key,
          'expected_avg_spend',
          null,
          0,
          `Not computable: none of the ${rows.length} customers has a repeat purchase (${params.frequencyFeature} = 0), and the Gamma-Gamma model describes the spend of repeat purchases only; there is no observed spend of this segment to condition on. ${fits}`,
        ),
      );
    } else if (repeatSpend.n === 0) {
      results.push(
        kpi(
          key,
          'expected_avg_spend',
          null,
          0,
          `Not computable: none of the ${repeatRows.length} repeat customers has a positive ${params.monetaryFeature}. ${fits}`,
        ),
      );
    } else {
      results.push(
        kpi(
          key,
          'expected_avg_spend',
          repeatSpend.mean,
          repeatSpend.n,
          `Mean over the ${repeatSpend.n} repeat customers of the segment.${excluded} ${fits}`,
        ),
      );
    }
    const nonRepeat = rows.length - repeatRows.length;
    const clvNote =
      nonRepeat === rows.length
        ? `None of the ${rows.length} customers has a repeat purchase: their CLV uses the population mean spend per purchase of the Gamma-Gamma model (${fmt(gammaGammaPopulationMeanSpend(gg.params), 2)}), not spend observed in this segment.`
        : `Mean over ${clvMean.n} customers; the ${nonRepeat} without a repeat purchase are valued at the population mean spend per purchase (${fmt(gammaGammaPopulationMeanSpend(gg.params), 2)}).${excluded}`;
    results.push(kpi(key, 'predictive_clv', clvMean.n > 0 ? clvMean.mean : null, clvMean.n, `${clvNote} ${fits}`));
  }
  ctx.progress(1, 'done');
  return results;
}
