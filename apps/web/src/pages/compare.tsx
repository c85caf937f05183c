import { useMutation, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { postJson } from '../api/client';
import { useComparison, useComparisons, useKpiDeltas, useRun } from '../api/queries';
import type { Comparison, ComparisonKpiDeltas, KpiDelta } from '../api/types';
import { Chart } from '../charts/chart';
import { migrationHeatmapOption, sankeyOption } from '../charts/options';
import { useMay } from '../components/layout';
import { Loading, Problem } from '../components/status';
import { deltaVerdict, shownDeltas } from '../shape/deltas';
import { formatIndex, formatInterval, formatNumber, formatPercent } from '../shape/format';
import { findComparison } from '../shape/migration';

/** The KPI evaluators' values in A and B and the change, one row per KPI (cells carry data attributes for tests). */
function KpiDeltaTable({
  kpis,
  nameA,
  nameB,
  testId,
}: {
  kpis: KpiDelta[];
  nameA: string;
  nameB: string;
  testId: string;
}) {
  const rows = shownDeltas(kpis);
  if (rows.length === 0) return <p className="muted">No KPI both runs computed.</p>;
  return (
    <table data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">KPI</th>
          <th scope="col">{nameA}</th>
          <th scope="col">{nameB}</th>
          <th scope="col">Change</th>
          <th scope="col">95% interval</th>
          <th scope="col">Significant</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((d) => {
          const verdict = deltaVerdict(d);
          return (
            <tr key={`${d.evaluator}:${d.kpi}`} data-kpi={d.kpi}>
              <th scope="row" title={`${d.kpi} (${d.evaluator})`}>
                {d.title ?? d.kpi} <span className="unit">{d.unit}</span>
              </th>
              <td className="a">{formatNumber(d.a)}</td>
              <td className="b">{formatNumber(d.b)}</td>
              <td className="delta">{formatNumber(d.delta)}</td>
              <td className="interval">{formatInterval(d.interval)}</td>
              <td className="significant">{d.significant ? <span className="sig">{verdict}</span> : verdict}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Result({
  c,
  kpiQuery,
  nameA,
  nameB,
  shortA,
  shortB,
}: {
  c: Comparison;
  kpiQuery: UseQueryResult<ComparisonKpiDeltas>;
  nameA: string;
  nameB: string;
  shortA: string;
  shortB: string;
}) {
  const kpis = kpiQuery.data;
  const m = c.metrics;
  if (!m || !c.migration || !c.matching) return null;
  const pct = (share: number) => formatPercent(share, 2);
  const deltaText = (kpi: string, x: number) => (kpi === 'share' ? pct(x) : formatNumber(x));
  return (
    <>
      <section aria-labelledby="agreement-title">
        <h2 id="agreement-title">Agreement</h2>
        <dl className="figures">
          <div>
            <dt>Adjusted Rand index</dt>
            <dd data-testid="ari">{formatIndex(m.ari)}</dd>
            <dd className="muted">
              1 = the same grouping of customers, 0 = no more alike than chance (negative: less).
            </dd>
          </div>
          <div>
            <dt>Normalized mutual information</dt>
            <dd data-testid="nmi">{formatIndex(m.nmi)}</dd>
            <dd className="muted">
              Share of one grouping's information the other carries: 1 = either predicts the other exactly, 0 =
              independent.
            </dd>
          </div>
          <div>
            <dt>Customers in both runs</dt>
            <dd data-testid="matched">{formatNumber(m.matched)}</dd>
          </div>
          <div>
            <dt>Only in {nameA}</dt>
            <dd data-testid="only-a">{formatNumber(m.onlyInA)}</dd>
          </div>
          <div>
            <dt>Only in {nameB}</dt>
            <dd data-testid="only-b">{formatNumber(m.onlyInB)}</dd>
          </div>
        </dl>
      </section>
      <section aria-labelledby="migration-title">
        <h2 id="migration-title">Who moved where</h2>
        <div className="two">
          <Chart
            title={`Migration from ${nameA} to ${nameB}`}
            option={sankeyOption(c.migration, shortA, shortB)}
            height={360}
            testId="sankey"
          />
          <Chart
            title={`Migration matrix, row %, ${nameA} to ${nameB}`}
            option={migrationHeatmapOption(c.migration, shortA, shortB)}
            height={360}
          />
        </div>
      </section>
      <section aria-labelledby="overall-title">
        <h2 id="overall-title">KPIs of all customers</h2>
        {kpiQuery.isError && <Problem error={kpiQuery.error} />}
        {kpis ? (
          <KpiDeltaTable kpis={kpis.overall} nameA={nameA} nameB={nameB} testId="kpi-deltas-overall" />
        ) : (
          !kpiQuery.isError && <Loading what="the KPI changes" />
        )}
      </section>
      <section aria-labelledby="matched-title">
        <h2 id="matched-title">Matched segments</h2>
        <p className="muted">
          Pairs found by the Hungarian method on overlap. KPIs as each run&apos;s evaluators computed them; the change B
          − A with a 95% interval from the two values&apos; intervals (MOVER), <span className="sig">▲▼</span> where it
          excludes 0.
          {c.matching.unmatchedA.length > 0 && ` Unmatched in ${nameA}: ${c.matching.unmatchedA.join(', ')}.`}
          {c.matching.unmatchedB.length > 0 && ` Unmatched in ${nameB}: ${c.matching.unmatchedB.join(', ')}.`}
        </p>
        {c.matching.pairs.map((p) => {
          const pairKpis = kpis?.pairs.find((x) => x.a.key === p.a.key && x.b.key === p.b.key);
          return (
            <div key={`${p.a.key}-${p.b.key}`} className="pair">
              <h3>
                {p.a.label} ({formatNumber(p.a.size)}) ↔ {p.b.label} ({formatNumber(p.b.size)})
                <span className="muted">
                  {' '}
                  · overlap {formatNumber(p.overlap)}, Jaccard {formatIndex(p.jaccard)}
                </span>
              </h3>
              {pairKpis ? (
                <KpiDeltaTable
                  kpis={pairKpis.kpis}
                  nameA={nameA}
                  nameB={nameB}
                  testId={`kpi-deltas-${p.a.key}-${p.b.key}`}
                />
              ) : (
                !kpiQuery.isError && <Loading what="the KPI changes" />
              )}
              <details>
                <summary>Share and feature means</summary>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Measure</th>
                      <th scope="col">{nameA}</th>
                      <th scope="col">{nameB}</th>
                      <th scope="col">Change</th>
                      <th scope="col">95% interval</th>
                      <th scope="col">Significant</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.deltas.map((d) => (
                      <tr key={d.kpi}>
                        <th scope="row">{d.kpi}</th>
                        <td>{deltaText(d.kpi, d.a)}</td>
                        <td>{deltaText(d.kpi, d.b)}</td>
                        <td>{deltaText(d.kpi, d.delta)}</td>
                        <td>
                          [{deltaText(d.kpi, d.lower)}, {deltaText(d.kpi, d.upper)}]
                        </td>
                        <td>{d.significant ? <span className="sig">{d.delta > 0 ? '▲ yes' : '▼ yes'}</span> : 'no'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            </div>
          );
        })}
      </section>
    </>
  );
}

/** Compare any two runs: uses the stored comparison of A with B, or (for roles that may) queues one. */
export function ComparePage() {
  const { a = '', b = '' } = useParams();
  const may = useMay();
  const queryClient = useQueryClient();
  const runA = useRun(a);
  const runB = useRun(b);
  const list = useComparisons();
  const found = runA.data && runB.data && list.data ? findComparison(list.data, runA.data.id, runB.data.id) : undefined;
  const create = useMutation({
    mutationFn: (ids: { runA: string; runB: string }) => postJson<Comparison>('/comparisons', ids),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['comparisons'] }),
  });
  const ready = !!runA.data && !!runB.data && !!list.data;
  const canCreate =
    ready && !found && may.compareRuns && runA.data?.status === 'succeeded' && runB.data?.status === 'succeeded';
  useEffect(() => {
    if (canCreate && create.isIdle)
      create.mutate({ runA: (runA.data as { id: string }).id, runB: (runB.data as { id: string }).id });
  }, [canCreate, create, runA.data, runB.data]);
  const comparison = useComparison(found?.id ?? create.data?.id);
  // Asked for beside the comparison, not after it, when the list already says it has succeeded: one round trip fewer.
  const succeeded =
    found?.status === 'succeeded' ? found.id : comparison.data?.status === 'succeeded' ? comparison.data.id : undefined;
  const kpiQuery = useKpiDeltas(succeeded);

  const nameA = runA.data ? `${runA.data.segmentation.name} v${runA.data.version}` : 'A';
  const nameB = runB.data ? `${runB.data.segmentation.name} v${runB.data.version}` : 'B';
  // Chart labels: just the versions when both runs are of one segmentation.
  const sameSegmentation = runA.data && runB.data && runA.data.segmentation.id === runB.data.segmentation.id;
  const shortA = sameSegmentation ? `v${runA.data?.version}` : nameA;
  const shortB = sameSegmentation ? `v${runB.data?.version}` : nameB;
  const c = comparison.data;
  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/segmentations">Segmentations</Link> › compare
      </nav>
      <h1>
        {runA.data ? <Link to={`/runs/${runA.data.id}`}>{nameA}</Link> : nameA} vs{' '}
        {runB.data ? <Link to={`/runs/${runB.data.id}`}>{nameB}</Link> : nameB}
      </h1>
      {[runA, runB, list, create, comparison].map((q, i) => (q.isError ? <Problem key={i} error={q.error} /> : null))}
      {ready && !found && !may.compareRuns && (
        <p role="status">These two runs have not been compared yet, and comparing needs the analyst role.</p>
      )}
      {(!c || c.status === 'queued' || c.status === 'running') && !(ready && !found && !may.compareRuns) && (
        <Loading what="the comparison" />
      )}
      {c?.status === 'failed' && <Problem error={c.error} />}
      {c?.status === 'succeeded' && (
        <Result c={c} kpiQuery={kpiQuery} nameA={nameA} nameB={nameB} shortA={shortA} shortB={shortB} />
      )}
    </>
  );
}
