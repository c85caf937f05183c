import { useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { enc } from '../api/client';
import { useKpiHistory, useKpis, useRuns } from '../api/queries';
import { Chart } from '../charts/chart';
import { trackOption } from '../charts/options';
import { Loading, Problem } from '../components/status';
import { formatInterval, formatNumber } from '../shape/format';
import { kpiTrack } from '../shape/track';

/** One KPI of one segmentation across its versions: a line for all customers and one per segment followed by matching. */
export function KpiTrackPage() {
  const { name = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const runs = useRuns(name);
  const latest = useMemo(
    () => (runs.data ?? []).filter((r) => r.status === 'succeeded').sort((a, b) => b.version - a.version)[0],
    [runs.data],
  );
  const kpis = useKpis(latest?.id ?? '', !!latest);
  const kpiNames = [...new Set((kpis.data ?? []).filter((k) => k.value !== null).map((k) => k.kpi))];
  const kpi = params.get('kpi') ?? kpiNames[0] ?? '';
  const history = useKpiHistory(name, kpi);
  const h = history.data;
  const track = h ? kpiTrack(h) : null;

  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/segmentations">Segmentations</Link> › <Link to={`/segmentations/${enc(name)}`}>{name}</Link> › KPI
        tracking
      </nav>
      <h1>KPI tracking: {name}</h1>
      {[runs, kpis, history].map((q, i) => (q.isError ? <Problem key={i} error={q.error} /> : null))}
      {runs.data && !latest && <p role="status">No version has finished yet.</p>}
      {kpiNames.length > 0 && (
        <div className="actions">
          <label htmlFor="kpi">KPI</label>
          <select id="kpi" value={kpi} onChange={(e) => setParams({ kpi: e.target.value })}>
            {kpiNames.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </div>
      )}
      {kpi && !h && !history.isError && <Loading what={`${kpi} in every version`} />}
      {h && track && (
        <>
          <p className="muted">
            Each segment is followed from version to version through the Hungarian matching of consecutive versions (on
            shared customers), so a line is one group of customers even where its label or key changes; lines are named
            as in v{h.anchor.version}. A segment no version before or after is matched to starts or ends its line.
          </p>
          <Chart
            title={`${h.title ?? kpi} across versions of ${name}, 95% intervals`}
            option={trackOption(kpi, track.versions, track.lines)}
          />
          <table data-testid="kpi-history">
            <thead>
              <tr>
                <th scope="col">Segment</th>
                {track.versions.map((v) => (
                  <th scope="col" key={v}>
                    v{v}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {track.lines.map((l, li) => {
                const chain = li === 0 ? null : h.lines[li - 1];
                return (
                  <tr key={`${li}-${l.name}`} data-line={li === 0 ? 'overall' : String(li - 1)}>
                    <th scope="row">{l.name}</th>
                    {l.points.map((p, v) => {
                      const label = chain?.labels[v];
                      return (
                        <td key={v} data-version={h.versions[v].version}>
                          <span className="value">{p ? formatNumber(p.value) : '—'}</span>{' '}
                          <span className="interval">
                            {p && p.lower !== null && p.upper !== null
                              ? formatInterval({ lower: p.lower, upper: p.upper })
                              : ''}
                          </span>
                          {label && label !== l.name && <div className="muted segment-label">as {label}</div>}
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
