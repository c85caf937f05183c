import { describeQueueConformance } from '../testing';
import { InlineJobQueue } from './inline-job-queue';

describeQueueConformance(
  'InlineJobQueue',
  async () => new InlineJobQueue({ defaultRetry: { attempts: 3, backoffMs: 10 } }),
);

describe('InlineJobQueue', () => {
  it('does not call the handler inside enqueue', async () => {
    const queue = new InlineJobQueue();
    let handled = false;
    queue.process('train', { handle: async () => void (handled = true), onFailure: async () => undefined });

    await queue.enqueue('train', 'run-1');
    const handledDuringEnqueue = handled;
    await queue.whenIdle();
    await queue.close();

    expect(handledDuringEnqueue).toBe(false);
    expect(handled).toBe(true);
  });

  it('close() cancels pending retries and waits for the active job', async () => {
    const queue = new InlineJobQueue();
    const attempts: number[] = [];
    let activeFinished = false;
    queue.process('train', {
      handle: async (job) => {
        attempts.push(job.attempt);
        throw new Error('always');
      },
      onFailure: async () => undefined,
    });
    queue.process('compare', {
      handle: async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        activeFinished = true;
      },
      onFailure: async () => undefined,
    });
    await queue.enqueue('train', 'run-retrying', { attempts: 5, backoffMs: 10_000 });
    await queue.enqueue('compare', 'run-active');
    await new Promise((resolve) => setTimeout(resolve, 20));

    await queue.close();

    expect(activeFinished).toBe(true);
    expect(attempts).toEqual([1]);
    await expect(queue.enqueue('train', 'run-after-close')).rejects.toThrow('InlineJobQueue is closed');
  });

  it('logs a throwing onFailure through the given logger', async () => {
    const errors: string[] = [];
    const queue = new InlineJobQueue({ logger: { warn: () => undefined, error: (message) => errors.push(message) } });
    queue.process('train', {
      handle: async () => {
        throw new Error('boom');
      },
      onFailure: async () => {
        throw new Error('owner could not record');
      },
    });

    await queue.enqueue('train', 'run-1', { attempts: 1 });
    await queue.whenIdle();
    await queue.close();

    expect(errors).toEqual(['onFailure threw for train/run-1 (attempt 1)']);
  });
});
