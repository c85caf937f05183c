import { join } from 'node:path';
import { createFeatureFrame, FeatureRequirementError, numeric } from '@workbench/plugin-sdk';
import { createTestRunContext } from '@workbench/plugin-sdk/testing';
import { scoreFrame } from '../score-frame';
import { PluginSandboxError } from './run-in-sandbox';
import { ScoringThread } from './scoring-thread';
import hostile from './testing/test-hostile';

const HOSTILE = join(__dirname, 'testing', 'test-hostile', 'index.ts');
const artifact = {
  format: 'hostile/1',
  bytes: new TextEncoder().encode(JSON.stringify({ feature: 'monetary', median: 501 })),
};
const frameOf = (ids: string[]) =>
  createFeatureFrame(ids, { monetary: numeric(Float64Array.from(ids, (_, i) => (i + 1) * 100)) });

// Short limits: the point is that each way of misbehaving is stopped and named, not how fast.
const limits = { timeoutMs: 60_000, memoryMb: 256, requestTimeoutMs: 60_000 };

describe('ScoringThread (a warm sandbox thread per model for online scoring)', () => {
  let thread: ScoringThread;
  beforeAll(async () => {
    thread = new ScoringThread(
      { modules: [HOSTILE], model: 'test-hostile', artifact, runId: 'run-1', seed: 1 },
      createTestRunContext(),
      limits,
    );
    await thread.warm();
  }, 60_000);
  afterAll(() => thread.close());

  it('scores as the plugin does in this thread', async () => {
    const frame = frameOf(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    const here = await scoreFrame({ model: hostile, artifact, frame, segmentCount: 2 }, createTestRunContext());
    const there = await thread.score(frame, 2);
    expect(there).toEqual(here);
    expect(Array.from(there.segment)).toEqual([0, 0, 0, 0, 0, 1, 1]); // 100..500 below the median 501
  });

  // Each misbehaviour on a thread of its own whose other limit is far off, so the one named is the one broken.
  it.each([
    ['loop', 'exceeded its time limit of 2 s', { requestTimeoutMs: 2000 }],
    ['pending', 'exceeded its time limit of 2 s', { requestTimeoutMs: 2000 }],
    ['heap-bomb', 'exceeded its memory limit of 256 MiB', { requestTimeoutMs: 60_000 }],
    ['buffer-bomb', 'exceeded its memory limit of 256 MiB', { requestTimeoutMs: 60_000 }],
    ['exit', 'exited with code 1', { requestTimeoutMs: 60_000 }],
  ])(
    'fails the request of a customer that makes the plugin %s with "%s", then scores the next one in a new thread',
    async (mode, reason, own) => {
      const hostileThread = new ScoringThread(
        { modules: [HOSTILE], model: 'test-hostile', artifact, runId: `run-${mode}`, seed: 1 },
        createTestRunContext(),
        { ...limits, ...own },
      );
      try {
        const failure = await hostileThread.score(frameOf(['a', mode]), 2).catch((e: Error) => e);
        expect(failure).toBeInstanceOf(PluginSandboxError);
        expect((failure as Error).message).toBe(`plugin 'test-hostile' ${reason}`);
        const next = await hostileThread.score(frameOf(['a', 'b', 'c', 'd', 'e', 'f']), 2);
        expect(Array.from(next.segment)).toEqual([0, 0, 0, 0, 0, 1]);
      } finally {
        await hostileThread.close();
      }
    },
    180_000,
  );

  it("fails a request the plugin refuses with the plugin's error, and keeps the thread", async () => {
    const noFeature = createFeatureFrame(['a', 'b'], { frequency: numeric(Float64Array.of(1, 2)) });
    const failure = await thread.score(noFeature, 2).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(FeatureRequirementError);
    expect((failure as Error).message).toMatch(/monetary/);
    expect(Array.from((await thread.score(frameOf(['a']), 2)).segment)).toEqual([0]);
  });

  it('fails when the model cannot be read, naming the reason', async () => {
    const broken = new ScoringThread(
      { modules: [HOSTILE], model: 'no-such-plugin', artifact, runId: 'run-2', seed: 1 },
      createTestRunContext(),
      limits,
    );
    await expect(broken.warm()).rejects.toThrow(/no-such-plugin/);
    await broken.close();
  }, 60_000);
});
