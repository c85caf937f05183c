import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { LiveEvent, RedisLiveEvents } from '@workbench/jobs';
import { requireRedis, testRedisUrl } from '@workbench/jobs/testing';
import type { Role } from '@workbench/persistence';
import { createTestDatabase, type TestDatabase } from '@workbench/persistence/testing';
import { Workbench, type WorkbenchConfig } from '@workbench/services';
import Redis from 'ioredis';
import { EventsController } from '../src/events/events.controller';
import { createKeys, SAMPLE, spawnWorker, startApp, stopProcess, testConfig, type WorkerProcess } from './helpers';

jest.setTimeout(180_000);

/** A client of `GET /events/stream`, reading it as the web app does: fetch and a stream reader. */
interface StreamClient {
  status: number;
  events: LiveEvent[];
  comments: string[];
  /** Resolves when the server ended the stream. */
  ended: Promise<void>;
  /** The client leaves (aborts the request). */
  leave(): void;
}

async function openStream(base: string, key: string | undefined, query = ''): Promise<StreamClient> {
  const abort = new AbortController();
  const res = await fetch(`${base}/events/stream${query}`, {
    headers: key ? { 'X-API-Key': key } : {},
    signal: abort.signal,
  });
  const client: StreamClient = {
    status: res.status,
    events: [],
    comments: [],
    ended: Promise.resolve(),
    leave: () => abort.abort(),
  };
  if (!res.ok || !res.body) return client;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  client.ended = (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        for (const line of block.split('\n')) {
          if (line.startsWith('data: ')) client.events.push(JSON.parse(line.slice(6)) as LiveEvent);
          else if (line.startsWith(': ')) client.comments.push(line.slice(2));
        }
      }
    }
  })();
  return client;
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The run's events as a list of statuses and progress fractions, e.g. ['queued', 'running', 0.2, …, 'succeeded']. */
const trace = (events: LiveEvent[], runId: string) =>
  events.flatMap((e): (string | number)[] =>
    e.type === 'state' && e.kind === 'run' && e.id === runId
      ? [e.status]
      : e.type === 'progress' && e.queue === 'train' && e.id === runId
        ? [e.fraction]
        : [],
  );

/** The test plugin's trace: its four steps and its 1, then the engine's own 1 after the KPIs. */
const SPLIT_PROGRESS = [0.2, 0.4, 0.6, 0.8, 1, 1];

/**
 * The same checks on both deployments. `setup` starts the API (and a worker process for Bull) and returns
 * how to count the live-events subscriptions of the API process (Redis: also the channel's subscribers).
 */
