import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { enc, postJson } from '../api/client';
import { useAliasHistory, useAliases, useRetrains, useRuns, useSegmentation } from '../api/queries';
import { useMay } from '../components/layout';
import { Loading, Problem, StatusBadge } from '../components/status';
import { formatDuration } from '../shape/format';
import { aliasesOf, triggerOf } from '../shape/runs';

export function AliasAudit({ segmentation, alias }: { segmentation: string; alias: string }) {
  const history = useAliasHistory(segmentation, alias);
  if (!history.data) return null;
  return (
    <>
      <h3>History of “{alias}”</h3>
      <table data-testid={`alias-history-${alias}`}>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">By</th>
          </tr>
        </thead>
        <tbody>
          {history.data.map((e, i) => (
            <tr key={i}>
              <td>{new Date(e.movedAt).toLocaleString()}</td>
              <td>{e.fromVersion === null ? '—' : `v${e.fromVersion}`}</td>
              <td>v{e.toVersion}</td>
              <td>{e.movedBy}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The versions of one segmentation as a timeline, with aliases, their audit trail and what started each run. */
export function VersionsPage() {
  const { name = '' } = useParams();
  const may = useMay();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const segmentation = useSegmentation(name);
  const runs = useRuns(name);
  const aliases = useAliases(name);
  const retrains = useRetrains(name);
  const [picked, setPicked] = useState<string[]>([]);

  const promote = useMutation({
    mutationFn: (runId: string) => postJson(`/segmentations/${enc(name)}/aliases/champion`, { run: runId }, 'PUT'),
    onSuccess: () =>
      queryClient
        .invalidateQueries({ queryKey: ['aliases', name] })
        .then(() => queryClient.invalidateQueries({ queryKey: ['alias-history', name] })),
  });

  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p.slice(-1), id]));
  const sorted = [...(runs.data ?? [])].sort((a, b) => b.version - a.version);
  const pickedRuns = sorted.filter((r) => picked.includes(r.id)).sort((a, b) => a.version - b.version);

  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/segmentations">Segmentations</Link> › {name}
      </nav>
      <h1>{name}</h1>
      {segmentation.isError && <Problem error={segmentation.error} />}
      {segmentation.data && (
        <p>
          {segmentation.data.plugin} on dataset <strong>{segmentation.data.dataset.name}</strong>
          {segmentation.data.description ? ` — ${segmentation.data.description}` : ''} ·{' '}
          <Link to={`/segmentations/${enc(name)}/kpis`}>KPI tracking across versions</Link> ·{' '}
          <Link to={`/segmentations/${enc(name)}/retraining`}>Retraining</Link>
        </p>
      )}
      <div className="actions">
        {may.runSegmentations && (
          <button type="button" onClick={() => void navigate(`/new-run?segmentation=${enc(name)}`)}>
            Run a new version
          </button>
        )}
        <button
          type="button"
          disabled={pickedRuns.length !== 2}
          onClick={() => void navigate(`/compare/${pickedRuns[0].id}/${pickedRuns[1].id}`)}
        >
          Compare the two picked versions
        </button>
        {promote.isError && <Problem error={promote.error} />}
      </div>
      {runs.isLoading && <Loading what="versions" />}
      {runs.isError && <Problem error={runs.error} />}
      <ol className="timeline" aria-label="Versions, newest first">
        {sorted.map((r) => {
          const names = aliasesOf(r, aliases.data ?? []);
          return (
            <li key={r.id} data-testid={`version-${r.version}`}>
              <div className="version-head">
                <input
                  type="checkbox"
                  id={`pick-${r.id}`}
                  checked={picked.includes(r.id)}
                  onChange={() => toggle(r.id)}
                  disabled={r.status !== 'succeeded'}
                />
                <label htmlFor={`pick-${r.id}`} className="sr-only">
                  pick v{r.version} to compare
                </label>
                <Link to={`/runs/${r.id}`} className="version">
                  v{r.version}
                </Link>
                <StatusBadge status={r.status} />
                {names.map((a) => (
                  <span key={a} className="badge alias">
                    {a}
                  </span>
                ))}
                {may.moveAliases && r.status === 'succeeded' && !names.includes('champion') && (
                  <button type="button" className="secondary" onClick={() => promote.mutate(r.id)}>
                    Make champion
                  </button>
                )}
              </div>
              <dl className="facts">
                <dt>dataset version</dt>
                <dd>v{r.datasetVersion.version}</dd>
                <dt>plugin</dt>
                <dd>
                  {r.plugin.name}@{r.plugin.version}
                </dd>
                <dt>seed</dt>
                <dd>{r.seed}</dd>
                <dt>duration</dt>
                <dd>{formatDuration(r.timings.durationMs)}</dd>
                <dt>triggered by</dt>
                <dd>{triggerOf(r, retrains.data ?? [])}</dd>
                <dt>queued</dt>
                <dd>{new Date(r.timings.queuedAt).toLocaleString()}</dd>
              </dl>
              <details>
                <summary>params</summary>
                <pre>{JSON.stringify(r.params, null, 2)}</pre>
              </details>
              {r.error && <p className="problem">{r.error}</p>}
            </li>
          );
        })}
      </ol>
      <h2>Aliases</h2>
      {aliases.data?.length ? (
        aliases.data.map((a) => <AliasAudit key={a.name} segmentation={name} alias={a.name} />)
      ) : (
        <p className="muted">No alias points at a version yet.</p>
      )}
    </>
  );
}
