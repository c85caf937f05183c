import type { DatasetVersion } from '@workbench/persistence';
import { positionsIn } from '@workbench/compare';
import type { AssignmentsService, DecodedAssignments } from './assignments.service';
import { NotFoundError } from './errors';
import type { RunInput, RunInputsService } from './run-inputs.service';
import type { RunsService } from './runs.service';
import type { SegmentationsService } from './segmentations.service';
import type { CustomerInRunView } from './views/customer.view';

/** Per numeric feature: the mean of each segment (by key) and of all customers. */
interface Means {
  segment: Map<string, Map<number, number>>;
  overall: Map<string, number>;
}

/**
 * A customer's features in the input a run trained on (the same features, built by the same code as
 * the run's), beside their segment's and all customers' means, for the customer page.
 */
export class CustomerFeaturesService {
  /** Segment means per run: k × d numbers, computed once per run from its input and assignments. */
  private readonly means = new Map<string, Means>();

  constructor(
    private readonly runs: RunsService,
    private readonly segmentations: SegmentationsService,
    private readonly runInputs: RunInputsService,
    private readonly assignments: AssignmentsService,
  ) {}

  async inRun(runRef: string, customerId: string): Promise<CustomerInRunView> {
    const run = await this.runs.resolve(runRef);
    const decoded = await this.assignments.decoded(run.id);
    const index = decoded.ids.indexOf(customerId);
    if (index < 0)
      throw new NotFoundError(`customer '${customerId}' is not in ${run.segmentation.name} v${run.version}`);
    const segmentation = await this.segmentations.get(run.segmentation.id);
    const input = await this.runInputs.loadRunInput(run.datasetVersion as DatasetVersion, {
      churnHorizonDays: segmentation.target?.churnHorizonDays,
    });
    const frame = input.frame;
    const row = frame.ids[index] === customerId ? index : frame.ids.indexOf(customerId);
    const means = this.meansOf(run.id, input, decoded);
    const key = decoded.segment[index];
    const modelFeatures = new Set(
      Array.isArray((run.params as { features?: unknown }).features)
        ? (run.params as { features: string[] }).features
        : [],
    );
    return {
      customerId,
      run: { id: run.id, segmentation: run.segmentation.name, version: run.version },
      segment: { key, label: decoded.labels.get(key) ?? String(key) },
      score: decoded.score && !Number.isNaN(decoded.score[index]) ? decoded.score[index] : null,
      features: Object.entries(frame.columns).map(([name, column]) => {
        const value =
          row < 0
            ? null
            : column.kind === 'numeric'
              ? Number.isNaN(column.values[row])
                ? null
                : column.values[row]
              : (column.levels[column.codes[row]] ?? null);
        return {
          name,
          value,
          segmentMean: means.segment.get(name)?.get(key) ?? null,
          overallMean: means.overall.get(name) ?? null,
          inModel: modelFeatures.has(name),
        };
      }),
    };
  }

  private meansOf(runId: string, input: RunInput, decoded: DecodedAssignments): Means {
    const cached = this.means.get(runId);
    if (cached) return cached;
    const frame = input.frame;
    // Each assigned customer's row in the input (the same order, found by one memcmp, or a join on the ids' bytes).
    const rows = positionsIn(decoded.idTable, input.ids);
    const means: Means = { segment: new Map(), overall: new Map() };
    for (const [name, column] of Object.entries(frame.columns)) {
      if (column.kind !== 'numeric') continue;
      const sums = new Map<number, { sum: number; n: number }>();
      let sum = 0;
      let n = 0;
      for (let i = 0; i < rows.length; i++) {
        const v = rows[i] < 0 ? Number.NaN : column.values[rows[i]];
        if (Number.isNaN(v)) continue;
        const s = sums.get(decoded.segment[i]) ?? { sum: 0, n: 0 };
        s.sum += v;
        s.n++;
        sums.set(decoded.segment[i], s);
        sum += v;
        n++;
      }
      means.segment.set(name, new Map([...sums].map(([key, s]) => [key, s.sum / s.n])));
      if (n > 0) means.overall.set(name, sum / n);
    }
    this.means.set(runId, means);
    if (this.means.size > 64) this.means.delete(this.means.keys().next().value as string);
    return means;
  }
}
