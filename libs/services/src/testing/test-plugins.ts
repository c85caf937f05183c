import { IsIn, IsInt, IsOptional, IsString, Min } from 'class-validator';
import {
  defineKpiEvaluator,
  defineSegmentationModel,
  numericMatrix,
  throwIfAborted,
  type KpiEvaluator,
  type SegmentationModel,
} from '@workbench/plugin-sdk';

class SplitParams {
  /** Numeric feature to split on. */
  @IsString() feature = 'monetary';
  /** Fail this many attempts before succeeding, counted per process (to exercise retries). */
  @IsOptional() @IsInt() @Min(0) failTimes?: number;
  /** Fail this many attempts of each scoring with the trained model (kept in the model), counted per process. */
  @IsOptional() @IsInt() @Min(0) failScoringTimes?: number;
  /** Milliseconds to wait between progress steps (to have time to kill a worker or cancel mid-run); an abort ends the wait. */
  @IsOptional() @IsInt() @Min(0) stepDelayMs?: number;
  @IsOptional() @IsIn(['never', 'always']) crash?: 'never' | 'always';
}

const failures = new Map<string, number>();

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * A deliberately simple segmenter for tests of the host: customers at or above the median of one
 * feature go to 'High', the rest to 'Low'. It can be told to fail, to crash or to be slow.
 */
export const splitAtMedian: SegmentationModel<SplitParams> = defineSegmentationModel<SplitParams>({
  contractVersion: 1,
  manifest: {
    name: 'test-split-median',
    version: '1.0.0',
    kind: 'segmenter',
    sdk: '^1.0.0',
    description: 'splits customers at the median of one feature (test plugin)',
    params: SplitParams,
    requires: [],
    artifactFormat: 'median/1',
    producesScores: false,
  },
  async train({ params, frame }, ctx) {
    throwIfAborted(ctx.signal);
    const key = `${ctx.runId}`;
    const failed = failures.get(key) ?? 0;
    if (params.crash === 'always' || failed < (params.failTimes ?? 0)) {
      failures.set(key, failed + 1);
      throw new Error(`planned failure ${failed + 1} of run ${ctx.runId}`);
    }
    const values = numericMatrix(frame, [params.feature]);
    const sorted = Float64Array.from(values).sort();
    const median = sorted[Math.floor(sorted.length / 2)];
    for (let step = 1; step <= 4; step++) {
      // The wait ends early when the run is aborted, as a plugin's long step should.
      if (params.stepDelayMs) await abortableDelay(params.stepDelayMs, ctx.signal);
      ctx.progress(step / 5, `step ${step}`);
      throwIfAborted(ctx.signal);
    }
    const segment = Int32Array.from(values, (v) => (v >= median ? 1 : 0));
    const high = segment.reduce((a, b) => a + b, 0);
    ctx.progress(1);
    return {
      artifact: {
        format: 'median/1',
        bytes: new TextEncoder().encode(
          JSON.stringify({ feature: params.feature, median, failScoringTimes: params.failScoringTimes ?? 0 }),
        ),
      },
      segments: [
        { key: 0, label: 'Low', size: segment.length - high, profile: { [`${params.feature}_below`]: median } },
        { key: 1, label: 'High', size: high, profile: { [`${params.feature}_at_least`]: median } },
      ],
      assignments: { segment },
      metrics: { median },
    };
  },
  async assign(model, frame, ctx) {
    const { feature, median, failScoringTimes } = JSON.parse(new TextDecoder().decode(model.bytes)) as {
      feature: string;
      median: number;
      failScoringTimes?: number;
    };
    const failed = failures.get(ctx.runId) ?? 0;
    if (failed < (failScoringTimes ?? 0)) {
      failures.set(ctx.runId, failed + 1);
      throw new Error(`planned failure ${failed + 1} of scoring ${ctx.runId}`);
    }
    return { segment: Int32Array.from(numericMatrix(frame, [feature]), (v) => (v >= median ? 1 : 0)) };
  },
});

class RevenueParams {
  /** Refuse to compute (null with a note) when set, to exercise that path. */
  @IsOptional() @IsIn(['always']) unavailable?: 'always';
}

/** A KPI evaluator for tests of the host: net revenue per segment from the transactions, computed the obvious way. */
export const revenuePerSegment: KpiEvaluator<RevenueParams> = defineKpiEvaluator<RevenueParams>({
  contractVersion: 1,
  manifest: {
    name: 'test-revenue',
    version: '1.0.0',
    kind: 'kpi',
    sdk: '^1.0.0',
    description: 'net revenue per segment (test plugin)',
    params: RevenueParams,
    requires: [],
    kpis: [
      {
        key: 'revenue',
        title: 'Revenue',
        unit: 'currency',
        higherIsBetter: true,
        definition: 'sum of transaction amounts, returns netted',
      },
    ],
  },
  async evaluate({ params, assignments, segments, transactions }) {
    if (params.unavailable || !transactions) {
      return [
        {
          segmentKey: null,
          kpi: 'revenue',
          value: null,
          unit: 'currency',
          n: 0,
          note: 'not available: needs a transactions table',
        },
      ];
    }
    const sums = new Float64Array(segments.length);
    for (let t = 0; t < transactions.amount.length; t++) {
      const row = transactions.customerRow[t];
      if (row >= 0) sums[assignments.segment[row]] += transactions.amount[t];
    }
    return segments.map((s) => ({
      segmentKey: s.key,
      kpi: 'revenue',
      value: sums[s.key],
      unit: 'currency',
      n: s.size,
    }));
  },
});
