import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { compareAssignments } from '@workbench/compare';
import type { StringTable } from '@workbench/data';
import { Comparison, ComparisonStatus, Run, RunStatus } from '@workbench/persistence';
import type { AliasesService } from './aliases.service';
import type { AssignmentsService } from './assignments.service';
import { InvalidRequestError } from './errors';
import type { SegmentationsService } from './segmentations.service';
import { kpiPoint, segmentChains, type KpiHistoryView } from './views/kpi-history.view';
import type { RunReportsService } from './views/run-reports.service';

interface Link {
  /** Run A's segment key → its matched segment of run B. */
  pairs: Map<number, number>;
  comparison: string | null;
}

/** Customers' segments of one version: the ids and each one's segment key, of k segments. */
export interface VersionAssignments {
  ids: readonly string[];
  /** The same ids as stored (decoded assignments have it): the join then works on their bytes, not on strings. */
  idTable?: StringTable;
  segment: Int32Array;
  k: number;
}

/**
 * The Hungarian matching of version a's segments to version b's over the customers they share (the
 * comparison's own matching): a's segment key → its matched segment of b. A segment left unmatched
 * (more segments on one side) is absent.
 */
export function matchSegments(a: VersionAssignments, b: VersionAssignments): Map<number, number> {
  const result = compareAssignments({
    idsA: a.idTable ?? a.ids,
    segmentA: a.segment,
    kA: a.k,
    idsB: b.idTable ?? b.ids,
    segmentB: b.segment,
    kB: b.k,
  });
  return new Map(result.matching.pairs.map((p) => [p.segmentA, p.segmentB]));
}

/** The latest finished version of a segmentation before `version`, or null (read through `em`: a caller may be in a transaction). */
export function previousFinishedRun(
  em: EntityManager,
  segmentationId: string,
  version: number,
): Promise<Pick<Run, 'id' | 'version'> | null> {
  return em.findOne(
    Run,
    { segmentation: segmentationId, status: RunStatus.Succeeded, version: { $lt: version } },
    { orderBy: { version: 'desc' }, fields: ['id', 'version'] },
  );
}

/**
 * One KPI of a segmentation across its finished versions, each segment followed from version to version
 * through the Hungarian matching of consecutive versions (a stored comparison of the two, or the same
 * matching computed from their assignments), so a segment keeps its line when its label or key changes.
 */
export class KpiHistoryService {
  /** Matchings computed from assignments, by `runA:runB` (finished runs never change). */
  private readonly computed = new Map<string, Map<number, number>>();

  constructor(
    private readonly orm: MikroORM,
    private readonly segmentations: SegmentationsService,
    private readonly aliases: AliasesService,
    private readonly reports: RunReportsService,
    private readonly assignments: AssignmentsService,
  ) {}

  async history(segmentationIdOrName: string, kpi: string, alias?: string): Promise<KpiHistoryView> {
    const segmentation = await this.segmentations.get(segmentationIdOrName);
    const runs = (await this.segmentations.runs(segmentation.id)).filter((r) => r.status === RunStatus.Succeeded);
    if (runs.length === 0)
      throw new InvalidRequestError(`segmentation '${segmentation.name}' has no finished version yet`);
    const anchorId = alias ? await this.aliases.resolve(segmentation.id, alias) : runs[runs.length - 1].id;
    const anchor = runs.findIndex((r) => r.id === anchorId);
    const reports = await Promise.all(runs.map((r) => this.reports.report(r)));
    const row = reports.flatMap((r) => r.kpis).find((k) => k.kpi === kpi);
    if (!row) {
      const known = [...new Set(reports.flatMap((r) => r.kpis.map((k) => k.kpi)))];
      throw new InvalidRequestError(
        `kpi: no version of '${segmentation.name}' has a KPI '${kpi}'; its versions have ${known.join(', ') || 'no KPIs'}`,
      );
    }
    const links: Link[] = [];
    for (let i = 0; i + 1 < runs.length; i++) links.push(await this.link(runs[i], runs[i + 1]));
    const chains = segmentChains({
      segments: reports.map((r) => r.segments),
      links: links.map((l) => l.pairs),
      anchor,
    });
    return {
      segmentation: segmentation.name,
      kpi,
      title: row.title,
      unit: row.unit,
      higherIsBetter: row.higherIsBetter,
      anchor: { alias: alias ?? null, runId: runs[anchor].id, version: runs[anchor].version },
      versions: runs.map((r) => ({ runId: r.id, version: r.version, datasetVersion: r.datasetVersion.version })),
      links: links.map((l, i) => ({ from: runs[i].version, to: runs[i + 1].version, comparison: l.comparison })),
      overall: reports.map((r) => kpiPoint(r.kpis, kpi, null)),
      lines: chains.map((c) => ({
        ...c,
        points: c.keys.map((key, v) => (key === null ? null : kpiPoint(reports[v].kpis, kpi, key))),
      })),
    };
  }

  /** The matching of run a's segments to run b's: from their stored comparison (either way round), else computed. */
  private async link(a: Run, b: Run): Promise<Link> {
    const stored = await this.orm.em.fork().findOne(
      Comparison,
      {
        status: ComparisonStatus.Succeeded,
        $or: [
          { runA: a.id, runB: b.id },
          { runA: b.id, runB: a.id },
        ],
      },
      { orderBy: { createdAt: 'desc' } },
    );
    const pairs = (stored?.matching as { pairs?: { a: { key: number }; b: { key: number } }[] } | null)?.pairs;
    if (stored && pairs) {
      const forward = stored.runA.id === a.id;
      return {
        pairs: new Map(pairs.map((p) => (forward ? [p.a.key, p.b.key] : [p.b.key, p.a.key]))),
        comparison: stored.id,
      };
    }
    const key = `${a.id}:${b.id}`;
    let computed = this.computed.get(key);
    if (!computed) {
      const [x, y] = [await this.assignments.decoded(a.id), await this.assignments.decoded(b.id)];
      computed = matchSegments({ ...x, k: x.labels.size }, { ...y, k: y.labels.size });
      this.computed.set(key, computed);
      // A few hundred bytes each; the bound only keeps a long-lived server from collecting them forever.
      if (this.computed.size > 256) this.computed.delete(this.computed.keys().next().value as string);
    }
    return { pairs: computed, comparison: null };
  }
}
