import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { JobHandlers } from '../job-queue';
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
  async () => new BullJobQueue({ redisUrl, prefix: randomQueuePrefix('conformance'), defaultRetry: { attempts: 3, backoffMs: 10 } }),
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
      onFailure: async (job, error, willRetry) => void failures.push(`${job.id}#${job.attempt}:${error.message}:${willRetry}`),
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
        execArgv: ['--require', '@swc-node/register'],
        env: {
          ...process.env,
          SWC_NODE_PROJECT: join(__dirname, '../../tsconfig.json'),
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
      const survivor = open({ prefix, lockDurationMs, stalledIntervalMs, logger: { warn: (m) => warnings.push(m), error: () => undefined } });
      const handlers = recording();
      survivor.process('train', handlers);
      await waitFor(() => handlers.handled.length === 1, 'the surviving worker to pick the stalled job up', 10_000);
      await survivor.whenIdle('train');

      expect(messages.find((m) => m.type === 'active')).toMatchObject({ id: 'run-crash', attempt: 1 });
      // A stall is not a failed attempt: Bull does not count it, and the owner is not told of a failure.
      expect(handlers.handled).toEqual(['run-crash#1']);
      expect(handlers.failures).toEqual([]);
      expect(warnings).toEqual(['train/run-crash stalled (its worker stopped renewing the lock); it goes back to wait']);
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

  it('logs a throwing onFailure through the given logger and still retries', async () => {
    const errors: string[] = [];
    const queue = new BullJobQueue({ redisUrl, prefix: randomQueuePrefix('logger'), logger: { warn: () => undefined, error: (message) => errors.push(message) } });
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
});
