import { describe, expect, it } from 'vitest';
import { sseEvents } from './events';

describe('sseEvents', () => {
  it('reads one JSON event per data line, skips comments and retry lines, and keeps an unfinished event for the next chunk', () => {
    const ingest = { type: 'ingest', uploadId: 'u1', fraction: 0.5, rows: 1200 };
    const first = sseEvents(
      `retry: 3000\n: connected\n\ndata: ${JSON.stringify(ingest)}\n\n: heartbeat\n\ndata: {"type":"sta`,
    );
    expect(first.events).toEqual([ingest]);
    expect(first.rest).toBe('data: {"type":"sta');
    const second = sseEvents(`${first.rest}te","kind":"run","id":"r1","status":"running"}\n\n`);
    expect(second).toEqual({ events: [{ type: 'state', kind: 'run', id: 'r1', status: 'running' }], rest: '' });
  });
});
