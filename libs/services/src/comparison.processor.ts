import type { MikroORM } from '@mikro-orm/core';
import { compareAssignments, kpiDelta, proportionDelta } from '@workbench/compare';
import { decodeAssignments } from '@workbench/engine';
import type { Job, JobQueue, LiveEvents } from '@workbench/jobs';
import {
  Comparison,
  ComparisonStatus,
  Run,
  Segment,
  type ArtifactStore,
  type DatasetVersion,
} from '@workbench/persistence';
import type { FeatureFrame } from '@workbench/plugin-sdk';
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
 * Where each assigned customer is in `frame` (-1: not there), by position in the assignments. A run's assignments
 * list its frame's customers in frame order, so that is checked first and no id map is built.
 */
function frameRows(frame: FeatureFrame, ids: readonly string[]): Int32Array {
  const rows = new Int32Array(ids.length);
  let same = ids.length === frame.rowCount;
  for (let i = 0; same && i < ids.length; i++) same = ids[i] === frame.ids[i];
  if (same) {
    for (let i = 0; i < ids.length; i++) rows[i] = i;
    return rows;
  }
  const rowOf = new Map(frame.ids.map((id, i) => [id, i]));
  for (let i = 0; i < ids.length; i++) rows[i] = rowOf.get(ids[i]) ?? -1;
  return rows;
}

/** Positions in the assignments of each segment's customers, ascending: one pass instead of one per segment and feature. */
function membersBySegment(segments: Int32Array): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let i = 0; i < segments.length; i++) {
    let list = out.get(segments[i]);
    if (!list) out.set(segments[i], (list = []));
    list.push(i);
  }
  return out;
}

/** Values of `feature` for a segment's customers (positions in the assignments, ascending), missing values left out. */
function segmentValues(
  frame: FeatureFrame,
  rows: Int32Array,
  members: readonly number[] | undefined,
  feature: string,
): number[] {
  const column = frame.columns[feature];
  if (column?.kind !== 'numeric' || !members) return [];
  const out: number[] = [];
  for (const i of members) {
    const v = rows[i] < 0 ? NaN : column.values[rows[i]];
    if (!Number.isNaN(v)) out.push(v);
  }
  return out;
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
    private readonly artifacts: ArtifactStore,
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
    const [assignA, assignB] = [
      decodeAssignments(await this.artifacts.get(a.assignmentsArtifactKey as string)),
      decodeAssignments(await this.artifacts.get(b.assignmentsArtifactKey as string)),
    ];
    const [segA, segB] = [await this.runs.segments(a.id), await this.runs.segments(b.id)];
    await job?.progress(0.3, 'assignments loaded');
    const result = compareAssignments({
      idsA: assignA.ids,
      segmentA: assignA.segment,
      kA: segA.length,
      idsB: assignB.ids,
      segmentB: assignB.segment,
      kB: segB.length,
    });
    await job?.progress(0.6, 'agreement computed');

    const [frameA, frameB] = [
      await this.runInputs.loadFrame(a.datasetVersion as DatasetVersion),
      await this.runInputs.loadFrame(b.datasetVersion as DatasetVersion),
    ];
    const [rowsA, rowsB] = [frameRows(frameA, assignA.ids), frameRows(frameB, assignB.ids)];
    const [membersA, membersB] = [membersBySegment(assignA.segment), membersBySegment(assignB.segment)];
    // Run A's compared features that B's data has too; B's own compared features are numeric columns of B's data.
    const features = comparedFeatures(a, frameA).filter((f) => frameB.columns[f]?.kind === 'numeric');
    const byKey = (segments: Segment[], key: number) => segments.find((s) => s.key === key) as Segment;
    const pairs = result.matching.pairs.map((pair) => {
      const sa = byKey(segA, pair.segmentA);
      const sb = byKey(segB, pair.segmentB);
      const share = proportionDelta(
        { successes: sa.size, n: assignA.ids.length },
        { successes: sb.size, n: assignB.ids.length },
      );
      const deltas = features.map((feature) => {
        const d = kpiDelta(
          segmentValues(frameA, rowsA, membersA.get(sa.key), feature),
          segmentValues(frameB, rowsB, membersB.get(sb.key), feature),
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
