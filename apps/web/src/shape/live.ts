import type { LiveEvent } from '../api/types';

/** A job as the jobs panel shows it: its last progress and status. */
export interface LiveJob {
  queue: string;
  id: string;
  fraction: number;
  note: string | null;
  status: string;
  /** When it reached a final status (ms since epoch), so the panel can let it go a little later. */
  finishedAt: number | null;
}

/** The queue whose jobs carry the ids of each kind of entity. */
export const QUEUE_OF_KIND: Record<string, string> = {
  run: 'train',
  comparison: 'compare',
  scoring: 'score',
  retrain: 'retrain',
};

const FINAL: Record<string, readonly string[]> = {
  run: ['succeeded', 'failed', 'cancelled'],
  comparison: ['succeeded', 'failed'],
  scoring: ['succeeded', 'failed'],
  retrain: ['promoted', 'flagged', 'failed'],
};

export const isFinal = (kind: string, status: string): boolean => FINAL[kind]?.includes(status) ?? false;

export const jobKey = (queue: string, id: string) => `${queue}:${id}`;

/**
 * The jobs after `event`: progress moves a job's bar (never back, as a late event of an earlier attempt could),
 * a status change sets its status (a retried run goes back to `queued` and starts over at 0), a final status
 * fills a succeeded job's bar and marks it finished at `now`. Log lines and ingest events change no job.
 */
export function applyLiveEvent(
  jobs: ReadonlyMap<string, LiveJob>,
  event: LiveEvent,
  now: number,
): Map<string, LiveJob> {
  const next = new Map(jobs);
  if (event.type === 'progress') {
    const key = jobKey(event.queue, event.id);
    const job = next.get(key);
    if (job?.finishedAt) return next;
    next.set(key, {
      queue: event.queue,
      id: event.id,
      fraction: Math.max(job?.fraction ?? 0, event.fraction),
      note: event.note ?? job?.note ?? null,
      status: job?.status ?? 'running',
      finishedAt: null,
    });
  } else if (event.type === 'state') {
    const queue = QUEUE_OF_KIND[event.kind];
    if (!queue) return next;
    const key = jobKey(queue, event.id);
    const job = next.get(key);
    const final = isFinal(event.kind, event.status);
    const restarted = event.status === 'queued';
    next.set(key, {
      queue,
      id: event.id,
      fraction: final && event.status === 'succeeded' ? 1 : restarted ? 0 : (job?.fraction ?? 0),
      note: final || restarted ? null : (job?.note ?? null),
      status: event.status,
      finishedAt: final ? now : null,
    });
  }
  return next;
}

/** Jobs finished more than `keepMs` ago leave the panel. */
export function dropFinished(jobs: ReadonlyMap<string, LiveJob>, now: number, keepMs: number): Map<string, LiveJob> {
  return new Map([...jobs].filter(([, job]) => job.finishedAt === null || now - job.finishedAt < keepMs));
}

/** The wait before reconnect attempt `n` (1-based): 1 s, 2 s, 4 s … at most 30 s. */
export const reconnectDelay = (attempt: number): number => Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1));

const UNFINISHED = new Set(['queued', 'running', 'training']);

/** True for a query's data that is, or lists, something still queued or running (a run, a comparison, a retrain). */
export function showsUnfinished(data: unknown): boolean {
  const items = Array.isArray(data) ? data : [data];
  return items.some((item) => UNFINISHED.has((item as { status?: unknown } | null)?.status as string));
}
