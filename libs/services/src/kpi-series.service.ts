import { kpiSeries, type KpiSeries, type SeriesPeriod } from '@workbench/compare';
import { decodeAssignments } from '@workbench/engine';
import { RunStatus, type ArtifactStore, type Run } from '@workbench/persistence';
import { ConflictError, InvalidRequestError } from './errors';
import type { RunInputsService } from './run-inputs.service';
import type { RunsService } from './runs.service';
import type { SegmentationsService } from './segmentations.service';

/**
 * KPIs of a run over time: per segment and period, computed from the run's own transactions (the input
 * it trained on) and its assignments when asked, so every finished run of transactions has them.
 */
export class KpiSeriesService {
  constructor(
    private readonly runs: RunsService,
    private readonly runInputs: RunInputsService,
    private readonly segmentations: SegmentationsService,
    private readonly artifacts: ArtifactStore,
  ) {}

  async series(runRef: string, period: SeriesPeriod): Promise<{ run: Run; labels: string[]; series: KpiSeries }> {
    const run = await this.runs.resolve(runRef);
    if (run.status !== RunStatus.Succeeded || !run.assignmentsArtifactKey) {
      throw new ConflictError(
        `run ${run.segmentation.name} v${run.version} is ${run.status}${run.error ? ` (${run.error})` : ''}; KPI series exist for finished runs`,
      );
    }
    const segmentation = await this.segmentations.get(run.segmentation.id);
    const input = await this.runInputs.loadRunInput(run.datasetVersion, {
      churnHorizonDays: segmentation.target?.churnHorizonDays,
      transactions: true,
    });
    if (!input.transactions) {
      throw new InvalidRequestError(
        `run ${run.segmentation.name} v${run.version} was trained on a customers table, which has no transactions; KPI series need a transactions dataset`,
      );
    }
    const segments = await this.runs.segments(run.id);
    const { segment } = decodeAssignments(await this.artifacts.get(run.assignmentsArtifactKey));
    return {
      run,
      labels: segments.map((s) => s.label),
      series: kpiSeries(input.transactions, segment, segments.length, period),
    };
  }
}
