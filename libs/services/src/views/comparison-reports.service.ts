import { ComparisonStatus } from '@workbench/persistence';
import type { ComparisonsService } from '../comparisons.service';
import { ConflictError } from '../errors';
import { comparisonView } from './comparison.view';
import { comparisonKpiDeltasView, type ComparisonKpiDeltasView } from './kpi-delta.view';
import type { RunReportsService } from './run-reports.service';

/** The read side of comparisons beyond the stored result: the KPI evaluators' values per matched pair. */
export class ComparisonReportsService {
  constructor(
    private readonly comparisons: ComparisonsService,
    private readonly reports: RunReportsService,
  ) {}

  /** KPI changes over all customers and per pair of segments the comparison matched (Hungarian, on overlap). */
  async kpiDeltas(id: string): Promise<ComparisonKpiDeltasView> {
    const comparison = await this.comparisons.get(id);
    if (comparison.status !== ComparisonStatus.Succeeded) {
      throw new ConflictError(
        `comparison '${id}' is ${comparison.status}; its KPI changes are there once it has succeeded`,
      );
    }
    const pairs = (
      comparison.matching as { pairs: { a: { key: number; label: string }; b: { key: number; label: string } }[] }
    ).pairs;
    const [kpisA, kpisB] = await Promise.all([
      this.reports.kpis(comparison.runA.id),
      this.reports.kpis(comparison.runB.id),
    ]);
    return comparisonKpiDeltasView(comparisonView(comparison), pairs, kpisA, kpisB);
  }
}
