import Redis from 'ioredis';
import { consoleJobQueueLogger, type JobQueueLogger } from '../job-queue';
import { deliver } from './inline-live-events';
import type { LiveEvent, LiveEvents, LiveListener } from './live-events';

export interface RedisLiveEventsOptions {
  redisUrl: string;
  /** The deployment's queue prefix (default 'workbench'): the channel is `<prefix>:live-events`, so tests stay apart. */
  prefix?: string;
  logger?: JobQueueLogger;
}

/**
 * Live events across the processes of a scaled-out deployment, over one Redis pub/sub channel.
 *
 * Why a channel of our own rather than Bull's global events: those carry only job events (progress,
 * completed, failed) keyed by Bull's job, while a stream needs plugin log lines and status changes made
 * outside any job (a cancel in an API process, a retrain's promote/flag, the reconciler), and an upload's
 * ingest progress. One channel also keeps one order: a worker publishes a run's progress, log lines and
 * final status on one connection, and Redis delivers a connection's messages in order, so a subscriber
 * never sees `succeeded` before the last progress (two channels, e.g. Bull's progress beside our states,
 * would not promise that).
 *
 * Connections are opened on first use: a process that only publishes (a worker) opens one, a process
 * with subscribers a second (a subscribed Redis connection can do nothing else). The channel is
 * subscribed while this process has at least one listener and unsubscribed when the last one leaves.
 */
export class RedisLiveEvents implements LiveEvents {
  readonly kind = 'redis' as const;
  readonly channel: string;
  private readonly listeners = new Set<LiveListener>();
  private readonly logger: JobQueueLogger;
  private publisher: Redis | undefined;
  private subscriber: Redis | undefined;
  /** The last SUBSCRIBE/UNSUBSCRIBE sent; commands on one connection run in order, so awaiting the last is enough. */
  private pending: Promise<unknown> = Promise.resolve();
  private subscribed = false;
  private closed = false;
  private publisherWasReady = false;
  /** Events dropped since Redis went away (one warning per outage). */
  private dropped = 0;

  constructor(private readonly options: RedisLiveEventsOptions) {
    if (!options.redisUrl) throw new Error('RedisLiveEvents needs a redisUrl, e.g. redis://127.0.0.1:6379');
    this.channel = `${options.prefix ?? 'workbench'}:live-events`;
    this.logger = options.logger ?? consoleJobQueueLogger;
  }

  publish(event: LiveEvent): void {
    if (this.closed) return;
    if (!this.publisher) {
      const publisher = this.connect('publisher');
      publisher.on('ready', () => {
        this.publisherWasReady = true;
        this.dropped = 0;
      });
      this.publisher = publisher;
    }
    // While Redis is away after having been there, events are dropped rather than queued without bound in
    // ioredis's offline queue (a long outage would pile up every progress event); the first connection queues.
    if (this.publisherWasReady && this.publisher.status !== 'ready') {
      if (this.dropped++ === 0) this.logger.warn(`live events not published while Redis is away (${this.channel})`);
      return;
    }
    this.publisher
      .publish(this.channel, JSON.stringify(event))
      .catch((e: Error) => this.logger.warn(`live event (${event.type}) not published: ${e.message}`));
  }

  subscribe(listener: LiveListener): () => void {
    if (this.closed) throw new Error('the live events are closed');
    const each: LiveListener = (event) => listener(event);
    this.listeners.add(each);
    this.sync();
    return () => {
      if (this.listeners.delete(each)) this.sync();
    };
  }

  listenerCount(): number {
    return this.listeners.size;
  }

  async ready(): Promise<void> {
    await this.pending;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.pending.catch(() => undefined);
    await Promise.all(
      [this.publisher, this.subscriber].map((c) => c?.quit().catch(() => c.disconnect()) ?? Promise.resolve()),
    );
  }

  /** Subscribes the channel while there are listeners, unsubscribes it when there are none. */
  private sync(): void {
    const want = this.listeners.size > 0;
    if (want === this.subscribed) return;
    this.subscribed = want;
    if (!this.subscriber) {
      this.subscriber = this.connect('subscriber');
      this.subscriber.on('message', (channel: string, message: string) => {
        if (channel !== this.channel) return;
        let event: LiveEvent;
        try {
          event = JSON.parse(message) as LiveEvent;
        } catch {
          this.logger.warn(`a message on ${this.channel} is not JSON; ignored`);
          return;
        }
        deliver(this.listeners, event, this.logger);
      });
    }
    const command = want ? this.subscriber.subscribe(this.channel) : this.subscriber.unsubscribe(this.channel);
    this.pending = command.catch((e: Error) =>
      this.logger.warn(`${want ? 'subscribing to' : 'unsubscribing from'} ${this.channel} failed: ${e.message}`),
    );
  }

  private connect(role: string): Redis {
    const connection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null });
    // Without a listener an 'error' (Redis away) would crash the process; ioredis reconnects by itself.
    let last = '';
    connection.on('error', (e: Error) => {
      if (e.message !== last) this.logger.warn(`live events ${role} (${this.channel}): ${e.message}`);
      last = e.message;
    });
    connection.on('ready', () => (last = ''));
    return connection;
  }
}
