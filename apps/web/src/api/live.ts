import { useEffect, useRef, useSyncExternalStore } from 'react';
import { reconnectDelay } from '../shape/live';
import { sseEvents } from './events';
import { clearKey, getKey } from './session';
import type { LiveEvent } from './types';

// One `GET /events/stream` per tab, shared by every subscriber. EventSource cannot send the X-API-Key header
// (and the key must never go into a URL), so the stream is read with fetch and a stream reader; after a
// dropped connection it reconnects with backoff (1 s, 2 s, 4 s … 30 s) and tells `onOpen` subscribers, which
// refetch what they show, since events sent while it was away are lost.

type Listener = (event: LiveEvent) => void;
/** `open`: the server has subscribed (its `connected` comment arrived); `retrying`: waiting after a failed or lost connection. */
export type LiveStatus = 'off' | 'connecting' | 'open' | 'retrying';

const listeners = new Set<Listener>();
const openListeners = new Set<() => void>();
const statusListeners = new Set<() => void>();
let status: LiveStatus = 'off';
let connection: AbortController | null = null;

function setStatus(next: LiveStatus): void {
  status = next;
  for (const l of [...statusListeners]) l();
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

async function connect(signal: AbortSignal): Promise<void> {
  for (let attempt = 1; !signal.aborted; attempt++) {
    const key = getKey();
    if (!key) break;
    setStatus('connecting');
    try {
      const res = await fetch('/events/stream', { headers: { 'X-API-Key': key }, signal });
      if (res.status === 401) {
        clearKey();
        window.dispatchEvent(new Event('workbench:logged-out'));
        break;
      }
      if (res.ok && res.body) {
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (let first = true; ; first = false) {
          const { value, done } = await reader.read();
          if (done) break;
          // The server's first chunk (its `connected` comment) comes once it has subscribed.
          if (first) {
            attempt = 0;
            setStatus('open');
            for (const l of [...openListeners]) l();
          }
          const { events, rest } = sseEvents(buffer + value);
          buffer = rest;
          for (const event of events) for (const l of [...listeners]) l(event);
        }
      }
    } catch {
      // A network error or our own abort: retried below unless aborted.
    }
    if (signal.aborted) break;
    setStatus('retrying');
    await sleep(reconnectDelay(Math.max(1, attempt)), signal);
  }
  setStatus('off');
}

function retain(): () => void {
  if (!connection) {
    connection = new AbortController();
    void connect(connection.signal);
  }
  return () => {
    if (listeners.size > 0 || openListeners.size > 0) return;
    connection?.abort();
    connection = null;
  };
}

/**
 * Calls `onEvent` with every live event while the component is mounted (and `onOpen` each time the stream
 * (re)connects). The first subscriber opens the tab's connection, the last one to leave closes it.
 */
export function useLiveEvents(onEvent: Listener, onOpen?: () => void): void {
  const latest = useRef({ onEvent, onOpen });
  latest.current = { onEvent, onOpen };
  useEffect(() => {
    const listener: Listener = (event) => latest.current.onEvent(event);
    const opened = () => latest.current.onOpen?.();
    listeners.add(listener);
    openListeners.add(opened);
    const release = retain();
    return () => {
      listeners.delete(listener);
      openListeners.delete(opened);
      release();
    };
  }, []);
}

/**
 * Follows the tab's live events imperatively (e.g. for one upload) until `signal` aborts. Resolves once the
 * stream is open, so nothing published afterwards is missed; rejects when it cannot be opened now (the caller
 * does without; the connection keeps trying for the pages).
 */
export function followEvents(onEvent: Listener, signal: AbortSignal): Promise<void> {
  const listener: Listener = (event) => onEvent(event);
  listeners.add(listener);
  const release = retain();
  const stop = () => {
    listeners.delete(listener);
    release();
  };
  signal.addEventListener('abort', stop, { once: true });
  return new Promise((resolve, reject) => {
    const settle = () => {
      if (status === 'open') resolve();
      else if (status === 'retrying' || status === 'off') {
        stop();
        reject(new Error('the live events are not available now'));
      } else return;
      statusListeners.delete(settle);
    };
    statusListeners.add(settle);
    settle();
  });
}

/** Whether the tab's live stream is open, connecting (or reconnecting) or off. */
export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(
    (changed) => {
      statusListeners.add(changed);
      return () => void statusListeners.delete(changed);
    },
    () => status,
  );
}
