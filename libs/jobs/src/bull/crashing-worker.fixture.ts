// A Bull worker in its own process for the crash test: it takes a job, reports it to the parent over IPC
// and never finishes it, so the parent can SIGKILL it mid-job like a worker whose machine died.
import { BullJobQueue } from './bull-job-queue';

const queue = new BullJobQueue({
  redisUrl: process.env['REDIS_URL'] as string,
  prefix: process.env['QUEUE_PREFIX'] as string,
  lockDurationMs: Number(process.env['LOCK_DURATION_MS']),
  stalledIntervalMs: Number(process.env['STALLED_INTERVAL_MS']),
});

queue.process('train', {
  handle: async (job) => {
    await job.progress(0.1, 'started in the doomed worker');
    process.send?.({ type: 'active', id: job.id, attempt: job.attempt, pid: process.pid });
    await new Promise<never>(() => undefined);
  },
  onFailure: async () => undefined,
});
process.send?.({ type: 'ready' });
