import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { enc, postJson } from '../api/client';
import { useApiKeys, useQueueJobs } from '../api/queries';
import { useLiveEvents } from '../api/live';
import type { ApiKey, CreatedApiKey, LiveEvent, QueueJob, QueueJobs } from '../api/types';
import { useLiveJob } from '../components/jobs';
import { useMay } from '../components/layout';
import { Loading, Problem } from '../components/status';
import { attemptText, keyStatus, newKeyBody, progressText, recordsUnfinished, when } from '../shape/admin';
import { isFinal, QUEUE_OF_KIND } from '../shape/live';

const ROLES: ApiKey['role'][] = ['viewer', 'analyst', 'scientist', 'admin'];

/** A new key's secret: shown here once (component state only, so a reload forgets it), with a copy button. */
function NewSecret({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied('Copied.');
    } catch {
      setCopied('The browser refused the clipboard: select the key and copy it by hand.');
    }
  };
  return (
    <section className="secret" aria-labelledby="new-key-title">
      <h3 id="new-key-title">
        Key “{created.name}” ({created.role}) created
      </h3>
      <p role="alert">
        <strong>Copy the key now: it will not be shown again.</strong> Only its hash is stored.
      </p>
      <p>
        <code data-testid="new-secret">{created.key}</code>{' '}
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>{' '}
        <span role="status">{copied}</span>
      </p>
      <button type="button" className="secondary" onClick={onDone}>
        I have copied it
      </button>
    </section>
  );
}

function CreateKeyForm({ onCreated }: { onCreated: (key: CreatedApiKey) => void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<ApiKey['role']>('analyst');
  const [expires, setExpires] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(await postJson<CreatedApiKey>('/api-keys', newKeyBody(name, role, expires)));
      setName('');
      setExpires('');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)} aria-labelledby="create-key-title">
      <h3 id="create-key-title">Create a key</h3>
      <label htmlFor="key-name">Name</label>
      <input
        id="key-name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        required
        maxLength={200}
        placeholder="who or what uses it"
      />
      <label htmlFor="key-role">Role</label>
      <select id="key-role" value={role} onChange={(e) => setRole(e.target.value as ApiKey['role'])}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <label htmlFor="key-expires">Expires (optional)</label>
      <input id="key-expires" type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} />
      <button type="submit" disabled={busy}>
        Create key
      </button>
      {error && <Problem error={error} />}
    </form>
  );
}

