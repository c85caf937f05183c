import { Link } from 'react-router';
import { useDataset, useDatasets } from '../api/queries';
import type { Dataset } from '../api/types';
import { useMay } from '../components/layout';
import { Loading, Problem } from '../components/status';
import { versionFigures } from '../shape/datasets';
import { formatNumber } from '../shape/format';

function DatasetVersions({ dataset }: { dataset: Dataset }) {
  const detail = useDataset(dataset.name);
  return (
    <section aria-labelledby={`dataset-${dataset.id}`} data-testid={`dataset-${dataset.name}`}>
      <h2 id={`dataset-${dataset.id}`}>{dataset.name}</h2>
      {dataset.description && <p className="muted">{dataset.description}</p>}
      {detail.isLoading && <Loading what="versions" />}
      {detail.isError && <Problem error={detail.error} />}
      {detail.data && (
        <div className="scroll">
          <table>
            <caption className="sr-only">Versions of {dataset.name}</caption>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Kind</th>
                <th scope="col">File</th>
                <th scope="col">Rows read</th>
                <th scope="col">Kept</th>
                <th scope="col">Rejected</th>
                <th scope="col">Customers</th>
                <th scope="col">Content hash</th>
                <th scope="col">Ingest options</th>
                <th scope="col">Uploaded</th>
              </tr>
            </thead>
            <tbody>
              {[...detail.data.versions].reverse().map((v) => {
                const f = versionFigures(v);
                return (
                  <tr key={v.id} data-version={v.version}>
                    <th scope="row">v{v.version}</th>
                    <td>{v.kind === 'table' ? `table ${v.table}` : v.kind}</td>
                    <td>{v.sourceName ?? '—'}</td>
                    <td className="read">{formatNumber(f.read)}</td>
                    <td className="kept">{formatNumber(f.kept)}</td>
                    <td className="rejected">{formatNumber(f.rejected)}</td>
                    <td className="customers">{formatNumber(f.customers)}</td>
                    <td>
                      <code title={v.contentHash}>{v.contentHash.slice(0, 12)}</code>
                    </td>
                    <td className="options">{f.options.join(', ')}</td>
                    <td>{new Date(v.createdAt).toLocaleString()}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** Every dataset with its versions: what each upload read, kept and rejected, and how it was read. */
export function DatasetsPage() {
  const list = useDatasets();
  const may = useMay();
  return (
    <>
      <h1>Datasets</h1>
      {may.uploadData && (
        <p className="actions">
          <Link to="/datasets/upload">Upload a CSV</Link>
        </p>
      )}
      {list.isLoading && <Loading what="datasets" />}
      {list.isError && <Problem error={list.error} />}
      {list.data && list.data.length === 0 && <p>No dataset yet.</p>}
      {list.data?.map((d) => (
        <DatasetVersions key={d.id} dataset={d} />
      ))}
    </>
  );
}
