import { useQueries } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { enc, getJson } from '../api/client';
import { useRuns } from '../api/queries';
import type { Kpi, Segment } from '../api/types';
import { Chart } from '../charts/chart';
import { trackOption } from '../charts/options';
import { Loading, Problem } from '../components/status';
import { formatInterval, formatNumber } from '../shape/format';
import { kpiTrack } from '../shape/track';

/** One KPI of one segmentation across its versions: a line per segment (by label) and one for all customers. */
export function KpiTrackPage() {
  const { name = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const runs = useRuns(name);
  const done = useMemo(() => (runs.data ?? []).filter((r) => r.status === 'succeeded').sort((a, b) => a.version - b.version), [runs.data]);
  const data = useQueries({
    queries: done.flatMap((r) => [
      { queryKey: ['kpis', r.id], queryFn: () => getJson<Kpi[]>(`/runs/${enc(r.id)}/kpis`) },
      { queryKey: ['segments', r.id], queryFn: () => getJson<Segment[]>(`/runs/${enc(r.id)}/segments`) },
    ]),
  });
  const loaded = data.length > 0 && data.every((q) => q.data);
  const perRun = loaded ? done.map((r, i) => ({ version: r.version, kpis: data[2 * i].data as Kpi[], segments: data[2 * i + 1].data as Segment[] })) : [];
  const kpiNames = [...new Set(perRun.flatMap((r) => r.kpis.filter((k) => k.value !== null).map((k) => k.kpi)))];
  const kpi = params.get('kpi') ?? kpiNames[0] ?? '';
  const track = loaded && kpi ? kpiTrack(perRun, kpi) : null;

  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/segmentations">Segmentations</Link> › <Link to={`/segmentations/${enc(name)}`}>{name}</Link> › KPI tracking
      </nav>
      <h1>KPI tracking: {name}</h1>
      {runs.isError && <Problem error={runs.error} />}
      {!loaded && <Loading what="the KPIs of every version" />}
      {loaded && (
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
      {track && (
        <>
          <p className="muted">Segments are followed by their label from version to version; a segment a version does not have leaves a gap.</p>
          <Chart title={`${kpi} across versions of ${name}, 95% intervals`} option={trackOption(kpi, track.versions, track.lines)} />
          <table>
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
              {track.lines.map((l) => (
                <tr key={l.name}>
                  <th scope="row">{l.name}</th>
                  {l.points.map((p, i) => (
                    <td key={i}>{p ? `${formatNumber(p.value)} ${formatInterval(p.lower !== null && p.upper !== null ? { lower: p.lower, upper: p.upper } : null)}` : '—'}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
