import { isFinalState, KIND_OF_QUEUE, type LiveEvent, type LiveEvents } from '@workbench/jobs';
import type { Role } from '@workbench/persistence';
import { hasRole } from '@workbench/services';

/**
 * How stale a key check may be when an event is sent: a busy stream (progress many times a second) looks the
 * key up once a second rather than once per event.
 */
export const KEY_RECHECK_MS = 1000;

/**
 * The least role that receives an event. Every role reads runs, comparisons, scorings and retrain requests
 * (all GET routes need only `viewer`), so their progress and status go to every key. Plugin log lines are
 * read nowhere else in the API and may say more about the data than the stored views do: they go to those
 * who may start runs (analyst+); so does an upload's ingest progress, as only analyst+ may upload.
 */
export function leastRoleFor(event: LiveEvent): Role {
  return event.type === 'log' || event.type === 'ingest' ? 'analyst' : 'viewer';
}

/** Whether `event` is about run `runId`: its progress, its log lines or its status. */
function isAboutRun(event: LiveEvent, runId: string): boolean {
  if (event.type === 'state') return event.kind === 'run' && event.id === runId;
  if (event.type === 'progress' || event.type === 'log')
    return KIND_OF_QUEUE[event.queue] === 'run' && event.id === runId;
  return false;
}

export interface LiveStreamOptions {
  events: LiveEvents;
  role: Role;
  /** Only the events of this run; the stream starts with the run's status now and ends after its final one. */
  run?: { id: string; status: () => Promise<string> };
  /** Checked at each heartbeat and before an event when the last check is {@link KEY_RECHECK_MS} old: false ends the stream (a revoked key). */
  keyActive: () => Promise<boolean>;
  heartbeatMs: number;
  /** Writes raw text to the client. */
  write: (chunk: string) => void;
  /** Ends the response. */
  end: () => void;
}

/**
 * One client's `GET /events/stream`: Server-Sent Events, one `data:` line of JSON per {@link LiveEvent},
 * a `: heartbeat` comment every `heartbeatMs`. It holds one live-events subscription and one timer, both
 * released by {@link close} (the client left) or when the stream ends itself (key revoked, run finished).
 */
export class LiveStream {
  private unsubscribe: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;
  /** Events that arrived before the stream's start (the `connected` comment, the run's status) was sent. */
  private held: LiveEvent[] | undefined;
  /** When the key was last found active (0: not yet). */
  private keyCheckedAt = 0;
  private checking: Promise<boolean> | undefined;
  /** Writes in order, each after the key check that precedes it. */
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: LiveStreamOptions) {}

  /** Subscribes, sends the run's status when filtered by run, and starts the heartbeat. */
  async open(): Promise<void> {
    const { options } = this;
    // Events that arrive before the `connected` comment (and the run's status) are held and sent after it, in order.
    this.held = [];
    this.unsubscribe = options.events.subscribe((event) => this.receive(event));
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs);
    // Written once the subscription receives (Redis: SUBSCRIBE acknowledged), so a client that has read it
    // misses nothing published afterwards (the upload page waits for it before it uploads).
    await options.events.ready();
    if (this.closed) return;
    options.write('retry: 3000\n: connected\n\n');
    if (options.run) {
      // Read after subscribing, so nothing between the read and the subscription is lost.
      try {
        const status = await options.run.status();
        this.send({ type: 'state', kind: 'run', id: options.run.id, status });
      } catch {
        this.close();
        return;
      }
    }
    const held = this.held;
    this.held = undefined;
    for (const event of held) this.send(event);
  }

  /** Releases the subscription and the timer and ends the response; idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.options.end();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private receive(event: LiveEvent): void {
    const { role, run } = this.options;
    if (!hasRole(role, leastRoleFor(event))) return;
    if (run && !isAboutRun(event, run.id)) return;
    if (this.held) this.held.push(event);
    else this.send(event);
  }

  private send(event: LiveEvent): void {
    if (this.closed) return;
    const final = this.options.run !== undefined && isFinalState(event);
    this.writing = this.writing.then(async () => {
      if (this.closed || !(await this.keyStillActive(false))) return;
      this.options.write(`data: ${JSON.stringify(event)}\n\n`);
      if (final) this.close();
    });
  }

  private beat(): void {
    this.writing = this.writing.then(async () => {
      if (this.closed || !(await this.keyStillActive(true))) return;
      this.options.write(': heartbeat\n\n');
    });
  }

  /** Looks the key up at each heartbeat and before events (at most once a second); a key no longer active ends the stream. */
  private async keyStillActive(heartbeat: boolean): Promise<boolean> {
    if (!heartbeat && Date.now() - this.keyCheckedAt < KEY_RECHECK_MS) return true;
    this.checking ??= this.options.keyActive().finally(() => (this.checking = undefined));
    const active = await this.checking.catch(() => false);
    if (!active) {
      this.close();
      return false;
    }
    this.keyCheckedAt = Date.now();
    return true;
  }
}
