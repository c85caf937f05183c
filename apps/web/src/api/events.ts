import { getKey } from './session';

/** An upload's ingest advanced (GET /events/stream): `rows` read so far, `fraction` of the file's bytes. */
export interface IngestEvent {
  type: 'ingest';
  uploadId: string;
  fraction: number;
  rows: number;
}

/** The events of GET /events/stream this app reads; others are passed on as they are. */
export type LiveEvent = IngestEvent | { type: string; [field: string]: unknown };

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

/**
 * Follows GET /events/stream with the session's key (a header, so fetch and a stream reader, not EventSource)
 * until `signal` aborts. Resolves once the server has subscribed, so events published after that are received;
 * rejects when it cannot be opened (the caller does without).
 */
export async function followEvents(onEvent: (event: LiveEvent) => void, signal: AbortSignal): Promise<void> {
  const headers = new Headers();
  const key = getKey();
  if (key) headers.set('X-API-Key', key);
  const res = await fetch('/events/stream', { headers, signal });
  if (!res.ok || !res.body) throw new Error(`the live events are not available (HTTP ${res.status})`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  // The server writes its first comment as it subscribes: once that has arrived, no later event is missed.
  const first = await reader.read();
  let buffer = '';
  const take = (text: string) => {
    const { events, rest } = sseEvents(buffer + text);
    buffer = rest;
    events.forEach(onEvent);
  };
  if (first.done) return;
  take(first.value);
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        take(value);
      }
    } catch {
      // Aborted by the caller, or the connection broke: the upload's own answer still comes.
    }
  })();
}
