import { join } from 'node:path';
import { createFeatureFrame, numeric } from '@workbench/plugin-sdk';
import { createTestRunContext } from '@workbench/plugin-sdk/testing';
import type { SandboxJob } from './protocol';
import { copyForThread, PluginSandboxError, runInSandbox } from './run-in-sandbox';

const HOSTILE = join(__dirname, 'testing', 'test-hostile', 'index.ts');
const n = 1000;
const monetary = Float64Array.from({ length: n }, (_, i) => i + 1);
const frame = createFeatureFrame(
  Array.from({ length: n }, (_, i) => `c${i}`),
  { monetary: numeric(monetary) },
);

function job(mode: string): SandboxJob {
  return {
    modules: [HOSTILE],
    model: 'test-hostile',
    params: { mode },
    frame,
    kpis: [],
    kpiInput: { referenceDate: 0 },
    runId: `run-${mode}`,
    seed: 1,
  };
}

// Short limits: the point is that each way of misbehaving is stopped and named, not how fast.
const limits = { timeoutMs: 8000, memoryMb: 256 };

describe('runInSandbox (a worker thread per run)', () => {
  it('runs a well-behaved plugin and hands back its result', async () => {
    const { outcome } = await runInSandbox(job('ok'), createTestRunContext(), limits);
    // Median of 1..1000 at index 500 is 501: 500 customers below it, 500 at or above.
    expect(outcome.segments.map((s) => [s.label, s.size])).toEqual([
      ['Low', 500],
      ['High', 500],
    ]);
    expect(outcome.metrics).toEqual({ median: 501 });
  });

  // The memory and exit cases with a time limit far off, so the limit named is the one broken however loaded
  // the machine (at a load of 15 on 2 cores, 256 MiB of arrays took longer than 8 s to fill).
  it.each([
    ['loop', 'exceeded its time limit of 8 s', limits],
    ['pending', 'never settled', limits],
    ['heap-bomb', 'exceeded its memory limit of 256 MiB', { ...limits, timeoutMs: 120_000 }],
    ['buffer-bomb', 'exceeded its memory limit of 256 MiB', { ...limits, timeoutMs: 120_000 }],
    ['exit', 'exited with code 1', { ...limits, timeoutMs: 120_000 }],
  ])(
    'fails a plugin in mode %s with "%s", and the host carries on',
    async (mode, reason, own) => {
      const failure = await runInSandbox(job(mode), createTestRunContext(), own).catch((e: Error) => e);
      expect(failure).toBeInstanceOf(PluginSandboxError);
      expect((failure as Error).message).toContain(`plugin 'test-hostile' ${reason}`);
      // The host's event loop was never blocked, and it still runs plugins.
      const { outcome } = await runInSandbox(job('ok'), createTestRunContext(), limits);
      expect(outcome.segments).toHaveLength(2);
    },
    300_000,
  );

  it('hands the plugin a copy: writing into its input leaves the host frame as it was', async () => {
    const before = Float64Array.from(monetary);
    const { outcome } = await runInSandbox(job('mutate'), createTestRunContext(), limits);
    expect(outcome.metrics).toEqual({ median: 5010 }); // the plugin saw its own ×10 copy
    expect(frame.columns.monetary.kind === 'numeric' && Array.from(frame.columns.monetary.values)).toEqual(
      Array.from(before),
    );
  });

  it('moves the arrays the host hands over instead of copying them: detached here, so nothing the plugin writes reaches the host', async () => {
    const transactions = {
      customerRow: Int32Array.from({ length: n }, (_, i) => i),
      order: new Int32Array(n).fill(-1),
      timestamp: new Float64Array(n),
      amount: Float64Array.from(monetary),
      isReturn: new Uint8Array(n),
    };
    const moved = Object.values(transactions).map((column) => column.buffer);
    const running = runInSandbox(
      { ...job('mutate'), kpiInput: { referenceDate: 0, transactions } },
      createTestRunContext(),
      limits,
      moved,
    );
    // Handed over with the job: the host holds none of that memory from then on.
    expect(Object.values(transactions).map((column) => [column.length, column.buffer.byteLength])).toEqual(
      moved.map(() => [0, 0]),
    );
    const { outcome } = await running;
    expect(outcome.metrics).toEqual({ median: 5010 });
    // The frame, not handed over, was copied: the plugin's ×10 stayed in the thread.
    expect(frame.columns.monetary.kind === 'numeric' && frame.columns.monetary.values[0]).toBe(1);
  });

  it('shares the arrays handed over that are in shared memory (which cannot be moved) instead of copying them', async () => {
    const sharedColumn = <T extends Int32Array | Float64Array | Uint8Array>(
      Type: { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number },
      values: ArrayLike<number>,
    ) => {
      const column = new Type(new SharedArrayBuffer(n * Type.BYTES_PER_ELEMENT));
      column.set(values);
      return column;
    };
    const transactions = {
      customerRow: sharedColumn(
        Int32Array,
        Int32Array.from({ length: n }, (_, i) => i),
      ),
      order: sharedColumn(Int32Array, new Int32Array(n).fill(-1)),
      timestamp: sharedColumn(Float64Array, new Float64Array(n)),
      amount: sharedColumn(Float64Array, monetary),
      isReturn: sharedColumn(Uint8Array, new Uint8Array(n)),
    };
    const moved = Object.values(transactions).map((column) => column.buffer);
    const { outcome } = await runInSandbox(
      { ...job('mutate'), kpiInput: { referenceDate: 0, transactions } },
      createTestRunContext(),
      limits,
      moved,
    );
    expect(outcome.metrics).toEqual({ median: 5010 });
    // Posted as they are (shared memory cannot be moved), and whole here after the run.
    expect(Object.values(transactions).map((column) => column.length)).toEqual(moved.map(() => n));
    expect(Array.from(transactions.amount)).toEqual(Array.from(monetary));
  });

  it("keeps a plugin's own error class name, so the host can tell a permanent failure", async () => {
    const failure = await runInSandbox(job('missing-feature'), createTestRunContext(), limits).catch((e: Error) => e);
    expect([(failure as Error).name, (failure as Error).message]).toEqual([
      'FeatureRequirementError',
      "feature 'nope' is not in the data (available: monetary)",
    ]);
  });

  it('moves the arrays of the buffers handed over as they are, each buffer once, and copies the others', () => {
    const shared = new ArrayBuffer(32);
    const job = {
      a: new Float64Array(shared, 0, 2),
      b: new Int32Array(shared, 16, 4),
      kept: new Float64Array([1, 2]),
    };
    const transfer: ArrayBuffer[] = [];
    const copy = copyForThread(job, transfer, new Set([shared]));
    expect([copy.a, copy.b]).toEqual([job.a, job.b]);
    expect(copy.a).toBe(job.a);
    expect(copy.b).toBe(job.b);
    expect(copy.kept).not.toBe(job.kept);
    expect(transfer).toEqual([shared, copy.kept.buffer]);
  });

  it('copies each typed array once into a buffer of its own to move to the thread, leaving the host arrays as they are', () => {
    const backing = new Float64Array([1, 2, 3, 4, 5]);
    const when = new Date(0);
    class Opaque {
      values = new Int32Array([7]);
    }
    const opaque = new Opaque();
    const job = {
      frame: { ids: ['a', 'b'], columns: { x: { kind: 'numeric', values: backing.subarray(1, 4) } } },
      transactions: { order: new Int32Array([9, -1]), isReturn: Buffer.from([1, 0, 1]) },
      list: [new Uint8Array([5]), 'text', 3, null],
      when,
      opaque,
    };
    const transfer: ArrayBuffer[] = [];
    const copy = copyForThread(job, transfer);
    const x = copy.frame.columns.x.values;
    expect(x).toBeInstanceOf(Float64Array);
    expect(Array.from(x)).toEqual([2, 3, 4]);
    expect(x.buffer.byteLength).toBe(24); // the view's range only, not the whole backing buffer
    expect(copy.transactions.order).toBeInstanceOf(Int32Array);
    expect(Array.from(copy.transactions.order)).toEqual([9, -1]);
    expect(Buffer.isBuffer(copy.transactions.isReturn)).toBe(false);
    expect(Array.from(copy.transactions.isReturn)).toEqual([1, 0, 1]);
    expect(copy.list.slice(1)).toEqual(['text', 3, null]);
    expect(copy.frame.ids).toEqual(['a', 'b']);
    expect(copy.when).toBe(when);
    expect(copy.opaque).toBe(opaque);
    expect(transfer).toEqual([
      x.buffer,
      copy.transactions.order.buffer,
      copy.transactions.isReturn.buffer,
      (copy.list[0] as Uint8Array).buffer,
    ]);
    x[0] = 100;
    expect(Array.from(backing)).toEqual([1, 2, 3, 4, 5]);
    expect(job.transactions.isReturn.length).toBe(3);
  });
});
