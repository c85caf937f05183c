import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { enc } from '../api/client';
import { useCustomerHistory } from '../api/queries';
import { Loading, Problem } from '../components/status';
import { formatNumber } from '../shape/format';

/** Look up a customer: their segment in every finished version of every segmentation. */
export function CustomerPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [input, setInput] = useState(id);
  const history = useCustomerHistory(id);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (input.trim()) void navigate(`/customers/${enc(input.trim())}`);
  };
  return (
    <>
      <h1>Customer lookup</h1>
      <form onSubmit={submit} className="actions">
        <label htmlFor="customer-id">Customer id</label>
        <input id="customer-id" value={input} onChange={(e) => setInput(e.target.value)} required />
        <button type="submit">Look up</button>
      </form>
      {id && history.isLoading && <Loading what={`customer ${id}`} />}
      {history.isError && <Problem error={history.error} />}
      {history.data && (
        <table data-testid="customer-history">
          <caption>Customer {id}, oldest version first</caption>
          <thead>
            <tr>
              <th scope="col">Segmentation</th>
              <th scope="col">Version</th>
              <th scope="col">Dataset version</th>
              <th scope="col">Segment</th>
              <th scope="col">Score</th>
            </tr>
          </thead>
          <tbody>
            {history.data.map((h) => (
              <tr key={h.runId}>
                <td>
                  <Link to={`/segmentations/${enc(h.segmentation)}`}>{h.segmentation}</Link>
                </td>
                <td>
                  <Link to={`/runs/${h.runId}`}>v{h.version}</Link>
                </td>
                <td>v{h.datasetVersion}</td>
                <td>{h.segmentLabel}</td>
                <td>{formatNumber(h.score)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
