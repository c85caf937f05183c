import { RunStatus, type Run } from '@workbench/persistence';
import { ConflictError } from '../errors';
import type { PluginsService } from '../plugins.service';
import type { RunsService } from '../runs.service';
import { kpiValueViews, type KpiValueView } from './kpi.view';
import { runView, type RunView } from './run.view';
import { segmentViews, type SegmentView } from './segment.view';

/** A run with its segments and KPI values: what `demo --json`, `run --json` and `segments --json` print. */
export interface RunReportView {
  run: RunView;
  segments: SegmentView[];
  kpis: KpiValueView[];
}

/**
 * The read side of runs, as the API and the CLI both present it: one place shapes a run, its segments
 * and its KPI values, so `GET /runs/x/kpis` and `workbench kpis x --json` print the same document.
 */
export class RunReportsService {
  constructor(
    private readonly runs: RunsService,
    private readonly plugins: PluginsService,
  ) {}

  /** The run by id, `<segmentation>@v<n>`, `@latest` or `@<alias>`. */
  async run(ref: string): Promise<RunView> {
    return runView(await this.runs.resolve(ref));
  }

  async segments(ref: string): Promise<SegmentView[]> {
    const run = await this.runs.resolve(ref);
    const [segments, kpis] = await Promise.all([this.runs.segments(run.id), this.runs.kpis(run.id)]);
    return segmentViews(segments, kpis);
  }

  /** The KPI values of a run; a failed run has none, and saying so (with its reason) is the answer, not an empty list. */
  async kpis(ref: string): Promise<KpiValueView[]> {
    const run = await this.runs.resolve(ref);
    assertNotFailed(run);
    return (await this.report(run)).kpis;
  }

  /** Run, segments and KPIs of a run (a run entity as loaded by RunsService, or a reference). */
  async report(ref: string | Run): Promise<RunReportView> {
    const run = typeof ref === 'string' ? await this.runs.resolve(ref) : ref;
    const [segments, kpis] = await Promise.all([this.runs.segments(run.id), this.runs.kpis(run.id)]);
    return {
      run: runView(run),
      segments: segmentViews(segments, kpis),
      kpis: kpiValueViews(kpis, segments, (evaluator, kpi) => this.plugins.kpiDefinition(evaluator, kpi)),
    };
  }

  /** The KPI keys of an evaluator (`name@version` or `name`) in the order its manifest lists them; empty when unknown. */
  kpiOrder(evaluator: string): string[] {
    return this.plugins.kpiKeys(evaluator);
  }
}

function assertNotFailed(run: Run): void {
  if (run.status === RunStatus.Failed) {
    throw new ConflictError(
      `run ${run.segmentation.name} v${run.version} failed, so it has no KPIs: ${run.error ?? 'no error recorded'}`,
    );
  }
}
