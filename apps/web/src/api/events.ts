import type { LiveEvent } from './types';

/** An upload's ingest advanced (GET /events/stream): `rows` read so far, `fraction` of the file's bytes. */
export type IngestEvent = Extract<LiveEvent, { type: 'ingest' }>;

/** The JSON events of a chunk of Server-Sent Events text; returns them and the unfinished rest (the next chunk completes it). */
export function sseEvents(buffer: string): { events: LiveEvent[]; rest: string } {
  const blocks = buffer.split('\n\n');
  const rest = blocks.pop() ?? '';
  const events: LiveEvent[] = [];
  for (const block of blocks) {
    // Comments (`: heartbeat`) and `retry:` lines carry no event; one event is one `data:` line of JSON.
    const data = block
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n');
    if (data) events.push(JSON.parse(data) as LiveEvent);
  }
  return { events, rest };
}
