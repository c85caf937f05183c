import { ChildProcess, fork } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { QUEUE_NAMES, QueueUnavailableError, type JobHandlers } from '../job-queue';
import { describeQueueConformance, randomQueuePrefix, requireRedis, testRedisUrl, waitFor } from '../testing';
import { BullJobQueue } from './bull-job-queue';

const redisUrl = testRedisUrl();

beforeAll(async () => {
  await requireRedis(redisUrl);
});

// Bull leaves small bookkeeping keys (id counters, stalled-check markers) under each random prefix.
afterAll(async () => {
  const Bull = (await import('bull')).default;
  const janitor = new Bull('janitor', redisUrl);
  try {
    const keys: string[] = [];
    for (let cursor = '0'; ; ) {
      const [next, batch] = await janitor.client.scan(cursor, 'MATCH', `wb-*-${process.pid}-*`, 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
      if (cursor === '0') break;
    }
    if (keys.length > 0) await janitor.client.del(...keys);
  } finally {
    await janitor.close();
  }
});

describeQueueConformance(
  'BullJobQueue',
  async () =>
    new BullJobQueue({
      redisUrl,
      prefix: randomQueuePrefix('conformance'),
      defaultRetry: { attempts: 3, backoffMs: 10 },
    }),
);

describe('BullJobQueue', () => {
  const opened: BullJobQueue[] = [];
  const open = (options: Partial<ConstructorParameters<typeof BullJobQueue>[0]> & { prefix: string }) => {
    const queue = new BullJobQueue({ redisUrl, ...options });
    opened.push(queue);
    return queue;
  };
  const recording = (): JobHandlers & { handled: string[]; failures: string[] } => {
    const handled: string[] = [];
    const failures: string[] = [];
    return {
      handled,
      failures,
      handle: async (job) => void handled.push(`${job.id}#${job.attempt}`),
      onFailure: async (job, error, willRetry) =>
        void failures.push(`${job.id}#${job.attempt}:${error.message}:${willRetry}`),
    };
  };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((queue) => queue.close()));
  });

  it('lets a producer instance see the progress of a job run by a separate worker instance', async () => {
    const prefix = randomQueuePrefix('split');
    const api = open({ prefix });
    const worker = open({ prefix });
    const seen: string[] = [];
    api.onProgress((queue, id, fraction, note) => seen.push(`${queue}/${id}:${fraction}:${note ?? ''}`));
    worker.process('train', {
      handle: async (job) => {
        await job.progress(0.5, 'half');
        await job.progress(1);
      },
      onFailure: async () => undefined,
    });

    await api.enqueue('train', 'run-split');
    await api.whenIdle('train');
    await waitFor(() => seen.length === 2, 'two progress events in the producer');

    expect(seen).toEqual(['train/run-split:0.5:half', 'train/run-split:1:']);
  });

  it('completes a job on a second worker after the first worker process is killed mid-job', async () => {
    const prefix = randomQueuePrefix('crash');
    const lockDurationMs = 1000;
    const stalledIntervalMs = 300;
    let child: ChildProcess | undefined;
    try {
      child = fork(join(__dirname, 'crashing-worker.fixture.ts'), [], {
        execArgv: ['--require', join(__dirname, '../../../../tools/register.js')],
        env: {
          ...process.env,
          REDIS_URL: redisUrl,
          QUEUE_PREFIX: prefix,
          LOCK_DURATION_MS: String(lockDurationMs),
          STALLED_INTERVAL_MS: String(stalledIntervalMs),
        },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const messages: { type: string; id?: string; attempt?: number }[] = [];
      child.on('message', (message) => messages.push(message as (typeof messages)[number]));
      const producer = open({ prefix });

      await producer.enqueue('train', 'run-crash', { attempts: 3, backoffMs: 10 });
      await waitFor(() => messages.some((m) => m.type === 'active'), 'the doomed worker to take the job', 15_000);
      child.kill('SIGKILL');
      await new Promise((resolve) => child?.once('exit', resolve));
      const warnings: string[] = [];
      const survivor = open({
        prefix,
        lockDurationMs,
        stalledIntervalMs,
        logger: { warn: (m) => warnings.push(m), error: () => undefined },
      });
      const handlers = recording();
      survivor.process('train', handlers);
      await waitFor(() => handlers.handled.length === 1, 'the surviving worker to pick the stalled job up', 10_000);
      await survivor.whenIdle('train');

      expect(messages.find((m) => m.type === 'active')).toMatchObject({ id: 'run-crash', attempt: 1 });
      // A stall is not a failed attempt: Bull does not count it, and the owner is not told of a failure.
      expect(handlers.handled).toEqual(['run-crash#1']);
      expect(handlers.failures).toEqual([]);
      expect(warnings).toEqual([
        'train/run-crash stalled (its worker stopped renewing the lock); it goes back to wait',
      ]);
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 30_000);

  it('deletes finished jobs from Redis so the same run id can be queued again', async () => {
    const prefix = randomQueuePrefix('cleanup');
    const queue = open({ prefix });
    queue.process('compare', recording());

    await queue.enqueue('compare', 'run-clean');
    await queue.whenIdle('compare');

    const { Queue } = { Queue: (await import('bull')).default };
    const inspector = new Queue('compare', redisUrl, { prefix });
    try {
      const counts = await inspector.getJobCounts();
      expect(counts).toMatchObject({ waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 });
      expect(await inspector.getJob('run-clean')).toBeNull();
    } finally {
      await inspector.close();
    }
  });

  it('says a job is no longer queued once Redis lost it (as after a restart), and queues it again', async () => {
    const prefix = randomQueuePrefix('lost');
    const queue = open({ prefix });
    await queue.enqueue('train', 'run-lost');
    expect(await queue.isQueued('train', 'run-lost')).toBe(true);
    const inspector = new (await import('bull')).default('train', redisUrl, { prefix });
    try {
      await (await inspector.getJob('run-lost'))?.remove();
      expect(await queue.isQueued('train', 'run-lost')).toBe(false);
      await queue.enqueue('train', 'run-lost');
      expect(await inspector.getJob('run-lost')).not.toBeNull();
    } finally {
      await inspector.close();
    }
    // A finished job that stayed in Redis would make Bull ignore the next add of its id: isQueued removes it.
    const other = new (await import('bull')).default('compare', redisUrl, { prefix });
    let failedCount = 0;
    other.on('failed', () => failedCount++);
    try {
      void other.process(async () => {
        throw new Error('failed, and kept');
      });
      await other.add({ id: 'c-kept' }, { jobId: 'c-kept' });
      await waitFor(() => failedCount === 1, 'the kept failure');
      expect(await queue.isQueued('compare', 'c-kept')).toBe(false);
      await other.pause(true);
      await queue.enqueue('compare', 'c-kept');
      expect(await (await other.getJob('c-kept'))?.getState()).toBe('waiting');
    } finally {
      await other.close();
    }
  });

  it('fails enqueue and isQueued with a QueueUnavailableError naming the queue when Redis does not answer in time', async () => {
    // A server that accepts connections and never answers, like a Redis that hangs or a dropped route.
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const Bull = (await import('bull')).default;
    const redisUrlOfSilent = `redis://127.0.0.1:${port}`;
    // Opened here and handed in, so the test can cut their connections at the end (closing waits for a ready Redis).
    const queues = { train: new Bull('train', redisUrlOfSilent), compare: new Bull('compare', redisUrlOfSilent) };
    const queue = new BullJobQueue({
      redisUrl: redisUrlOfSilent,
      queues,
      timeoutMs: 300,
      logger: { warn: () => undefined, error: () => undefined },
    });
    try {
      const failed = await queue.enqueue('train', 'run-1').catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(QueueUnavailableError);
      expect(failed).toMatchObject({
        queue: 'train',
        message: 'the train queue (Redis) did not answer within 300 ms while queueing train/run-1',
      });
      await expect(queue.isQueued('compare', 'c-1')).rejects.toThrow(
        'the compare queue (Redis) did not answer within 300 ms while looking up compare/c-1',
      );
    } finally {
      for (const bull of Object.values(queues)) for (const client of bull.clients) client.disconnect();
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('logs a throwing onFailure through the given logger and still retries', async () => {
    const errors: string[] = [];
    const queue = new BullJobQueue({
      redisUrl,
      prefix: randomQueuePrefix('logger'),
      logger: { warn: () => undefined, error: (message) => errors.push(message) },
    });
    opened.push(queue);
    const attempts: number[] = [];
    queue.process('train', {
      handle: async (job) => {
        attempts.push(job.attempt);
        if (job.attempt === 1) throw new Error('boom');
      },
      onFailure: async () => {
        throw new Error('owner could not record');
      },
    });

    await queue.enqueue('train', 'run-1', { attempts: 2, backoffMs: 10 });
    await queue.whenIdle();

    expect(attempts).toEqual([1, 2]);
    expect(errors).toEqual(['onFailure threw for train/run-1 (attempt 1)']);
  });

  it('closes workers right after they started without an unhandled rejection', async () => {
    // Stopped within milliseconds of starting (as a test's worker or a quickly restarted process is), Bull's start
    // of the processors was still talking to Redis: one 'Connection is closed.' nobody could catch, per queue.
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      for (let round = 0; round < 4; round++) {
        const workers = Array.from({ length: 3 }, () => open({ prefix: randomQueuePrefix('quick-close') }));
        for (const worker of workers)
          for (const name of QUEUE_NAMES)
            worker.process(name, { handle: async () => undefined, onFailure: async () => undefined });
        await Promise.all(workers.map((worker) => worker.close()));
      }
      // A rejection is reported once the microtasks after it have run: let a few event-loop turns pass.
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      process.off('unhandledRejection', record);
    }
    expect(unhandled.map((reason) => String(reason))).toEqual([]);
  });
});
