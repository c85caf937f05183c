import type { MikroORM } from '@mikro-orm/core';
import {
  compareAssignments,
  kpiDelta,
  positionsIn,
  proportionDelta,
  summarizeColumnsBySegment,
  type SampleSummary,
} from '@workbench/compare';
import type { Job, JobQueue, LiveEvents } from '@workbench/jobs';
import { Comparison, ComparisonStatus, Run, Segment, type DatasetVersion } from '@workbench/persistence';
import type { StringTable } from '@workbench/data';
import type { FeatureFrame } from '@workbench/plugin-sdk';
import type { AssignmentsService } from './assignments.service';
import type { RunInputsService } from './run-inputs.service';
import { JobProcessor, type RecordingRetry } from './job-processor';
import type { WorkbenchLogger } from './logger';
import type { RunsService } from './runs.service';

/** Numeric features whose per-segment means are compared: the runs' model features and the revenue column. */
function comparedFeatures(run: Run, frame: FeatureFrame): string[] {
  const params = run.params as { features?: unknown };
  const fromParams = Array.isArray(params.features) ? (params.features as string[]) : [];
  const revenue = (run.datasetVersion as DatasetVersion).schema.find(
    (c) => (c as { role?: string }).role === 'revenue',
  )?.name;
  return [...new Set([...fromParams, ...(revenue ? [revenue] : [])])].filter(
    (f) => frame.columns[f]?.kind === 'numeric',
  );
}

/**
 * The worker half of comparisons (queue `compare`): agreement (ARI, NMI), the migration matrix, segment
 * matching and, per matched pair, the change of share and of each compared feature's mean with a
 * confidence interval.
 */
export class ComparisonProcessor extends JobProcessor<Comparison> {
  readonly queueName = 'compare' as const;
  protected readonly noun = 'comparison';

  constructor(
    private readonly orm: MikroORM,
    private readonly assignments: AssignmentsService,
    queue: JobQueue,
    private readonly runInputs: RunInputsService,
    private readonly runs: RunsService,
    logger: WorkbenchLogger,
    events: LiveEvents,
    recordingRetry?: RecordingRetry,
  ) {
    super(queue, logger, events, recordingRetry);
  }

  protected load(id: string): Promise<Comparison | null> {
    return this.orm.em.fork().findOne(Comparison, { id });
  }

  protected override statusOf(comparison: Comparison): string {
    return comparison.status;
  }

  protected isDone(comparison: Comparison): boolean {
    return comparison.status === ComparisonStatus.Succeeded;
  }

  /** One attempt: the job carries the comparison id; everything is computed, then written at once. */
  protected async execute(comparison: Comparison, job: Job): Promise<void> {
    const em = this.orm.em.fork();
    await em.nativeUpdate(
      Comparison,
      { id: comparison.id },
      { status: ComparisonStatus.Running, attempts: job.attempt },
    );
    this.announce(comparison.id, ComparisonStatus.Running);
    const result = await this.compute(comparison.runA.id, comparison.runB.id, job);
    await em.nativeUpdate(
      Comparison,
      { id: comparison.id, status: { $ne: ComparisonStatus.Succeeded } },
      { status: ComparisonStatus.Succeeded, error: null, finishedAt: new Date(), ...result },
    );
    await job.progress(1, 'done');
  }

  protected async saveFailure(id: string, message: string, willRetry: boolean, job: Job): Promise<void> {
    await this.orm.em
      .fork()
      .nativeUpdate(
        Comparison,
        { id, status: { $ne: ComparisonStatus.Succeeded } },
        willRetry
          ? { status: ComparisonStatus.Queued, error: `attempt ${job.attempt} failed: ${message}` }
          : { status: ComparisonStatus.Failed, error: message, finishedAt: new Date() },
      );
  }

  /** Compares and stores the result at once (for callers that already run inside a job, e.g. a retrain). */
  async compareNow(runAId: string, runBId: string): Promise<Comparison> {
    const result = await this.compute(runAId, runBId);
    const em = this.orm.em.fork();
    const comparison = em.create(Comparison, {
      runA: runAId,
      runB: runBId,
      status: ComparisonStatus.Succeeded,
      attempts: 1,
      finishedAt: new Date(),
      ...result,
    });
    await em.flush();
    return comparison;
  }

