import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { enc } from '../api/client';
import { useCustomerHistory, useCustomerInRun } from '../api/queries';
import type { HistoryEntry } from '../api/types';
import { Loading, Problem } from '../components/status';
import { formatNumber } from '../shape/format';

/** Look up a customer: their segment in every finished version of every segmentation. */
export function CustomerPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [input, setInput] = useState(id);
  const history = useCustomerHistory(id);
  const [picked, setPicked] = useState<string | undefined>();
  // The newest version by default: the segment the customer is in now.
  const runId =
    picked && history.data?.some((h) => h.runId === picked) ? picked : history.data?.[history.data.length - 1]?.runId;
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
      {history.data && runId && <Features customer={id} runs={history.data} runId={runId} onPick={setPicked} />}
    </>
  );
}

/** The customer's features in one version's input, beside their segment's mean and all customers' mean. */
function Features({
  customer,
  runs,
  runId,
  onPick,
}: {
  customer: string;
  runs: HistoryEntry[];
  runId: string;
  onPick: (runId: string) => void;
}) {
  const inRun = useCustomerInRun(runId, customer);
  const c = inRun.data;
  return (
    <section aria-labelledby="features-title">
      <h2 id="features-title">Features that put them there</h2>
      <div className="actions">
        <label htmlFor="features-run">Version</label>
        <select id="features-run" value={runId} onChange={(e) => onPick(e.target.value)}>
          {runs.map((h) => (
            <option key={h.runId} value={h.runId}>
              {h.segmentation} v{h.version}
            </option>
          ))}
        </select>
      </div>
      {inRun.isError && <Problem error={inRun.error} />}
      {!c && !inRun.isError && <Loading what="the features" />}
      {c && c.run.id === runId && (
        <table data-testid="customer-features">
          <caption>
            Customer {customer} in {c.run.segmentation} v{c.run.version}: segment {c.segment.label}
            {c.score !== null && `, score ${formatNumber(c.score)}`}. ● = a feature the model was trained on.
          </caption>
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col">This customer</th>
              <th scope="col">Mean of {c.segment.label}</th>
              <th scope="col">Mean of all customers</th>
            </tr>
          </thead>
          <tbody>
            {c.features.map((f) => (
              <tr key={f.name} data-feature={f.name}>
                <th scope="row">
                  {f.name}
                  {f.inModel && <span title="trained on"> ●</span>}
                </th>
                <td className="value">
                  {typeof f.value === 'number' || f.value === null ? formatNumber(f.value) : f.value}
                </td>
                <td className="segment-mean">{formatNumber(f.segmentMean)}</td>
                <td className="overall-mean">{formatNumber(f.overallMean)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