function describeStream(
  name: string,
  setup: () => Promise<{
    app: INestApplication;
    subscriptions: () => Promise<number[]>;
    teardown: () => Promise<void>;
  }>,
) {
  describe(name, () => {
    let app: INestApplication;
    let base: string;
    let keys: Record<Role, string>;
    let workbench: Workbench;
    let subscriptions: () => Promise<number[]>;
    let teardown: () => Promise<void>;
    const post = async (path: string, body: unknown, key = keys.analyst) => {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string; status: string };
    };

    beforeAll(async () => {
      ({ app, subscriptions, teardown } = await setup());
      await app.listen(0, '127.0.0.1');
      base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
      workbench = app.get(Workbench);
      keys = await createKeys(app);
      const form = new FormData();
      form.set('name', 'retail');
      form.set('file', new Blob([await import('node:fs').then((fs) => fs.readFileSync(SAMPLE))]), 'customers.csv');
      const uploaded = await fetch(`${base}/datasets`, {
        method: 'POST',
        headers: { 'X-API-Key': keys.analyst },
        body: form,
      });
      expect(uploaded.status).toBe(201);
      await post('/segmentations', {
        name: 'slow-split',
        plugin: 'test-split-median',
        dataset: 'retail',
        params: { feature: 'monetary', stepDelayMs: 100 },
      });
    });

    afterAll(async () => {
      await app?.close();
      await teardown?.();
    });

    it('refuses a client without a valid key', async () => {
      expect((await openStream(base, undefined)).status).toBe(401);
      expect((await openStream(base, 'wb_not-a-key')).status).toBe(401);
      expect((await openStream(base, keys.viewer, '?run=no-such-run')).status).toBe(404);
    });

    it("delivers a run's status changes and progress in order, from whichever process runs it", async () => {
      const all = await openStream(base, keys.viewer);
      await until('the subscription', async () => workbench.events.listenerCount() === 1 || undefined);
      await workbench.events.ready();
      const run = await post('/segmentations/slow-split/runs', { seed: 1 });
      const byRun = await openStream(base, keys.viewer, `?run=${run.id}`);
      // The run's own stream ends by itself after the final status.
      await byRun.ended;
      const own = trace(byRun.events, run.id);
      expect(own.at(-1)).toBe('succeeded');
      // It starts with the status at connection, then follows the run.
      expect(['queued', 'running']).toContain(own[0]);
      await until('the final status on the full stream', () => trace(all.events, run.id).includes('succeeded'));
      expect(trace(all.events, run.id)).toEqual(['queued', 'running', ...SPLIT_PROGRESS, 'succeeded']);
      // The run's stream saw the same events from its start on, in the same order.
      const rest = own.slice(1);
      expect(trace(all.events, run.id).slice(-rest.length)).toEqual(rest);
      all.leave();
      await all.ended;
    });

    it('ends a run stream at once for a finished run, and ends with cancelled for a cancelled one', async () => {
      const run = await post('/segmentations/slow-split/runs', { seed: 2, params: { stepDelayMs: 2000 } });
      const stream = await openStream(base, keys.viewer, `?run=${run.id}`);
      await until('the run to start', () => trace(stream.events, run.id).includes('running') || undefined);
      await post(`/runs/${run.id}/cancel`, {});
      await stream.ended;
      expect(trace(stream.events, run.id).at(-1)).toBe('cancelled');
      const again = await openStream(base, keys.viewer, `?run=${run.id}`);
      await again.ended;
      expect(trace(again.events, run.id)).toEqual(['cancelled']);
    });

    it("sends a plugin's log lines to analysts and not to viewers", async () => {
      await post('/segmentations', {
        name: 'km',
        plugin: 'segmenter-kmeans',
        dataset: 'retail',
        params: { features: ['recency_days', 'frequency', 'monetary'], k: 3, nInit: 1 },
      });
      const [analyst, viewer] = [await openStream(base, keys.analyst), await openStream(base, keys.viewer)];
      await until('both subscriptions', () => workbench.events.listenerCount() === 2 || undefined);
      await workbench.events.ready();
      const run = await post('/segmentations/km/runs', { seed: 4 });
      for (const client of [analyst, viewer])
        await until('the run to succeed', () => trace(client.events, run.id).includes('succeeded') || undefined);
      const logs = (client: StreamClient) =>
        client.events.flatMap((e) => (e.type === 'log' && e.id === run.id ? [e.message] : []));
      // k-means logs its fit (k, restarts, inertia, silhouette).
      expect(logs(analyst)).toEqual(expect.arrayContaining([expect.stringMatching(/^fitted k=3, 1 restart/)]));
      expect(logs(viewer)).toEqual([]);
      // The same run's progress and status reach both.
      expect(trace(viewer.events, run.id)).toEqual(trace(analyst.events, run.id));
      analyst.leave();
      viewer.leave();
    });

    it('removes every listener and subscription when clients disconnect', async () => {
      await until('earlier streams to close', async () => (workbench.events.listenerCount() === 0 ? true : undefined));
      const before = await subscriptions();
      const clients = await Promise.all([1, 2, 3].map(() => openStream(base, keys.viewer)));
      await until('three subscriptions', () => workbench.events.listenerCount() === 3 || undefined);
      await workbench.events.ready();
      const during = await subscriptions();
      expect(during).not.toEqual(before);
      for (const client of clients) client.leave();
      await until('the listeners to go', () => workbench.events.listenerCount() === 0 || undefined);
      await workbench.events.ready();
      expect(await subscriptions()).toEqual(before);
    });

    it('cuts off a key revoked mid-stream at the next heartbeat', async () => {
      const { key, apiKey } = await workbench.apiKeys.create('soon revoked', 'viewer');
      const stream = await openStream(base, key);
      await until('a heartbeat', () => stream.comments.includes('heartbeat') || undefined);
      await workbench.apiKeys.revoke(apiKey.id, 'test');
      await stream.ended;
      expect(workbench.events.listenerCount()).toBe(0);
    });

    // Last: it begins the shutdown of the streams.
    it('ends the open streams at shutdown and answers a client that reconnects meanwhile with 503', async () => {
      const stream = await openStream(base, keys.viewer);
      await until('the subscription', () => workbench.events.listenerCount() === 1 || undefined);
      app.get(EventsController).beforeApplicationShutdown();
      await stream.ended;
      const again = await openStream(base, keys.viewer);
      expect(again.status).toBe(503);
      expect(workbench.events.listenerCount()).toBe(0);
    });
  });
}

describeStream('GET /events/stream on the embedded deployment (SQLite, in-process queue)', async () => {
  const app = await startApp(testConfig({ eventsHeartbeatMs: 300 }));
  const workbench = app.get(Workbench);
  return {
    app,
    subscriptions: async () => [workbench.events.listenerCount()],
    teardown: async () => undefined,
  };
});

describeStream('GET /events/stream with an API process and a worker process (PostgreSQL, Bull)', async () => {
  await requireRedis(testRedisUrl());
  const db: TestDatabase = await createTestDatabase('postgresql');
  const config: WorkbenchConfig = testConfig({
    databaseUrl: db.url,
    redisUrl: testRedisUrl(),
    queuePrefix: `wbtest-${randomBytes(4).toString('hex')}`,
    role: 'api',
    eventsHeartbeatMs: 300,
  });
  const app = await startApp(config);
  // Its own process: its events reach the API process only through Redis.
  const worker: WorkerProcess = await spawnWorker(config);
  const redis = new Redis(testRedisUrl());
  const events = app.get(Workbench).events as RedisLiveEvents;
  return {
    app,
    subscriptions: async () => [
      events.listenerCount(),
      Number(((await redis.call('PUBSUB', 'NUMSUB', events.channel)) as [string, number])[1]),
    ],
    teardown: async () => {
      await stopProcess(worker.child);
      await redis.quit();
      await db.drop();
    },
  };
});
