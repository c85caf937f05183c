import { DoNotRetryError, type Job, type JobHandlers, type JobQueue, type QueueName } from '../job-queue';

/** Small backoff so retry tests take milliseconds. */
const FAST_RETRY = { attempts: 3, backoffMs: 10 };

interface Recorded {
  handled: { queue: QueueName; id: string; attempt: number; maxAttempts: number }[];
  failures: { id: string; attempt: number; message: string; willRetry: boolean }[];
}

/** A promise you resolve from outside: lets a test hold a job in the active state. */
export function createGate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Polls until `predicate` holds; events that cross Redis pub/sub arrive a little after the job ends. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Records every attempt and failure; `behaviour` decides what an attempt does. */
function recordingHandlers(behaviour: (job: Job) => Promise<void> = async () => undefined): JobHandlers & Recorded {
  const handled: Recorded['handled'] = [];
  const failures: Recorded['failures'] = [];
  return {
    handled,
    failures,
    async handle(job) {
      handled.push({ queue: job.queue, id: job.id, attempt: job.attempt, maxAttempts: job.maxAttempts });
      await behaviour(job);
    },
    async onFailure(job, error, willRetry) {
      failures.push({ id: job.id, attempt: job.attempt, message: error.message, willRetry });
    },
  };
}

/**
 * The behaviour every JobQueue adapter must show. Call it from an adapter's spec file:
 * `describeQueueConformance('InlineJobQueue', async () => new InlineJobQueue())`.
 * `createQueue` is called once per test and must return an isolated queue (e.g. a fresh Redis prefix);
 * the suite closes it after the test.
 */
