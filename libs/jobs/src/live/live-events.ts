import type { QueueName } from '../job-queue';

/**
 * What happens to queued work, as it happens: the events of `GET /events/stream` and of the web app's
 * jobs panel. Every event is a plain JSON object (it crosses processes as one Redis message).
 */
export type LiveEvent = ProgressEvent | LogEvent | StateEvent | IngestEvent;

/** A job reported progress (a plugin's `ctx.progress`): `fraction` 0..1 of the job `id` of `queue`. */
export interface ProgressEvent {
  type: 'progress';
  queue: QueueName;
  id: string;
  fraction: number;
  note?: string;
}

/** A line a job's plugin logged (`ctx.log.info|warn|error`). */
export interface LogEvent {
  type: 'log';
  queue: QueueName;
  id: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** The kinds of queued entity whose status changes are announced. */
export type StateKind = 'run' | 'comparison' | 'scoring' | 'retrain';

/**
 * An entity's status changed, or was confirmed (an announcement may repeat the status it had): runs,
 * comparisons and scorings go queued → running → succeeded | failed (runs also `cancelled`); retrain
 * requests go queued → training → promoted | flagged | failed.
 */
export interface StateEvent {
  type: 'state';
  kind: StateKind;
  id: string;
  status: string;
}

/** An upload's ingest advanced: `rows` read so far, `fraction` of the upload's bytes. */
export interface IngestEvent {
  type: 'ingest';
  uploadId: string;
  fraction: number;
  rows: number;
}

export type LiveListener = (event: LiveEvent) => void;

/**
 * Publish/subscribe of {@link LiveEvent}s among all processes of one deployment. Adapters:
 * `InlineLiveEvents` (one process, with the in-process queue) and `RedisLiveEvents` (Redis pub/sub, one
 * channel per queue prefix, so a worker process's events reach every API process).
 *
 * @example
 * // publish from anywhere (fire and forget: never throws, never waits; a lost Redis drops the event, logged)
 * workbench.events.publish({ type: 'ingest', uploadId, fraction: 0.4, rows: 12_000 });
 * // subscribe, and always unsubscribe when done
 * const off = workbench.events.subscribe((event) => console.log(event));
 * off();
 */
export interface LiveEvents {
  readonly kind: 'inline' | 'redis';
  /** Sends `event` to every subscriber of every process; events of one publisher arrive in the order published. */
  publish(event: LiveEvent): void;
  /**
   * Calls `listener` with every event published from now on (its own process's too); returns the
   * function that removes it. A listener that throws is logged and kept.
   */
  subscribe(listener: LiveListener): () => void;
  /** How many listeners this process has subscribed (tests check that none leak). */
  listenerCount(): number;
  /** Resolves when subscriptions made so far receive events (Redis: the SUBSCRIBE was acknowledged). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** The final statuses of each kind: after one of these, an entity's stream of events is over. */
export const FINAL_STATUSES: Record<StateKind, readonly string[]> = {
  run: ['succeeded', 'failed', 'cancelled'],
  comparison: ['succeeded', 'failed'],
  scoring: ['succeeded', 'failed'],
  retrain: ['promoted', 'flagged', 'failed'],
};

/** The entity kind a queue's job id names (the `notify` queue's webhook events have no status of their own). */
export const KIND_OF_QUEUE: Partial<Record<QueueName, StateKind>> = {
  train: 'run',
  compare: 'comparison',
  score: 'scoring',
  retrain: 'retrain',
};

export function isFinalState(event: LiveEvent): event is StateEvent {
  return event.type === 'state' && FINAL_STATUSES[event.kind].includes(event.status);
}
