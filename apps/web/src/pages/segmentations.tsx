import { Link } from 'react-router';
import { useAliases, useRetrains, useRuns, useSegmentations } from '../api/queries';
import type { Segmentation } from '../api/types';
import { useMay } from '../components/layout';
import { Loading, Problem, StatusBadge } from '../components/status';
import { lastDecision } from '../shape/runs';

function SegmentationRow({ s }: { s: Segmentation }) {
  const runs = useRuns(s.name);
  const aliases = useAliases(s.name);
  const retrains = useRetrains(s.name);
  const latest = runs.data?.length ? runs.data.reduce((a, b) => (a.version > b.version ? a : b)) : undefined;
  const decision = retrains.data ? lastDecision(retrains.data) : undefined;
  return (
    <tr>
      <th scope="row">
        <Link to={`/segmentations/${encodeURIComponent(s.name)}`}>{s.name}</Link>
      </th>
      <td>{s.plugin}</td>
      <td>{s.dataset.name}</td>
      <td>
        {latest ? (
          <>
            <Link to={`/runs/${latest.id}`}>v{latest.version}</Link> <StatusBadge status={latest.status} />
          </>
        ) : runs.isLoading ? (
          '…'
        ) : (
          'no run yet'
        )}
      </td>
      <td>{aliases.data?.map((a) => `${a.name} → v${a.run.version}`).join(', ') || '—'}</td>
      <td>
        {decision
          ? `${decision.status} (${decision.trigger.split(':')[0]}, ${new Date(decision.createdAt).toLocaleDateString()})`
          : '—'}
      </td>
    </tr>
  );
}

export function SegmentationsPage() {
  const list = useSegmentations();
  const may = useMay();
  return (
    <>
      <h1>Segmentations</h1>
      {may.runSegmentations && (
        <p className="actions">
          <Link to="/new-run">New run</Link> — of a segmentation below, or of a new one
        </p>
      )}
      {list.isLoading && <Loading what="segmentations" />}
      {list.isError && <Problem error={list.error} />}
      {list.data && list.data.length === 0 && (
        <p>
          No segmentation yet. Create one on the <Link to="/new-run?segmentation=%2Bnew">new run</Link> page, with{' '}
          <code>workbench run</code> or <code>POST /segmentations</code>.
        </p>
      )}
      {list.data && list.data.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Segmentation</th>
              <th scope="col">Plugin</th>
              <th scope="col">Dataset</th>
              <th scope="col">Latest version</th>
              <th scope="col">Aliases</th>
              <th scope="col">Last retrain decision</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((s) => (
              <SegmentationRow key={s.id} s={s} />
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
