import { consoleJobQueueLogger, type JobQueueLogger } from '../job-queue';
import type { LiveEvent, LiveEvents, LiveListener } from './live-events';

/**
 * Live events within one process (the embedded server: in-process queue, API and worker together).
 * Delivery is synchronous, so events reach listeners in the order they were published.
 */
export class InlineLiveEvents implements LiveEvents {
  readonly kind = 'inline' as const;
  private readonly listeners = new Set<LiveListener>();

  constructor(private readonly logger: JobQueueLogger = consoleJobQueueLogger) {}

  publish(event: LiveEvent): void {
    deliver(this.listeners, event, this.logger);
  }

  subscribe(listener: LiveListener): () => void {
    // A wrapper per subscription, so subscribing the same function twice gives two independent subscriptions.
    const each: LiveListener = (event) => listener(event);
    this.listeners.add(each);
    return () => void this.listeners.delete(each);
  }

  listenerCount(): number {
    return this.listeners.size;
  }

  async ready(): Promise<void> {
    return undefined;
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

/** Calls each listener; one that throws is logged and does not keep the event from the others. */
export function deliver(listeners: Iterable<LiveListener>, event: LiveEvent, logger: JobQueueLogger): void {
  for (const listener of [...listeners]) {
    try {
      listener(event);
    } catch (error) {
      logger.error(`a live-events listener threw on a ${event.type} event`, error);
    }
  }
}
