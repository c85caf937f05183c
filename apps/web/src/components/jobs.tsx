import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useLiveEvents, useLiveStatus } from '../api/live';
import { useComparison, useRun } from '../api/queries';
import type { LiveEvent } from '../api/types';
import { enc } from '../api/client';
import { formatPercent } from '../shape/format';
import { applyLiveEvent, dropFinished, isFinal, jobKey, showsUnfinished, type LiveJob } from '../shape/live';
import { StatusBadge } from './status';

/** How long a finished job stays in the panel, with its final status. */
const KEEP_FINISHED_MS = 10_000;

const JobsContext = createContext<ReadonlyMap<string, LiveJob>>(new Map());

/** The live state of one job (e.g. `useLiveJob('train', runId)`), if an event about it arrived since the page opened. */
export const useLiveJob = (queue: string, id: string): LiveJob | undefined =>
  useContext(JobsContext).get(jobKey(queue, id));

/** What a status change makes stale: the pages that show that entity, refetched if on screen. */
function invalidate(client: QueryClient, event: Extract<LiveEvent, { type: 'state' }>): void {
  const keys: Record<string, string[]> = {
    run: ['run', 'runs'],
    comparison: ['comparison', 'comparisons', 'kpi-deltas'],
    retrain: ['retrains', 'retrain', 'aliases', 'alias-history', 'runs'],
    scoring: ['scorings'],
  };
  const stale = [...(keys[event.kind] ?? [])];
  // A finished run changes what is computed across versions.
  if (event.kind === 'run' && isFinal(event.kind, event.status)) stale.push('kpi-history', 'customer');
  for (const key of stale) void client.invalidateQueries({ queryKey: [key] });
}

/**
 * Follows the live events for the logged-in pages: keeps every job's progress and status for the jobs panel
 * and the run page, and refetches what a status change makes stale (no polling). After a reconnect it
 * refetches everything on screen, since events sent while the stream was down are lost.
 */
export function LiveJobs({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [jobs, setJobs] = useState<ReadonlyMap<string, LiveJob>>(new Map());
  const onEvent = useCallback(
    (event: LiveEvent) => {
      if (event.type !== 'progress' && event.type !== 'state') return;
      setJobs((current) => applyLiveEvent(current, event, Date.now()));
      if (event.type === 'state') invalidate(client, event);
    },
    [client],
  );
  const opened = useRef(false);
  useLiveEvents(onEvent, () => {
    // Events sent before the stream was open are lost: on the first open, what was still unfinished when it was
    // read (it may have finished meanwhile); after a reconnect, everything on screen.
    void client.invalidateQueries(opened.current ? undefined : { predicate: (q) => showsUnfinished(q.state.data) });
    opened.current = true;
  });
  // Finished jobs leave the panel a little later; one timer per change of the jobs, not a poll.
  useEffect(() => {
    const finished = [...jobs.values()].filter((j) => j.finishedAt !== null);
    if (finished.length === 0) return;
    const next = Math.min(...finished.map((j) => (j.finishedAt as number) + KEEP_FINISHED_MS)) - Date.now();
    const timer = setTimeout(() => setJobs((current) => dropFinished(current, Date.now(), KEEP_FINISHED_MS)), next);
    return () => clearTimeout(timer);
  }, [jobs]);
  return <JobsContext.Provider value={jobs}>{children}</JobsContext.Provider>;
}

function RunJob({ job }: { job: LiveJob }) {
  const run = useRun(job.id);
  const name = run.data ? `${run.data.segmentation.name} v${run.data.version}` : `run ${job.id.slice(0, 8)}`;
  return <JobRow job={job} name={name} to={`/runs/${enc(job.id)}`} />;
}

function ComparisonJob({ job }: { job: LiveJob }) {
  const comparison = useComparison(job.id);
  const c = comparison.data;
  const name = c
    ? `comparison of ${c.runA.segmentation} v${c.runA.version} and ${c.runB.segmentation} v${c.runB.version}`
    : `comparison ${job.id.slice(0, 8)}`;
  return <JobRow job={job} name={name} to={c ? `/compare/${enc(c.runA.id)}/${enc(c.runB.id)}` : undefined} />;
}

function JobRow({ job, name, to }: { job: LiveJob; name: string; to?: string }) {
  return (
    <li data-job={job.id} data-status={job.status}>
      {to ? <Link to={to}>{name}</Link> : <span>{name}</span>} <StatusBadge status={job.status} />{' '}
      <progress max={1} value={job.fraction} aria-label={`Progress of ${name}`} />{' '}
      <span className="muted">
        {formatPercent(job.fraction, 0)}
        {job.note ? ` · ${job.note}` : ''}
      </span>
    </li>
  );
}

/** The jobs that ran or reported since the page opened (finished ones for a few seconds), each with its progress bar. */
export function JobsPanel() {
  const jobs = [...useContext(JobsContext).values()];
  const status = useLiveStatus();
  return (
    <section className="jobs" aria-label="Jobs" data-live={status} hidden={jobs.length === 0 && status !== 'retrying'}>
      {status === 'retrying' && <p className="muted">Live updates: reconnecting…</p>}
      {jobs.length > 0 && (
        <ul>
          {jobs.map((job) =>
            job.queue === 'train' ? (
              <RunJob key={jobKey(job.queue, job.id)} job={job} />
            ) : job.queue === 'compare' ? (
              <ComparisonJob key={jobKey(job.queue, job.id)} job={job} />
            ) : (
              <JobRow key={jobKey(job.queue, job.id)} job={job} name={`${job.queue} ${job.id.slice(0, 8)}`} />
            ),
          )}
        </ul>
      )}
    </section>
  );
}
