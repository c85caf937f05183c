import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { enc, postJson } from '../api/client';
import { usePolicies, useRetrains, useRuleCheck, useRuleMetrics, useSegmentations } from '../api/queries';
import type { RetrainPolicy, RetrainRequest } from '../api/types';
import { useMay } from '../components/layout';
import { Loading, Problem, StatusBadge } from '../components/status';
import { useDebounced } from '../components/use-debounced';
import { caretLine, needsReview, newestFirst, retrainVerdict, triggerLabel } from '../shape/retrain';

/** Retrain requests as a history table, newest first; each links to its drift report and decision. */
export function RetrainTable({
  rows,
  showSegmentation = false,
}: {
  rows: RetrainRequest[];
  showSegmentation?: boolean;
}) {
  if (rows.length === 0) return <p className="muted">No retrain yet.</p>;
  return (
    <div className="scroll">
      <table data-testid="retrain-history">
        <thead>
          <tr>
            <th scope="col">Started</th>
            {showSegmentation && <th scope="col">Segmentation</th>}
            <th scope="col">Trigger</th>
            <th scope="col">Dataset version</th>
            <th scope="col">Candidate</th>
            <th scope="col">Champion then</th>
            <th scope="col">Outcome</th>
            <th scope="col">Report</th>
          </tr>
        </thead>
        <tbody>
          {newestFirst(rows).map((r) => (
            <tr key={r.id} data-retrain={r.id} data-status={r.status}>
              <td>{new Date(r.createdAt).toLocaleString()}</td>
              {showSegmentation && (
                <td>
                  <Link to={`/segmentations/${enc(r.segmentation)}/retraining`}>{r.segmentation}</Link>
                </td>
              )}
              <td>{triggerLabel(r.trigger)}</td>
              <td>v{r.datasetVersion}</td>
              <td>{r.run ? <Link to={`/runs/${r.run.id}`}>v{r.run.version}</Link> : '—'}</td>
              <td>{r.champion ? <Link to={`/runs/${r.champion.id}`}>v{r.champion.version}</Link> : '—'}</td>
              <td>
                <StatusBadge status={r.review ? r.review.decision : r.status} />{' '}
                <span className={needsReview(r) ? 'sig' : 'muted'}>{retrainVerdict(r)}</span>
              </td>
              <td>
                <Link to={`/retrains/${r.id}`}>
                  drift and decision
                  <span className="sr-only"> of the retrain started {new Date(r.createdAt).toLocaleString()}</span>
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The rule field of the policy form, checked by the server's parser once typing pauses; the error points at its column. */
function RuleField({ rule, onChange }: { rule: string; onChange: (rule: string) => void }) {
  const settled = useDebounced(rule, 300);
  const check = useRuleCheck(settled);
  const metrics = useRuleMetrics();
  const pending = rule !== settled || check.isFetching;
  let verdict = null;
  if (rule.trim() === '') verdict = <p className="muted">Write a rule, e.g. ari &gt;= 0.8 and max_psi &lt; 0.25.</p>;
  else if (pending) verdict = <p className="muted">Checking…</p>;
  else if (check.isError) verdict = <Problem error={check.error} />;
  else if (check.data?.ok)
    verdict = <p className="ok">The server accepts this rule; it reads {check.data.metrics.join(', ')}.</p>;
  else if (check.data)
    verdict = (
      <div className="rule-error">
        <pre aria-hidden="true">
          {settled}
          {'\n'}
          {caretLine(check.data.error.column)}
        </pre>
        <p className="problem">
          Column {check.data.error.column}: {check.data.error.detail}
        </p>
      </div>
    );
  return (
    <div className="field">
      <label htmlFor="policy-rule">Promotion rule</label>
      <input
        id="policy-rule"
        className="code"
        value={rule}
        onChange={(e) => onChange(e.target.value)}
        spellCheck={false}
        autoComplete="off"
        aria-describedby="policy-rule-check"
        aria-invalid={!pending && check.data?.ok === false}
        size={60}
      />
      <div id="policy-rule-check" data-testid="rule-check" aria-live="polite">
        {verdict}
      </div>
      {metrics.data && (
        <details>
          <summary>Metrics a rule can read</summary>
          <ul>
            {metrics.data.map((m) => (
              <li key={m.name}>
                <code>{m.name}</code>: {m.description}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

/** Adds a policy: a trigger (new dataset version or a cron schedule) and the rule a candidate must meet to be promoted. */
function PolicyForm({ segmentation }: { segmentation: string }) {
  const queryClient = useQueryClient();
  const [trigger, setTrigger] = useState<'dataset' | 'cron'>('dataset');
  const [cron, setCron] = useState('0 3 * * 1');
  const [rule, setRule] = useState('');
  const settled = useDebounced(rule, 300);
  const check = useRuleCheck(settled);
  const create = useMutation({
    mutationFn: () =>
      postJson<RetrainPolicy>(`/segmentations/${enc(segmentation)}/policies`, {
        trigger,
        rule,
        ...(trigger === 'cron' ? { cron } : {}),
      }),
    onSuccess: () => {
      setRule('');
      void queryClient.invalidateQueries({ queryKey: ['policies', segmentation] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} className="policy-form" aria-labelledby="add-policy">
      <h3 id="add-policy">Add a policy</h3>
      <fieldset>
        <legend>Retrain when</legend>
        <label>
          <input type="radio" name="trigger" checked={trigger === 'dataset'} onChange={() => setTrigger('dataset')} /> a
          new version of the dataset arrives
        </label>
        <label>
          <input type="radio" name="trigger" checked={trigger === 'cron'} onChange={() => setTrigger('cron')} /> on a
          schedule
        </label>
        {trigger === 'cron' && (
          <div className="field">
            <label htmlFor="policy-cron">Cron schedule (five fields, UTC)</label>
            <input id="policy-cron" className="code" value={cron} onChange={(e) => setCron(e.target.value)} />
          </div>
        )}
      </fieldset>
      <RuleField rule={rule} onChange={setRule} />
      <div className="actions">
        <button type="submit" disabled={create.isPending || !(rule === settled && check.data?.ok)}>
          Add policy
        </button>
        {create.isError && <Problem error={create.error} />}
      </div>
    </form>
  );
}

/** Policies of one segmentation (add, disable or enable, delete) and the history of its retrains. */
export function RetrainingPage() {
  const { name = '' } = useParams();
  const may = useMay();
  const queryClient = useQueryClient();
  const policies = usePolicies(name);
  const retrains = useRetrains(name);
  const remove = useMutation({
    mutationFn: (id: string) => postJson(`/policies/${enc(id)}`, undefined, 'DELETE'),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['policies', name] }),
  });
  const toggle = useMutation({
    mutationFn: ({ id, enabled }: { id: string; enabled: boolean }) =>
      postJson(`/policies/${enc(id)}`, { enabled }, 'PATCH'),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['policies', name] }),
  });

  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/retraining">Retraining</Link> › <Link to={`/segmentations/${enc(name)}`}>{name}</Link>
      </nav>
      <h1>Retraining of {name}</h1>
      <p className="muted">
        When a policy triggers, {name} is trained again and compared with its champion (agreement, drift, segment and
        KPI shifts). A candidate that meets the rule becomes champion; otherwise it is flagged for a person to promote
        or reject.
      </p>
      <h2>Policies</h2>
      {policies.isLoading && <Loading what="policies" />}
      {policies.isError && <Problem error={policies.error} />}
      {policies.data &&
        (policies.data.length === 0 ? (
          <p className="muted">No policy: {name} is retrained only by hand.</p>
        ) : (
          <table data-testid="policies">
            <thead>
              <tr>
                <th scope="col">Trigger</th>
                <th scope="col">Promotion rule</th>
                <th scope="col">Enabled</th>
                <th scope="col">Added by</th>
                {may.addPolicies && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {policies.data.map((p) => (
                <tr key={p.id}>
                  <td>{p.trigger === 'cron' ? `schedule ${p.cron} (UTC)` : 'new dataset version'}</td>
                  <td>
                    <code>{p.rule}</code>
                  </td>
                  <td>{p.enabled ? 'yes' : 'no'}</td>
                  <td>
                    {p.createdBy}, {new Date(p.createdAt).toLocaleString()}
                  </td>
                  {may.addPolicies && (
                    <td className="actions">
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => toggle.mutate({ id: p.id, enabled: !p.enabled })}
                        aria-label={`${p.enabled ? 'Disable' : 'Enable'} the policy ${p.rule}`}
                      >
                        {p.enabled ? 'Disable' : 'Enable'}
                      </button>{' '}
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => remove.mutate(p.id)}
                        aria-label={`Delete the policy ${p.rule}`}
                      >
                        Delete
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      {remove.isError && <Problem error={remove.error} />}
      {toggle.isError && <Problem error={toggle.error} />}
      {may.addPolicies ? (
        <PolicyForm segmentation={name} />
      ) : (
        <p className="muted">Scientists and admins add policies.</p>
      )}
      <h2>Retrain history</h2>
      {retrains.isLoading && <Loading what="retrains" />}
      {retrains.isError && <Problem error={retrains.error} />}
      {retrains.data && <RetrainTable rows={retrains.data} />}
    </>
  );
}

/** Every segmentation's retraining at a glance: the candidates waiting for a decision, then all retrains. */
export function RetrainingIndexPage() {
  const segmentations = useSegmentations();
  const retrains = useRetrains();
  const waiting = (retrains.data ?? []).filter(needsReview);
  return (
    <>
      <h1>Retraining</h1>
      {segmentations.isError && <Problem error={segmentations.error} />}
      {segmentations.data && (
        <nav aria-label="Segmentations">
          <ul className="inline-list">
            {segmentations.data.map((s) => (
              <li key={s.id}>
                <Link to={`/segmentations/${enc(s.name)}/retraining`}>{s.name}</Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <h2>Waiting for a decision</h2>
      {retrains.data &&
        (waiting.length ? (
          <RetrainTable rows={waiting} showSegmentation />
        ) : (
          <p className="muted">No flagged candidate is waiting.</p>
        ))}
      <h2>All retrains</h2>
      {retrains.isLoading && <Loading what="retrains" />}
      {retrains.isError && <Problem error={retrains.error} />}
      {retrains.data && <RetrainTable rows={retrains.data} showSegmentation />}
    </>
  );
}
