import { createServer } from 'node:net';
import Redis from 'ioredis';
import { randomQueuePrefix, RedisServer, requireRedis, testRedisUrl } from '../testing';
import { InlineLiveEvents } from './inline-live-events';
import type { LiveEvent, LiveEvents } from './live-events';
import { RedisLiveEvents } from './redis-live-events';

const quiet = { warn: () => undefined, error: () => undefined };
const progress = (fraction: number): LiveEvent => ({ type: 'progress', queue: 'train', id: 'r1', fraction });

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Both adapters: `pair()` gives a publisher and a subscriber side (one object inline, two processes' worth on Redis). */
function describeLiveEvents(name: string, pair: () => Promise<{ publisher: LiveEvents; subscriber: LiveEvents }>) {
  describe(name, () => {
    let publisher: LiveEvents;
    let subscriber: LiveEvents;
    beforeEach(async () => ({ publisher, subscriber } = await pair()));
    afterEach(async () => {
      await publisher.close();
      await subscriber.close();
    });

    it('delivers events in the order they were published, to every listener', async () => {
      const a: LiveEvent[] = [];
      const b: LiveEvent[] = [];
      subscriber.subscribe((e) => a.push(e));
      subscriber.subscribe((e) => b.push(e));
      await subscriber.ready();
      const sent = [0, 0.25, 0.5, 0.75, 1].map(progress);
      sent.push({ type: 'state', kind: 'run', id: 'r1', status: 'succeeded' });
      for (const e of sent) publisher.publish(e);
      await until(() => a.length === sent.length && b.length === sent.length, 'six events');
      expect(a).toEqual(sent);
      expect(b).toEqual(sent);
    });

    it('stops calling a listener once it unsubscribed, and keeps delivering to others when one throws', async () => {
      const kept: LiveEvent[] = [];
      const gone: LiveEvent[] = [];
      const off = subscriber.subscribe((e) => gone.push(e));
      subscriber.subscribe(() => {
        throw new Error('a broken listener');
      });
      subscriber.subscribe((e) => kept.push(e));
      await subscriber.ready();
      expect(subscriber.listenerCount()).toBe(3);
      off();
      off();
      expect(subscriber.listenerCount()).toBe(2);
      publisher.publish(progress(0.5));
      await until(() => kept.length === 1, 'one event');
      expect(gone).toEqual([]);
    });
  });
}

describeLiveEvents('InlineLiveEvents', async () => {
  const events = new InlineLiveEvents(quiet);
  return { publisher: events, subscriber: events };
});

describeLiveEvents('RedisLiveEvents', async () => {
  await requireRedis(testRedisUrl());
  const prefix = randomQueuePrefix('live');
  return {
    publisher: new RedisLiveEvents({ redisUrl: testRedisUrl(), prefix, logger: quiet }),
    subscriber: new RedisLiveEvents({ redisUrl: testRedisUrl(), prefix, logger: quiet }),
  };
});

describe('RedisLiveEvents subscriptions', () => {
  let admin: Redis;
  beforeAll(async () => {
    await requireRedis(testRedisUrl());
    admin = new Redis(testRedisUrl());
  });
  afterAll(() => admin.quit());

  const subscribers = async (channel: string) =>
    Number(((await admin.call('PUBSUB', 'NUMSUB', channel)) as [string, number])[1]);

  it('holds the channel while it has listeners and lets go of it when the last one leaves', async () => {
    const events = new RedisLiveEvents({ redisUrl: testRedisUrl(), prefix: randomQueuePrefix('live'), logger: quiet });
    try {
      expect(await subscribers(events.channel)).toBe(0);
      const offs = [events.subscribe(() => undefined), events.subscribe(() => undefined)];
      await events.ready();
      expect(await subscribers(events.channel)).toBe(1);
      offs[0]();
      await events.ready();
      expect(await subscribers(events.channel)).toBe(1);
      offs[1]();
      await events.ready();
      expect(await subscribers(events.channel)).toBe(0);
      expect(events.listenerCount()).toBe(0);
    } finally {
      await events.close();
    }
  });

  it('keeps events of different prefixes apart', async () => {
    const here = new RedisLiveEvents({ redisUrl: testRedisUrl(), prefix: randomQueuePrefix('live'), logger: quiet });
    const there = new RedisLiveEvents({ redisUrl: testRedisUrl(), prefix: randomQueuePrefix('live'), logger: quiet });
    try {
      const seen: LiveEvent[] = [];
      here.subscribe((e) => seen.push(e));
      await here.ready();
      there.publish(progress(0.1));
      here.publish(progress(0.2));
      await until(() => seen.length >= 1, 'an event');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen).toEqual([progress(0.2)]);
    } finally {
      await here.close();
      await there.close();
    }
  });
});

describe('RedisLiveEvents while Redis is away', () => {
  const freePort = () =>
    new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });

  it('drops what is published during an outage instead of queueing it, and delivers again once Redis is back', async () => {
    const redis = new RedisServer(await freePort());
    await redis.start();
    const warnings: string[] = [];
    const logger = { warn: (m: string) => warnings.push(m), error: () => undefined };
    const prefix = randomQueuePrefix('live');
    const publisher = new RedisLiveEvents({ redisUrl: redis.url, prefix, logger });
    const subscriber = new RedisLiveEvents({ redisUrl: redis.url, prefix, logger });
    try {
      const seen: LiveEvent[] = [];
      subscriber.subscribe((e) => seen.push(e));
      await subscriber.ready();
      publisher.publish(progress(0.1));
      await until(() => seen.length === 1, 'the first event');
      await redis.stop();
      // The publisher's connection has noticed (its reconnect attempts are refused).
      await until(() => warnings.some((w) => w.startsWith('live events publisher')), 'the publisher to notice');
      for (const f of [0.2, 0.3, 0.4]) publisher.publish(progress(f));
      expect(warnings.filter((w) => w.startsWith('live events not published while Redis is away'))).toHaveLength(1);
      await redis.start();
      // The subscriber resubscribes on its own; an event published after both are back arrives, the dropped ones never.
      await until(() => {
        publisher.publish(progress(0.9));
        return seen.some((e) => e.type === 'progress' && e.fraction === 0.9);
      }, 'an event after the restart');
      expect(seen.map((e) => (e.type === 'progress' ? e.fraction : e.type)).filter((f) => f !== 0.9)).toEqual([0.1]);
    } finally {
      await publisher.close();
      await subscriber.close();
      await redis.stop();
    }
  });
});