  /** Agreement, migration matrix, segment matching and KPI deltas of two finished runs. */
  async compute(
    runAId: string,
    runBId: string,
    job?: Pick<Job, 'progress'>,
  ): Promise<Pick<Comparison, 'metrics' | 'migration' | 'matching'>> {
    const [a, b] = [await this.runs.get(runAId), await this.runs.get(runBId)];
    // Kept from the runs when they ran in this process, else read from their artifacts once.
    const [assignA, assignB] = [await this.assignments.decoded(a.id), await this.assignments.decoded(b.id)];
    const [segA, segB] = [await this.runs.segments(a.id), await this.runs.segments(b.id)];
    await job?.progress(0.3, 'assignments loaded');
    const result = compareAssignments({
      idsA: assignA.idTable,
      segmentA: assignA.segment,
      kA: segA.length,
      idsB: assignB.idTable,
      segmentB: assignB.segment,
      kB: segB.length,
      // Both runs succeeded, so their rows went through the assignment table's primary key (run, customer): no
      // repeated id. Two runs of one dataset version then match position by position, without hashing an id.
      uniqueIds: true,
    });
    await job?.progress(0.6, 'agreement computed');

    const [inputA, inputB] = [
      await this.runInputs.loadRunInput(a.datasetVersion as DatasetVersion),
      await this.runInputs.loadRunInput(b.datasetVersion as DatasetVersion),
    ];
    const [frameA, frameB] = [inputA.frame, inputB.frame];
    // Each run's customers by their row in its frame: integer arrays from here on (no id is looked up as a string).
    // A run's assignments list its frame's customers in frame order (null: customer i is row i), unless its dataset
    // version was stored otherwise.
    const rowsIn = (ids: StringTable, frameIds: StringTable) =>
      ids === frameIds || ids.equals(frameIds) ? null : positionsIn(ids, frameIds);
    const [rowsA, rowsB] = [rowsIn(assignA.idTable, inputA.ids), rowsIn(assignB.idTable, inputB.ids)];
    // Run A's compared features that B's data has too; B's own compared features are numeric columns of B's data.
    const features = comparedFeatures(a, frameA).filter((f) => frameB.columns[f]?.kind === 'numeric');
    // Every segment's summary of every compared feature, in one pass over each run's customers.
    const slots = (segments: Segment[]) => Math.max(0, ...segments.map((s) => s.key + 1));
    const summaries = (frame: FeatureFrame, segment: Int32Array, rows: Int32Array | null, segments: Segment[]) => {
      const values = features.map((f) => (frame.columns[f] as { values: Float64Array }).values);
      const bySegment = summarizeColumnsBySegment(segment, slots(segments), values, rows);
      return new Map(features.map((f, c) => [f, bySegment[c]]));
    };
    const [summariesA, summariesB] = [
      summaries(frameA, assignA.segment, rowsA, segA),
      summaries(frameB, assignB.segment, rowsB, segB),
    ];
    const byKey = (segments: Segment[], key: number) => segments.find((s) => s.key === key) as Segment;
    const pairs = result.matching.pairs.map((pair) => {
      const sa = byKey(segA, pair.segmentA);
      const sb = byKey(segB, pair.segmentB);
      const share = proportionDelta(
        { successes: sa.size, n: assignA.segment.length },
        { successes: sb.size, n: assignB.segment.length },
      );
      const deltas = features.map((feature) => {
        const d = kpiDelta(
          (summariesA.get(feature) as SampleSummary[])[sa.key],
          (summariesB.get(feature) as SampleSummary[])[sb.key],
        );
        return {
          kpi: `mean ${feature}`,
          a: d.a.mean,
          b: d.b.mean,
          delta: d.delta,
          lower: d.lower,
          upper: d.upper,
          significant: d.significant,
          method: d.method,
        };
      });
      return {
        a: { key: sa.key, label: sa.label, size: sa.size },
        b: { key: sb.key, label: sb.label, size: sb.size },
        overlap: pair.overlap,
        jaccard: pair.jaccard,
        deltas: [
          {
            kpi: 'share',
            a: share.shareA,
            b: share.shareB,
            delta: share.delta,
            lower: share.lower,
            upper: share.upper,
            significant: share.significant,
            method: share.method,
          },
          ...deltas,
        ],
      };
    });
    return {
      metrics: {
        ari: result.ari,
        nmi: result.nmi,
        matched: result.matched,
        onlyInA: result.onlyInA,
        onlyInB: result.onlyInB,
        confidence: 0.95,
      },
      migration: {
        labelsA: segA.map((s) => s.label),
        labelsB: segB.map((s) => s.label),
        counts: result.migration,
        rowPercent: result.rowPercent,
      },
      matching: {
        pairs,
        unmatchedA: result.matching.unmatchedA.map((k) => byKey(segA, k).label),
        unmatchedB: result.matching.unmatchedB.map((k) => byKey(segB, k).label),
        comparedFeatures: features,
      },
    };
  }
}
