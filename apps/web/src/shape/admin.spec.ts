import { describe, expect, it } from 'vitest';
import type { QueueJob } from '../api/types';
import { attemptText, keyStatus, newKeyBody, progressText, recordsUnfinished } from './admin';

describe('keyStatus', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');
  it('says revoked first, then expired once the expiry has passed, else active', () => {
    expect(keyStatus({ revokedAt: '2026-12-01T00:00:00Z', expiresAt: '2026-12-02T00:00:00Z' }, now)).toBe('revoked');
    expect(keyStatus({ revokedAt: null, expiresAt: '2026-12-03T12:00:00Z' }, now)).toBe('expired');
    expect(keyStatus({ revokedAt: null, expiresAt: '2026-12-03T12:00:01Z' }, now)).toBe('active');
    expect(keyStatus({ revokedAt: null, expiresAt: null }, now)).toBe('active');
  });
});

describe('newKeyBody', () => {
  it('trims the name, leaves out an empty expiry and sends a given one as an ISO instant of the local time', () => {
    expect(newKeyBody('  nightly ', 'analyst', '')).toEqual({ name: 'nightly', role: 'analyst' });
    expect(newKeyBody('ops', 'admin', '2027-01-31T08:30')).toEqual({
      name: 'ops',
      role: 'admin',
      expiresAt: new Date(2027, 0, 31, 8, 30).toISOString(),
    });
  });
  it('names the expiry when it is not a date', () => {
    expect(() => newKeyBody('x', 'viewer', 'soon')).toThrow("expiry: 'soon' is not a date and time");
  });
});

describe('job cells', () => {
  it('counts attempts out of the maximum, and says when none has started', () => {
    expect(attemptText({ attempt: 0, maxAttempts: 8 })).toBe('not started');
    expect(attemptText({ attempt: 2, maxAttempts: 8 })).toBe('2 of 8');
  });
  it('shows the last progress with its note, or a dash before any', () => {
    expect(progressText({ progress: null, progressNote: null })).toBe('—');
    expect(progressText({ progress: 0.4, progressNote: 'features' })).toBe('40.0% features');
    expect(progressText({ progress: 1, progressNote: null })).toBe('100.0%');
  });
});

describe('recordsUnfinished', () => {
  const job = (queue: QueueJob['queue'], id: string, state: QueueJob['state']): QueueJob => ({
    queue,
    id,
    state,
    attempt: 1,
    maxAttempts: 8,
    progress: 1,
    progressNote: null,
    enqueuedAt: null,
    startedAt: null,
    finishedAt: null,
    error: null,
  });
  const read = (...jobs: QueueJob[]) => ({ kind: 'bull' as const, dashboard: null, jobs });
  it('says so while the job is listed as not finished, even beside its finished record', () => {
    expect(recordsUnfinished(read(job('train', 'r1', 'active')), 'train', 'r1')).toBe(true);
    expect(recordsUnfinished(read(job('train', 'r1', 'active'), job('train', 'r1', 'completed')), 'train', 'r1')).toBe(
      true,
    );
  });
  it('is done once the job is listed finished only, not listed, or the table not read', () => {
    expect(recordsUnfinished(read(job('train', 'r1', 'completed')), 'train', 'r1')).toBe(false);
    expect(recordsUnfinished(read(job('train', 'r1', 'failed'), job('compare', 'r1', 'active')), 'train', 'r1')).toBe(
      false,
    );
    expect(recordsUnfinished(read(job('train', 'r2', 'active')), 'train', 'r1')).toBe(false);
    expect(recordsUnfinished(undefined, 'train', 'r1')).toBe(false);
  });
});