function KeyRow({ k, onRevoked }: { k: ApiKey; onRevoked: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const status = keyStatus(k);
  const revoke = async () => {
    setError(null);
    try {
      await postJson<ApiKey>(`/api-keys/${enc(k.id)}`, {}, 'DELETE');
      setConfirming(false);
      onRevoked();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <tr data-key-id={k.id}>
      <th scope="row">{k.name}</th>
      <td>{k.role}</td>
      <td>
        <code>{k.prefix}…</code>
      </td>
      <td>{when(k.createdAt)}</td>
      <td>{k.expiresAt ? when(k.expiresAt) : 'never'}</td>
      <td>{when(k.lastUsedAt)}</td>
      <td>{status === 'revoked' ? `revoked ${when(k.revokedAt)} by ${k.revokedBy ?? '?'}` : status}</td>
      <td>
        {status !== 'revoked' && !confirming && (
          <button type="button" className="secondary" onClick={() => setConfirming(true)}>
            Revoke…
          </button>
        )}
        {confirming && (
          <span role="group" aria-label={`Confirm revoking ${k.name}`}>
            Revoke “{k.name}”? It stops working at once, on every server process.{' '}
            <button type="button" className="danger" onClick={() => void revoke()}>
              Yes, revoke
            </button>{' '}
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </span>
        )}
        {error && <Problem error={error} />}
      </td>
    </tr>
  );
}

function KeysSection() {
  const keys = useApiKeys();
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['api-keys'] });
  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      {created && <NewSecret created={created} onDone={() => setCreated(null)} />}
      <CreateKeyForm
        onCreated={(key) => {
          setCreated(key);
          refresh();
        }}
      />
      {keys.isLoading && <Loading what="API keys" />}
      {keys.isError && <Problem error={keys.error} />}
      {keys.data && (
        <div className="scroll">
          <table aria-labelledby="keys-title">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Starts with</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((k) => (
                <KeyRow key={k.id} k={k} onRevoked={refresh} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** A job's id, linked to what it works on where the app has a page for it. */
function JobSubject({ job }: { job: QueueJob }) {
  if (job.queue === 'train') return <Link to={`/runs/${enc(job.id)}`}>{job.id}</Link>;
  return <code>{job.id}</code>;
}

/** Jobs of GET /admin/queue, one row each. */
/** The progress the queue reported when the table was read, or a later one from the live events. */
function JobProgress({ job }: { job: QueueJob }) {
  const live = useLiveJob(job.queue, job.id);
  const moved = live && job.state === 'active' && live.fraction > (job.progress ?? -1);
  return <>{progressText(moved ? { progress: live.fraction, progressNote: live.note } : job)}</>;
}

function JobsTable({ jobs, label }: { jobs: QueueJob[]; label: string }) {
  return (
    <>
      {jobs.length === 0 ? (
        <p className="muted">No job yet.</p>
      ) : (
        <div className="scroll">
          <table aria-label={label}>
            <thead>
              <tr>
                <th scope="col">Queue</th>
                <th scope="col">Job</th>
                <th scope="col">State</th>
                <th scope="col">Attempt</th>
                <th scope="col">Progress</th>
                <th scope="col">Queued</th>
                <th scope="col">Started</th>
                <th scope="col">Finished</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <tr key={`${job.queue}/${job.id}/${job.finishedAt ?? job.state}`} data-job={`${job.queue}/${job.id}`}>
                  <td>{job.queue}</td>
                  <td>
                    <JobSubject job={job} />
                  </td>
                  <td>
                    <span className={`badge status-${job.state === 'completed' ? 'succeeded' : job.state}`}>
                      {job.state}
                    </span>
                  </td>
                  <td>{attemptText(job)}</td>
                  <td>
                    <JobProgress job={job} />
                  </td>
                  <td>{when(job.enqueuedAt)}</td>
                  <td>{when(job.startedAt)}</td>
                  <td>{when(job.finishedAt)}</td>
                  <td>{job.error ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** The pauses before each read of the jobs table that waits for a finished job to be recorded (about 30 s in all). */
const RECORDED_READS_MS = [250, 500, 1000, 2000, 4000, 8000, 16_000];

/** Refetches the jobs table on every status change (no polling). */
function useQueueJobsLive() {
  const client = useQueryClient();
  const refetch = useCallback(() => client.invalidateQueries({ queryKey: ['queue-jobs'] }), [client]);
  useLiveEvents(
    useCallback(
      (event: LiveEvent) => {
        if (event.type !== 'state') return;
        void refetch();
        if (!isFinal(event.kind, event.status)) return;
        // The queue records a job as finished just after its handler has published the final status (with Bull,
        // in the worker process, as late as that process gets to it): read the table again, backing off, until
        // it lists this job as finished. Only for this job, and only until then, so not a poll.
        const queue = QUEUE_OF_KIND[event.kind];
        void (async () => {
          for (const pause of RECORDED_READS_MS) {
            await new Promise((resolve) => setTimeout(resolve, pause));
            await refetch();
            if (!recordsUnfinished(client.getQueryData<QueueJobs>(['queue-jobs']), queue, event.id)) return;
          }
        })();
      },
      [client, refetch],
    ),
  );
  return useQueueJobs();
}

function QueueSection() {
  const jobs = useQueueJobsLive();
  const [error, setError] = useState<string | null>(null);
  // The dashboard is a page of its own that cannot send the key header: the server first sets a cookie for
  // /queues only (HttpOnly, SameSite=Strict, 15 minutes), then this tab goes there.
  const openDashboard = async () => {
    setError(null);
    try {
      const { dashboard } = await postJson<{ dashboard: string }>('/admin/queue/dashboard-session');
      window.location.assign(dashboard);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <section aria-labelledby="queue-title">
      <h2 id="queue-title">Queue</h2>
      {jobs.isLoading && <Loading what="the queue" />}
      {jobs.isError && <Problem error={jobs.error} />}
      {jobs.data?.kind === 'bull' && (
        <>
          <p>
            Jobs go through Redis (Bull), shared by every server and worker process. The dashboard shows each queue, its
            jobs and their retries, and can retry or clean them.
          </p>
          <button type="button" onClick={() => void openDashboard()}>
            Open the queue dashboard
          </button>
          {error && <Problem error={error} />}
          <p>
            Bull forgets a job once it has finished (so its id can be queued again): the dashboard shows live jobs only.
            The live ones of every process and the last 100 finished per queue:
          </p>
          <JobsTable jobs={jobs.data.jobs} label="Jobs in Redis" />
        </>
      )}
      {jobs.data?.kind === 'inline' && (
        <>
          <p data-testid="queue-kind">
            The queue is in-process: this server runs its own jobs, without Redis, and forgets them when it stops. Its
            live jobs and the last 100 finished per queue:
          </p>
          <JobsTable jobs={jobs.data.jobs} label="In-process jobs" />
        </>
      )}
    </section>
  );
}

/** Keys and the queue: the admin's page (the navigation shows it to admins only; the server checks every call). */
export function AdminPage() {
  const may = useMay();
  if (!may.manageKeys)
    return (
      <p role="alert">
        This page is for admins: your key may not manage keys or see the queue. Go to the{' '}
        <Link to="/segmentations">segmentations</Link>.
      </p>
    );
  return (
    <>
      <h1>Admin</h1>
      <KeysSection />
      <QueueSection />
    </>
  );
}
