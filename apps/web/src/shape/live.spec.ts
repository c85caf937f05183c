import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '../api/types';
import { applyLiveEvent, dropFinished, reconnectDelay, showsUnfinished, type LiveJob } from './live';

const progress = (fraction: number, note?: string): LiveEvent => ({
  type: 'progress',
  queue: 'train',
  id: 'r1',
  fraction,
  ...(note ? { note } : {}),
});
const state = (status: string): LiveEvent => ({ type: 'state', kind: 'run', id: 'r1', status });
const replay = (events: LiveEvent[], now = 1000) =>
  events.reduce<Map<string, LiveJob>>((jobs, e) => applyLiveEvent(jobs, e, now), new Map());

describe('applyLiveEvent', () => {
  it('follows a run from queued to succeeded, its bar full at the end', () => {
    const jobs = replay([
      state('queued'),
      state('running'),
      progress(0.2, 'step 1'),
      progress(0.6),
      state('succeeded'),
    ]);
    expect([...jobs.values()]).toEqual([
      { queue: 'train', id: 'r1', fraction: 1, note: null, status: 'succeeded', finishedAt: 1000 },
    ]);
  });

  it('never moves a bar back, and starts a retried run over', () => {
    expect(replay([progress(0.6, 'late'), progress(0.4)]).get('train:r1')).toMatchObject({
      fraction: 0.6,
      note: 'late',
    });
    expect(replay([progress(0.6), state('queued')]).get('train:r1')).toMatchObject({ fraction: 0, status: 'queued' });
  });

  it('keeps a cancelled run where it stopped and ignores progress after a final status', () => {
    const jobs = replay([progress(0.3), state('cancelled'), progress(0.4)]);
    expect(jobs.get('train:r1')).toMatchObject({ fraction: 0.3, status: 'cancelled', finishedAt: 1000 });
  });

  it('takes comparisons by their queue and ignores log lines and ingest progress', () => {
    const jobs = replay([
      { type: 'state', kind: 'comparison', id: 'c1', status: 'running' },
      { type: 'log', queue: 'train', id: 'r1', level: 'info', message: 'hello' },
      { type: 'ingest', uploadId: 'u1', fraction: 0.5, rows: 10 },
    ]);
    expect([...jobs.keys()]).toEqual(['compare:c1']);
  });
});

describe('dropFinished and reconnectDelay', () => {
  it('lets finished jobs go after keepMs and keeps running ones', () => {
    const jobs = replay([state('running'), { type: 'state', kind: 'comparison', id: 'c1', status: 'succeeded' }], 0);
    expect([...dropFinished(jobs, 5000, 10_000).keys()]).toEqual(['train:r1', 'compare:c1']);
    expect([...dropFinished(jobs, 10_000, 10_000).keys()]).toEqual(['train:r1']);
  });

  it('doubles the wait up to 30 s', () => {
    expect([1, 2, 3, 5, 6, 20].map(reconnectDelay)).toEqual([1000, 2000, 4000, 16_000, 30_000, 30_000]);
  });
});

describe('showsUnfinished', () => {
  it('finds a queued or running entity in a query result, alone or in a list', () => {
    expect(showsUnfinished({ id: 'r1', status: 'running' })).toBe(true);
    expect(showsUnfinished([{ status: 'succeeded' }, { status: 'queued' }])).toBe(true);
    expect(showsUnfinished([{ status: 'succeeded' }, { status: 'cancelled' }])).toBe(false);
    expect(showsUnfinished({ name: 'me', role: 'admin' })).toBe(false);
    expect(showsUnfinished(undefined)).toBe(false);
  });
});
