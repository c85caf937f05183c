import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { download, enc, postJson } from '../api/client';
import { useAssignmentsPage, useKpis, useRun, useSegments } from '../api/queries';
import type { Run, Segment } from '../api/types';
import { useLiveJob } from '../components/jobs';
import { useMay } from '../components/layout';
import { Chart } from '../charts/chart';
import { errorBarsOption, profileOption, sizesOption } from '../charts/options';
import { Loading, Problem, StatusBadge } from '../components/status';
import { formatDuration, formatInterval, formatNumber, formatPercent } from '../shape/format';
import { kpiBars, kpiTable, type KpiRow } from '../shape/kpis';
import { profileHeatmap } from '../shape/profile';
import { qualityFigures } from '../shape/runs';

function KpiTable({ rows, segments }: { rows: KpiRow[]; segments: Segment[] }) {
  return (
    <div className="scroll">
      <table className="kpis" data-testid="kpi-table">
        <caption>Value and 95% interval per segment</caption>
        <thead>
          <tr>
            <th scope="col">KPI</th>
            <th scope="col">Unit</th>
            <th scope="col">All customers</th>
            {segments.map((s) => (
              <th scope="col" key={s.key}>
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.kpi} data-kpi={row.kpi}>
              <th scope="row" title={row.definition ?? undefined}>
                {row.title}
              </th>
              <td className="unit">{row.unit}</td>
              {row.unavailable ? (
                <td colSpan={segments.length + 1} className="muted">
                  {row.unavailable}
                </td>
              ) : (
                row.cells.map((c, i) => (
                  <td key={i} data-segment={i === 0 ? 'all' : segments[i - 1].key} title={c.note ?? undefined}>
                    <span className="value">{formatNumber(c.value)}</span>{' '}
                    <span className="interval">{formatInterval(c.interval)}</span>
                  </td>
                ))
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Assignments({ runId, segments }: { runId: string; segments: Segment[] }) {
  const [offset, setOffset] = useState(0);
  const [segment, setSegment] = useState<number | undefined>(undefined);
  const limit = 50;
  const page = useAssignmentsPage(runId, offset, limit, segment);
  return (
    <section aria-labelledby="assignments-title">
      <h2 id="assignments-title">Customers</h2>
      <div className="actions">
        <label htmlFor="segment-filter">Segment</label>
        <select
          id="segment-filter"
          value={segment ?? ''}
          onChange={(e) => {
            setSegment(e.target.value === '' ? undefined : Number(e.target.value));
            setOffset(0);
          }}
        >
          <option value="">all</option>
          {segments.map((s) => (
            <option key={s.key} value={s.key}>
              {s.label}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="secondary"
          disabled={offset === 0}
          onClick={() => setOffset(Math.max(0, offset - limit))}
        >
          Previous
        </button>
        <button
          type="button"
          className="secondary"
          disabled={!page.data || offset + limit >= page.data.total}
          onClick={() => setOffset(offset + limit)}
        >
          Next
        </button>
        {page.data && (
          <span className="muted">
            {page.data.total === 0
              ? 'none'
              : `${formatNumber(offset + 1)}–${formatNumber(Math.min(offset + limit, page.data.total))} of ${formatNumber(page.data.total)}`}
          </span>
        )}
      </div>
      {page.isError && <Problem error={page.error} />}
      {page.data && (
        <table>
          <thead>
            <tr>
              <th scope="col">Customer</th>
              <th scope="col">Segment</th>
              <th scope="col">Score</th>
            </tr>
          </thead>
          <tbody>
            {page.data.rows.map((r) => (
              <tr key={r.customerId}>
                <td>
                  <Link to={`/customers/${enc(r.customerId)}`}>{r.customerId}</Link>
                </td>
                <td>{r.segmentLabel}</td>
                <td>{formatNumber(r.score)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A queued or running run: its live progress bar, and a Cancel button for those who may run segmentations. */
function RunProgress({ run }: { run: Run }) {
  const live = useLiveJob('train', run.id);
  const may = useMay();
  const client = useQueryClient();
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // The stream's progress once it reported; before that, what the run said when the page loaded.
  const fraction = live && live.status !== 'queued' ? live.fraction : run.progress;
  const note = live?.note ?? run.progressNote;
  const cancel = async () => {
    setCancelling(true);
    setError(null);
    try {
      await postJson<Run>(`/runs/${enc(run.id)}/cancel`);
      await client.invalidateQueries({ queryKey: ['run'] });
      await client.invalidateQueries({ queryKey: ['runs'] });
    } catch (e) {
      setError(e);
    } finally {
      setCancelling(false);
    }
  };
  return (
    <div className="actions">
      <label htmlFor="run-progress">
        {run.status === 'queued' ? 'Queued' : 'Running'} {formatPercent(fraction, 0)}
        {note ? ` · ${note}` : ''}
      </label>
      <progress id="run-progress" data-testid="run-progress" max={1} value={fraction} />
      {may.runSegmentations && (
        <button type="button" className="secondary" disabled={cancelling} onClick={() => void cancel()}>
          {cancelling ? 'Cancelling…' : 'Cancel run'}
        </button>
      )}
      {error !== null && <Problem error={error} />}
    </div>
  );
}

/** One run: sizes, profiles, KPIs with intervals, the model's quality figures, and exports. */
export function RunPage() {
  const { run: ref = '' } = useParams();
  const run = useRun(ref);
  const done = run.data?.status === 'succeeded';
  const segments = useSegments(ref, done);
  const kpis = useKpis(ref, done);
  const rows = useMemo(
    () => (kpis.data && segments.data ? kpiTable(kpis.data, segments.data) : []),
    [kpis.data, segments.data],
  );
  const charted = rows.filter((r) => !r.unavailable);
  const [kpiChoice, setKpiChoice] = useState<string | null>(null);
  const chosen = charted.find((r) => r.kpi === kpiChoice) ?? charted[0];
  const heatmap = useMemo(() => (segments.data ? profileHeatmap(segments.data) : null), [segments.data]);
  const [exportError, setExportError] = useState<unknown>(null);

  if (run.isLoading) return <Loading what="the run" />;
  if (run.isError) return <Problem error={run.error} />;
  const r = run.data;
  if (!r) return null;
  const title = `${r.segmentation.name} v${r.version}`;
  const exportCsv = () =>
    download(`/runs/${enc(r.id)}/assignments?format=csv`, `${r.segmentation.name}-v${r.version}-assignments.csv`).catch(
      setExportError,
    );

  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/segmentations">Segmentations</Link> ›{' '}
        <Link to={`/segmentations/${enc(r.segmentation.name)}`}>{r.segmentation.name}</Link> › v{r.version}
      </nav>
      <h1>
        {title} <StatusBadge status={r.status} />
      </h1>
      <p>
        {r.plugin.name}@{r.plugin.version} · dataset version v{r.datasetVersion.version} · seed {r.seed} ·{' '}
        {formatDuration(r.timings.durationMs)}
      </p>
      {(r.status === 'queued' || r.status === 'running') && <RunProgress run={r} />}
      {r.status === 'failed' && <p role="status">{r.error}</p>}
      {r.status === 'cancelled' && <p role="status">Cancelled: nothing of this run was stored.</p>}
      {done && (
        <div className="actions">
          <button type="button" onClick={() => void exportCsv()}>
            Export assignments (CSV)
          </button>
          {exportError !== null && <Problem error={exportError} />}
        </div>
      )}
      {segments.isError && <Problem error={segments.error} />}
      {segments.data && (
        <section aria-labelledby="sizes-title">
          <h2 id="sizes-title">Segments</h2>
          <div className="two">
            <table data-testid="segment-sizes">
              <thead>
                <tr>
                  <th scope="col">Segment</th>
                  <th scope="col">Customers</th>
                  <th scope="col">Share</th>
                </tr>
              </thead>
              <tbody>
                {segments.data.map((s) => (
                  <tr key={s.key} data-segment={s.key}>
                    <th scope="row">{s.label}</th>
                    <td className="size">{formatNumber(s.size)}</td>
                    <td>{formatPercent(s.share)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Chart
              title={`Segment sizes, ${title}`}
              option={sizesOption(
                segments.data.map((s) => s.label),
                segments.data.map((s) => s.size),
              )}
              height={260}
            />
          </div>
        </section>
      )}
      {heatmap && heatmap.features.length > 0 && (
        <section aria-labelledby="profile-title">
          <h2 id="profile-title">Profiles</h2>
          <p className="muted">
            Mean of each feature per segment; the colour is the z-score among segments, the number the raw mean.
          </p>
          <Chart
            title={`Segment profiles, ${title}`}
            option={profileOption(heatmap)}
            height={Math.max(220, 60 * heatmap.segments.length + 110)}
          />
        </section>
      )}
      {rows.length > 0 && segments.data && (
        <section aria-labelledby="kpi-title">
          <h2 id="kpi-title">KPIs</h2>
          {chosen && (
            <>
              <div className="actions">
                <label htmlFor="kpi-choice">KPI in the chart</label>
                <select id="kpi-choice" value={chosen.kpi} onChange={(e) => setKpiChoice(e.target.value)}>
                  {charted.map((k) => (
                    <option key={k.kpi} value={k.kpi}>
                      {k.title}
                    </option>
                  ))}
                </select>
              </div>
              <Chart
                title={`${chosen.title} (${chosen.unit}) per segment with 95% intervals, ${title}`}
                option={errorBarsOption(chosen.title, kpiBars(chosen, segments.data))}
              />
            </>
          )}
          <KpiTable rows={rows} segments={segments.data} />
        </section>
      )}
      {done && (
        <section aria-labelledby="quality-title">
          <h2 id="quality-title">Model quality</h2>
          <dl className="facts" data-testid="quality">
            {qualityFigures(r.metrics).map(([name, value]) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>{formatNumber(value)}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}
      {done && segments.data && <Assignments runId={r.id} segments={segments.data} />}
    </>
  );
}
