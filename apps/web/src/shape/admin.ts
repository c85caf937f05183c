import type { ApiKey, QueueJob, QueueJobs } from '../api/types';
import { formatPercent } from './format';

/** Whether a key still works: revoked wins over expired (both refuse it). */
export function keyStatus(
  key: Pick<ApiKey, 'revokedAt' | 'expiresAt'>,
  now = Date.now(),
): 'active' | 'revoked' | 'expired' {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return 'expired';
  return 'active';
}

/**
 * The body of POST /api-keys from the form: the expiry of a `datetime-local` input (local time, no zone) as an
 * ISO instant; none when empty.
 */
export function newKeyBody(
  name: string,
  role: ApiKey['role'],
  expiresLocal: string,
): { name: string; role: ApiKey['role']; expiresAt?: string } {
  const body = { name: name.trim(), role };
  if (!expiresLocal) return body;
  const expires = new Date(expiresLocal);
  if (Number.isNaN(expires.getTime())) throw new Error(`expiry: '${expiresLocal}' is not a date and time`);
  return { ...body, expiresAt: expires.toISOString() };
}

/** "2 of 8" while a job has started, "not started" before its first attempt. */
export const attemptText = (job: Pick<QueueJob, 'attempt' | 'maxAttempts'>): string =>
  job.attempt === 0 ? 'not started' : `${job.attempt} of ${job.maxAttempts}`;

/** The last progress as a percentage with its note ("40.0% features"); a dash before any report. */
export const progressText = (job: Pick<QueueJob, 'progress' | 'progressNote'>): string =>
  job.progress === null ? '—' : [formatPercent(job.progress), job.progressNote].filter(Boolean).join(' ');

/** A timestamp of the API for a table cell, in the reader's locale; a dash for none. */
export const when = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : '—');

/**
 * Whether the jobs table read still lists the job `queue`/`id` as not finished: its entity's final status is
 * published by the job's handler, and the queue records the job as finished only after the handler returned.
 */
export const recordsUnfinished = (read: QueueJobs | undefined, queue: string, id: string): boolean =>
  read?.jobs.some((j) => j.queue === queue && j.id === id && j.state !== 'completed' && j.state !== 'failed') ?? false;