export function describeQueueConformance(name: string, createQueue: () => Promise<JobQueue>): void {
  describe(`${name} (JobQueue conformance)`, () => {
    let queue: JobQueue;

    beforeEach(async () => {
      queue = await createQueue();
    });

    afterEach(async () => {
      await queue.close();
    });

    it('hands a job its queue and run id and handles it once', async () => {
      const handlers = recordingHandlers();
      queue.process('train', handlers);

      await queue.enqueue('train', 'run-1', FAST_RETRY);
      await queue.whenIdle();

      expect(handlers.handled).toEqual([{ queue: 'train', id: 'run-1', attempt: 1, maxAttempts: 3 }]);
      expect(handlers.failures).toEqual([]);
    });

    it('does not run a job before a worker is registered (enqueue only queues it)', async () => {
      await queue.enqueue('train', 'run-early', FAST_RETRY);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const handlers = recordingHandlers();

      queue.process('train', handlers);
      await queue.whenIdle();

      expect(handlers.handled.map((h) => h.id)).toEqual(['run-early']);
    });

    it('forwards progress fractions and notes to onProgress listeners in order', async () => {
      const seen: [QueueName, string, number, string | undefined][] = [];
      queue.onProgress((q, id, fraction, note) => seen.push([q, id, fraction, note]));
      queue.process(
        'train',
        recordingHandlers(async (job) => {
          await job.progress(0.25, 'features');
          await job.progress(0.5);
          await job.progress(1, 'done');
        }),
      );

      await queue.enqueue('train', 'run-progress', FAST_RETRY);
      await queue.whenIdle();
      await waitFor(() => seen.length >= 3, 'three progress events');

      expect(seen).toEqual([
        ['train', 'run-progress', 0.25, 'features'],
        ['train', 'run-progress', 0.5, undefined],
        ['train', 'run-progress', 1, 'done'],
      ]);
    });

    it('rejects a progress fraction outside 0..1', async () => {
      let rejection: unknown;
      queue.process(
        'train',
        recordingHandlers(async (job) => {
          rejection = await job.progress(1.5).catch((error: unknown) => error);
        }),
      );

      await queue.enqueue('train', 'run-bad-progress', FAST_RETRY);
      await queue.whenIdle();

      expect(rejection).toBeInstanceOf(RangeError);
      expect((rejection as Error).message).toBe('progress fraction must be between 0 and 1, got 1.5');
    });

    it('retries a job that throws twice and then succeeds, telling onFailure it will retry', async () => {
      const handlers = recordingHandlers(async (job) => {
        if (job.attempt < 3) throw new Error(`boom ${job.attempt}`);
      });
      queue.process('train', handlers);

      await queue.enqueue('train', 'run-flaky', FAST_RETRY);
      await queue.whenIdle();

      expect(handlers.handled.map((h) => h.attempt)).toEqual([1, 2, 3]);
      expect(handlers.handled.every((h) => h.maxAttempts === 3)).toBe(true);
      expect(handlers.failures).toEqual([
        { id: 'run-flaky', attempt: 1, message: 'boom 1', willRetry: true },
        { id: 'run-flaky', attempt: 2, message: 'boom 2', willRetry: true },
      ]);
    });

    it('gives up after maxAttempts and reports the original message with willRetry=false', async () => {
      const handlers = recordingHandlers(async () => {
        throw new Error('plugin exploded: k must be >= 2');
      });
      queue.process('train', handlers);

      await queue.enqueue('train', 'run-broken', FAST_RETRY);
      await queue.whenIdle();

      expect(handlers.handled.map((h) => h.attempt)).toEqual([1, 2, 3]);
      expect(handlers.failures.map((f) => f.willRetry)).toEqual([true, true, false]);
      expect(handlers.failures.at(-1)).toEqual({
        id: 'run-broken',
        attempt: 3,
        message: 'plugin exploded: k must be >= 2',
        willRetry: false,
      });
    });

    it('fails a DoNotRetryError once, at once, with its reason, though attempts are left', async () => {
      const handlers = recordingHandlers(async () => {
        throw new DoNotRetryError("invalid params for 'segmenter-kmeans': k: must be >= 2");
      });
      queue.process('train', handlers);

      await queue.enqueue('train', 'run-bad-params', { attempts: 5, backoffMs: 10_000 });
      await queue.whenIdle();

      expect(handlers.handled.map((h) => h.attempt)).toEqual([1]);
      expect(handlers.failures).toEqual([
        {
          id: 'run-bad-params',
          attempt: 1,
          message: "invalid params for 'segmenter-kmeans': k: must be >= 2",
          willRetry: false,
        },
      ]);
    });

    it('recognises a DoNotRetryError by name when it crossed a boundary (a worker thread, a child process)', async () => {
      const handlers = recordingHandlers(async () => {
        throw Object.assign(new Error('exceeded 300 s'), { name: 'DoNotRetryError' });
      });
      queue.process('train', handlers);

      await queue.enqueue('train', 'run-timed-out', { attempts: 3, backoffMs: 10_000 });
      await queue.whenIdle();

      expect(handlers.failures).toEqual([
        { id: 'run-timed-out', attempt: 1, message: 'exceeded 300 s', willRetry: false },
      ]);
    });

    it('still retries an ordinary error after a DoNotRetryError of another job', async () => {
      const handlers = recordingHandlers(async (job) => {
        if (job.id === 'run-permanent') throw new DoNotRetryError('label not in the data');
        if (job.attempt < 2) throw new Error('database unreachable');
      });
      queue.process('train', handlers);

      await queue.enqueue('train', 'run-permanent', FAST_RETRY);
      await queue.enqueue('train', 'run-transient', FAST_RETRY);
      await queue.whenIdle();

      expect(handlers.handled.filter((h) => h.id === 'run-transient').map((h) => h.attempt)).toEqual([1, 2]);
      expect(handlers.failures).toEqual([
        { id: 'run-permanent', attempt: 1, message: 'label not in the data', willRetry: false },
        { id: 'run-transient', attempt: 1, message: 'database unreachable', willRetry: true },
      ]);
    });

    it('keeps the message of a non-Error value that a handler throws', async () => {
      const handlers = recordingHandlers(async () => {
        throw 'plain string failure';
      });
      queue.process('train', handlers);

      await queue.enqueue('train', 'run-string-throw', { attempts: 1, backoffMs: 10 });
      await queue.whenIdle();

      expect(handlers.failures).toEqual([
        { id: 'run-string-throw', attempt: 1, message: 'plain string failure', willRetry: false },
      ]);
    });

    it('honours a per-job retry policy of a single attempt', async () => {
      const handlers = recordingHandlers(async () => {
        throw new Error('no retries wanted');
      });
      queue.process('train', handlers);

      await queue.enqueue('train', 'run-once', { attempts: 1 });
      await queue.whenIdle();

      expect(handlers.handled).toEqual([{ queue: 'train', id: 'run-once', attempt: 1, maxAttempts: 1 }]);
      expect(handlers.failures.map((f) => f.willRetry)).toEqual([false]);
    });

    it('deduplicates an id enqueued again while it is waiting', async () => {
      await queue.enqueue('train', 'run-dup', FAST_RETRY);
      await queue.enqueue('train', 'run-dup', FAST_RETRY);
      const handlers = recordingHandlers();

      queue.process('train', handlers);
      await queue.whenIdle();

      expect(handlers.handled.map((h) => h.id)).toEqual(['run-dup']);
    });

    it('deduplicates an id enqueued again while it is active', async () => {
      const gate = createGate();
      const handlers = recordingHandlers(() => gate.promise);
      queue.process('train', handlers);
      await queue.enqueue('train', 'run-active', FAST_RETRY);
      await waitFor(() => handlers.handled.length === 1, 'the job to become active');

      await queue.enqueue('train', 'run-active', FAST_RETRY);
      gate.open();
      await queue.whenIdle();

      expect(handlers.handled.map((h) => h.id)).toEqual(['run-active']);
    });

    it('counts waiting, active and delayed jobs per queue in depth()', async () => {
      expect(await queue.depth('train')).toEqual({ waiting: 0, active: 0, delayed: 0 });
      await queue.enqueue('train', 'depth-retried', { attempts: 2, backoffMs: 60_000 });
      await queue.enqueue('train', 'depth-held', FAST_RETRY);
      expect(await queue.depth('train')).toEqual({ waiting: 2, active: 0, delayed: 0 });
      expect(await queue.depth('compare')).toEqual({ waiting: 0, active: 0, delayed: 0 });

      // one job fails and waits a minute for its retry; the other is held active
      const gate = createGate();
      const handlers = recordingHandlers(async (job) => {
        if (job.id === 'depth-retried') throw new Error('fails, then waits for its retry');
        await gate.promise;
      });
      queue.process('train', handlers, 2);
      await waitFor(
        () => handlers.failures.length === 1 && handlers.handled.length === 2,
        'one failure and one active job',
      );
      let depth = await queue.depth('train');
      // Bull moves a failed job to `delayed` just after onFailure has run
      for (const end = Date.now() + 5000; depth.delayed === 0 && Date.now() < end; depth = await queue.depth('train'))
        await new Promise((r) => setTimeout(r, 20));
      expect(depth).toEqual({ waiting: 0, active: 1, delayed: 1 });
      gate.open();
    });

    it('deduplicates an id enqueued again while it waits for a retry', async () => {
      const handlers = recordingHandlers(async (job) => {
        if (job.attempt === 1) throw new Error('first attempt fails');
      });
      queue.process('train', handlers);
      await queue.enqueue('train', 'run-delayed', { attempts: 2, backoffMs: 200 });
      await waitFor(() => handlers.failures.length === 1, 'the first failure');

      await queue.enqueue('train', 'run-delayed', FAST_RETRY);
      await queue.whenIdle();

      expect(handlers.handled.map((h) => h.attempt)).toEqual([1, 2]);
    });

    it('removes a waiting job and a delayed retry so they never run, and leaves an active job alone', async () => {
      await queue.enqueue('train', 'run-removed', FAST_RETRY);
      await queue.enqueue('train', 'run-kept', FAST_RETRY);
      expect(await queue.remove('train', 'run-removed')).toBe(true);
      expect(await queue.remove('train', 'run-unknown')).toBe(false);

      const gate = createGate();
      const handlers = recordingHandlers(async (job) => {
        if (job.id === 'run-retried') throw new Error('fails, then waits a minute for its retry');
        if (job.id === 'run-held') await gate.promise;
      });
      queue.process('train', handlers, 2);
      await queue.enqueue('train', 'run-retried', { attempts: 2, backoffMs: 60_000 });
      await queue.enqueue('train', 'run-held', FAST_RETRY);
      await waitFor(
        () => handlers.failures.length === 1 && handlers.handled.some((h) => h.id === 'run-held'),
        'a failed and an active job',
      );
      // Bull moves a failed job to `delayed` just after onFailure has run
      for (const end = Date.now() + 5000; (await queue.depth('train')).delayed === 0 && Date.now() < end; )
        await new Promise((r) => setTimeout(r, 20));
      expect(await queue.remove('train', 'run-retried')).toBe(true);
      expect(await queue.remove('train', 'run-held')).toBe(false);
      gate.open();
      await queue.whenIdle();

      expect(handlers.handled.map((h) => `${h.id}#${h.attempt}`).sort()).toEqual([
        'run-held#1',
        'run-kept#1',
        'run-retried#1',
      ]);
    });

    it('says in isQueued whether a job is waiting, active or waiting for a retry, and not once it has ended', async () => {
      expect(await queue.isQueued('train', 'q-1')).toBe(false);
      await queue.enqueue('train', 'q-1', { attempts: 2, backoffMs: 200 });
      expect([await queue.isQueued('train', 'q-1'), await queue.isQueued('compare', 'q-1')]).toEqual([true, false]);
      const gate = createGate();
      const handlers = recordingHandlers(async (job) => {
        if (job.attempt === 1) throw new Error('first attempt fails');
        await gate.promise;
      });
      queue.process('train', handlers);
      await waitFor(() => handlers.failures.length === 1, 'the first failure');
      expect(await queue.isQueued('train', 'q-1')).toBe(true);
      await waitFor(() => handlers.handled.length === 2, 'the second attempt');
      expect(await queue.isQueued('train', 'q-1')).toBe(true);
      gate.open();
      await queue.whenIdle();
      expect(await queue.isQueued('train', 'q-1')).toBe(false);
    });

    it('runs an id again when it is enqueued after it completed', async () => {
      const handlers = recordingHandlers();
      queue.process('train', handlers);
      await queue.enqueue('train', 'run-again', FAST_RETRY);
      await queue.whenIdle();

      await queue.enqueue('train', 'run-again', FAST_RETRY);
      await queue.whenIdle();

      expect(handlers.handled.map((h) => [h.id, h.attempt])).toEqual([
        ['run-again', 1],
        ['run-again', 1],
      ]);
    });

    it('runs an id again when it is enqueued after it finally failed', async () => {
      let shouldFail = true;
      const handlers = recordingHandlers(async () => {
        if (shouldFail) throw new Error('fails until fixed');
      });
      queue.process('train', handlers);
      await queue.enqueue('train', 'run-retry-later', { attempts: 1, backoffMs: 10 });
      await queue.whenIdle();

      shouldFail = false;
      await queue.enqueue('train', 'run-retry-later', { attempts: 1, backoffMs: 10 });
      await queue.whenIdle();

      expect(handlers.handled.map((h) => h.id)).toEqual(['run-retry-later', 'run-retry-later']);
      expect(handlers.failures.map((f) => f.willRetry)).toEqual([false]);
    });

    it('resolves whenIdle only after every retry has run, including the backoff waits', async () => {
      const handlers = recordingHandlers(async (job) => {
        if (job.attempt < 3) throw new Error('not yet');
      });
      queue.process('train', handlers);

      await queue.enqueue('train', 'run-slow-retry', { attempts: 3, backoffMs: 100 });
      const started = Date.now();
      await queue.whenIdle();

      expect(handlers.handled.map((h) => h.attempt)).toEqual([1, 2, 3]);
      // 100 ms before attempt 2, 200 ms before attempt 3.
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    });

    it('waits for the handler before whenIdle resolves', async () => {
      let finished = false;
      queue.process(
        'train',
        recordingHandlers(async () => {
          await new Promise((resolve) => setTimeout(resolve, 100));
          finished = true;
        }),
      );

      await queue.enqueue('train', 'run-slow', FAST_RETRY);
      await queue.whenIdle();

      expect(finished).toBe(true);
    });

    it('keeps independent queues apart, even for the same run id', async () => {
      const gate = createGate();
      const train = recordingHandlers();
      const compare = recordingHandlers(() => gate.promise);
      queue.process('train', train);
      queue.process('compare', compare);

      await queue.enqueue('train', 'shared-id', FAST_RETRY);
      await queue.enqueue('compare', 'shared-id', FAST_RETRY);
      await queue.whenIdle('train');
      await waitFor(() => compare.handled.length === 1, 'the compare job to start');
      const compareDoneBeforeRelease = compare.handled.length;
      gate.open();
      await queue.whenIdle();

      expect(train.handled).toEqual([{ queue: 'train', id: 'shared-id', attempt: 1, maxAttempts: 3 }]);
      expect(compare.handled).toEqual([{ queue: 'compare', id: 'shared-id', attempt: 1, maxAttempts: 3 }]);
      expect(compareDoneBeforeRelease).toBe(1);
    });

    it('runs at most `concurrency` jobs at a time', async () => {
      let running = 0;
      let maxRunning = 0;
      queue.process(
        'notify',
        recordingHandlers(async () => {
          running += 1;
          maxRunning = Math.max(maxRunning, running);
          await new Promise((resolve) => setTimeout(resolve, 60));
          running -= 1;
        }),
        2,
      );

      for (const id of ['c1', 'c2', 'c3', 'c4', 'c5']) await queue.enqueue('notify', id, FAST_RETRY);
      await queue.whenIdle();

      expect(maxRunning).toBe(2);
    });

    it('keeps retrying when onFailure itself throws', async () => {
      const handlers = recordingHandlers(async (job) => {
        if (job.attempt < 2) throw new Error('first attempt fails');
      });
      handlers.onFailure = async () => {
        throw new Error('onFailure is broken');
      };
      const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        queue.process('train', handlers);

        await queue.enqueue('train', 'run-bad-on-failure', FAST_RETRY);
        await queue.whenIdle();
      } finally {
        quiet.mockRestore();
      }

      expect(handlers.handled.map((h) => h.attempt)).toEqual([1, 2]);
    });

    it('lists its jobs in jobs(): live ones with their attempt, progress and last error, then finished ones', async () => {
      const before = new Date(Date.now() - 1000);
      const gate = createGate();
      const handlers = recordingHandlers(async (job) => {
        if (job.id === 'list-retried') throw new Error('fails, then waits a minute for its retry');
        if (job.id === 'list-failed') throw new DoNotRetryError('bad params: k must be >= 2');
        if (job.id === 'list-held') {
          await job.progress(0.5, 'half way');
          await gate.promise;
        }
        if (job.id === 'list-done') await job.progress(1, 'done');
      });
      // The gate is opened whatever happens, so a failed expectation does not leave close() waiting for the held job.
      try {
        await queue.enqueue('train', 'list-done', FAST_RETRY);
        await queue.enqueue('train', 'list-failed', FAST_RETRY);
        queue.process('train', handlers);
        await waitFor(() => handlers.handled.length === 2, 'the first two jobs');
        await queue.whenIdle('train');
        await queue.enqueue('train', 'list-retried', { attempts: 2, backoffMs: 60_000 });
        await queue.enqueue('train', 'list-held', FAST_RETRY);
        await queue.enqueue('compare', 'list-elsewhere', FAST_RETRY);
        await waitFor(() => handlers.failures.length === 2 && handlers.handled.length === 4, 'a retry and a held job');
        // Bull moves a failed job to `delayed` just after onFailure has run, and writes progress before the handler goes on
        let jobs = await queue.jobs('train');
        for (
          const end = Date.now() + 5000;
          (jobs.find((j) => j.id === 'list-retried')?.state !== 'delayed' ||
            jobs.find((j) => j.id === 'list-held')?.progress !== 0.5) &&
          Date.now() < end;
          jobs = await queue.jobs('train')
        )
          await new Promise((r) => setTimeout(r, 20));
        // one more job queued behind the held one (concurrency 1)
        await queue.enqueue('train', 'list-waiting', FAST_RETRY);
        jobs = await queue.jobs('train');

        const now = new Date(Date.now() + 1000);
        for (const job of jobs) {
          expect(job.enqueuedAt!.getTime()).toBeGreaterThanOrEqual(before.getTime());
          expect(job.enqueuedAt!.getTime()).toBeLessThanOrEqual(now.getTime());
          expect(job.startedAt === null).toBe(job.state === 'waiting');
          expect(job.finishedAt === null).toBe(job.state !== 'completed' && job.state !== 'failed');
        }
        expect(
          jobs.map((job) => ({ ...job, enqueuedAt: undefined, startedAt: undefined, finishedAt: undefined })),
        ).toEqual([
          {
            queue: 'train',
            id: 'list-held',
            state: 'active',
            attempt: 1,
            maxAttempts: 3,
            progress: 0.5,
            progressNote: 'half way',
            error: null,
          },
          {
            queue: 'train',
            id: 'list-waiting',
            state: 'waiting',
            attempt: 0,
            maxAttempts: 3,
            progress: null,
            progressNote: null,
            error: null,
          },
          {
            queue: 'train',
            id: 'list-retried',
            state: 'delayed',
            attempt: 1,
            maxAttempts: 2,
            progress: null,
            progressNote: null,
            error: 'fails, then waits a minute for its retry',
          },
          // finished: newest first
          {
            queue: 'train',
            id: jobs[3].id,
            state: jobs[3].id === 'list-done' ? 'completed' : 'failed',
            attempt: 1,
            maxAttempts: 3,
            progress: jobs[3].id === 'list-done' ? 1 : null,
            progressNote: jobs[3].id === 'list-done' ? 'done' : null,
            error: jobs[3].id === 'list-done' ? null : 'bad params: k must be >= 2',
          },
          expect.objectContaining({ id: jobs[3].id === 'list-done' ? 'list-failed' : 'list-done' }),
        ]);
        const finished = Object.fromEntries(jobs.slice(3).map((j) => [j.id, j]));
        expect(finished['list-done']).toMatchObject({
          state: 'completed',
          progress: 1,
          progressNote: 'done',
          error: null,
        });
        expect(finished['list-failed']).toMatchObject({
          state: 'failed',
          progress: null,
          error: 'bad params: k must be >= 2',
        });
        expect(jobs[3].finishedAt?.getTime()).toBeGreaterThanOrEqual(jobs[4].finishedAt?.getTime() ?? Infinity);
        expect((await queue.jobs('compare')).map((j) => [j.id, j.state])).toEqual([['list-elsewhere', 'waiting']]);

        // A finished id queued again runs again; the list then has it live and finished.
        gate.open();
        expect(await queue.remove('train', 'list-retried')).toBe(true);
        await queue.whenIdle('train');
        await queue.enqueue('train', 'list-done', FAST_RETRY);
        await queue.whenIdle('train');
        expect((await queue.jobs('train')).filter((j) => j.id === 'list-done').map((j) => j.state)).toEqual([
          'completed',
          'completed',
        ]);
        expect(handlers.handled.filter((h) => h.id === 'list-done')).toHaveLength(2);
      } finally {
        gate.open();
      }
    });

    it('rejects an unknown queue name and an empty run id', async () => {
      await expect(queue.enqueue('nope' as QueueName, 'run-1')).rejects.toThrow("unknown queue 'nope'");
      await expect(queue.enqueue('train', '')).rejects.toThrow('job id must be a non-empty string');
      await expect(queue.enqueue('train', 'run-1', { attempts: 0 })).rejects.toThrow(
        'retry.attempts must be an integer >= 1, got 0',
      );
    });
  });
}
