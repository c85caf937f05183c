import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Assignment, RunStatus } from '@workbench/persistence';
import { fixturePath } from '@workbench/plugin-sdk/testing';
import { loadConfig } from './config';
import { revenuePerSegment, splitAtMedian } from './testing';
import { createWorkbench, type Workbench } from './workbench';

const elog = fixturePath('cdnowElog.csv');
/** A plugin folder (registered like an admin would), in a folder the config allows plugins from. */
const pluginDir = realpathSync(join(__dirname, '../../engine/src/sandbox/testing'));
const hostile = join(pluginDir, 'test-hostile');
const quiet = {
  log: () => undefined,
  warn: (m: string) => process.env.DEBUG_ISO && console.warn(m),
  error: (m: string) => process.env.DEBUG_ISO && console.error(m),
};
const cdnow = { mapping: { customerId: 'masterid', timestamp: 'date', amount: 'sales' } };

/**
 * Plugins in a sandbox thread per run (the server's default): the shipped-style plugins load from
 * their module, a misbehaving plugin fails its own run with the reason, once, and cannot change the
 * cached input of the runs after it. Five attempts with a long backoff: a retried run would show.
 */
describe('plugins isolated in a sandbox thread per run', () => {
  let wb: Workbench;
  beforeAll(async () => {
    const config = loadConfig(
      {},
      {
        home: mkdtempSync(join(tmpdir(), 'wb-iso-')),
        jobAttempts: 5,
        jobBackoffMs: 60_000,
        concurrency: 2,
        pluginMaxSeconds: 600,
        pluginMaxMemoryMb: 4096,
        pluginDirs: [pluginDir],
      },
    );
    wb = await createWorkbench(config, {
      plugins: [splitAtMedian, revenuePerSegment],
      pluginsModule: join(__dirname, 'testing', 'index.ts'),
      logger: quiet,
    });
    await wb.plugins.add(hostile, 'test');
    await wb.startWorker();
    await wb.datasets.ingestTransactions({ dataset: 'cdnow', source: elog, ...cdnow });
    await wb.segmentations.create({
      name: 'median',
      plugin: 'test-split-median',
      params: { feature: 'monetary' },
      dataset: 'cdnow',
      kpis: [{ plugin: 'test-revenue' }],
    });
  }, 60_000);
  afterAll(async () => {
    await wb?.close();
  });

  const segmentsOf = async (runId: string) => (await wb.runs.segments(runId)).map((s) => [s.label, s.size, s.profile]);

  it('runs a plugin from its module in the sandbox with the same results as in the worker thread', async () => {
    const isolated = await wb.runs.waitFor((await wb.runs.submit('median', { seed: 1 })).id);
    expect([isolated.status, isolated.attempts, isolated.error]).toEqual([RunStatus.Succeeded, 1, null]);
    const here = await createWorkbench(
      loadConfig({}, { home: mkdtempSync(join(tmpdir(), 'wb-iso-none-')), pluginIsolation: 'none' }),
      { plugins: [splitAtMedian, revenuePerSegment], logger: quiet },
    );
    try {
      await here.startWorker();
      await here.datasets.ingestTransactions({ dataset: 'cdnow', source: elog, ...cdnow });
      await here.segmentations.create({
        name: 'median',
        plugin: 'test-split-median',
        params: { feature: 'monetary' },
        dataset: 'cdnow',
        kpis: [{ plugin: 'test-revenue' }],
      });
      const inThread = await here.runs.waitFor((await here.runs.submit('median', { seed: 1 })).id);
      expect((await here.runs.segments(inThread.id)).map((s) => [s.label, s.size, s.profile])).toEqual(
        await segmentsOf(isolated.id),
      );
      const kpis = async (w: Workbench, id: string) =>
        (await w.runs.kpis(id)).map((k) => [k.segmentKey, k.kpi, k.value]);
      expect(await kpis(here, inThread.id)).toEqual(await kpis(wb, isolated.id));
    } finally {
      await here.close();
    }
  }, 60_000);

  it('cancels a sandboxed run: a plugin that checks ctx.signal stops, one that spins has its thread ended; neither stores anything', async () => {
    wb.runProcessor.cancelPollMs = 50;
    await wb.segmentations.create({
      name: 'median-slow',
      plugin: 'test-split-median',
      params: { feature: 'monetary', stepDelayMs: 1500 },
      dataset: 'cdnow',
      kpis: [{ plugin: 'test-revenue' }],
    });
    await wb.segmentations.create({
      name: 'spin-until-cancelled',
      plugin: 'test-hostile',
      params: { mode: 'loop' },
      dataset: 'cdnow',
    });
    const slow = await wb.runs.submit('median-slow');
    const spin = await wb.runs.submit('spin-until-cancelled');
    for (;;) {
      const [a, b] = [await wb.runs.get(slow.id), await wb.runs.get(spin.id)];
      if (a.status === RunStatus.Running && a.progress >= 0.2 && b.status === RunStatus.Running) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await wb.runs.cancel(slow.id);
    await wb.runs.cancel(spin.id);
    await wb.queue.whenIdle('train');
    for (const id of [slow.id, spin.id]) {
      const run = await wb.runs.get(id);
      expect([run.status, run.attempts, run.error]).toEqual([RunStatus.Cancelled, 1, null]);
      expect(await wb.runs.segments(id)).toEqual([]);
      expect(await wb.runs.kpis(id)).toEqual([]);
      expect(await wb.orm.em.fork().count(Assignment, { run: id })).toBe(0);
    }
  }, 60_000);

  it('fails a plugin that loops forever once, with its time limit as the reason, while a concurrent run succeeds', async () => {
    await wb.segmentations.create({
      name: 'spin',
      plugin: 'test-hostile',
      params: { mode: 'loop' },
      dataset: 'cdnow',
      limits: { timeoutSeconds: 3 },
    });
    const [spin, fine] = [await wb.runs.submit('spin'), await wb.runs.submit('median', { seed: 1 })];
    const [spun, done] = [await wb.runs.waitFor(spin.id), await wb.runs.waitFor(fine.id)];
    expect([spun.status, spun.attempts, spun.error]).toEqual([
      RunStatus.Failed,
      1,
      "plugin 'test-hostile' exceeded its time limit of 3 s",
    ]);
    expect(done.status).toBe(RunStatus.Succeeded);
  }, 60_000);

  it('fails a plugin that calls process.exit once, with its exit code, and the worker goes on', async () => {
    await wb.segmentations.create({
      name: 'quitter',
      plugin: 'test-hostile',
      params: { mode: 'exit' },
      dataset: 'cdnow',
    });
    const run = await wb.runs.waitFor((await wb.runs.submit('quitter')).id);
    expect([run.status, run.attempts, run.error]).toEqual([
      RunStatus.Failed,
      1,
      "plugin 'test-hostile' exited with code 1",
    ]);
    expect((await wb.runs.waitFor((await wb.runs.submit('median', { seed: 1 })).id)).status).toBe(RunStatus.Succeeded);
  }, 60_000);

  it('keeps the cached run input intact when a plugin writes into its frame', async () => {
    const before = await wb.runs.waitFor((await wb.runs.submit('median', { seed: 1 })).id);
    await wb.segmentations.create({
      name: 'vandal',
      plugin: 'test-hostile',
      params: { mode: 'mutate' },
      dataset: 'cdnow',
    });
    const vandal = await wb.runs.waitFor((await wb.runs.submit('vandal')).id);
    expect(vandal.status).toBe(RunStatus.Succeeded);
    const after = await wb.runs.waitFor((await wb.runs.submit('median', { seed: 1 })).id);
    expect(await segmentsOf(after.id)).toEqual(await segmentsOf(before.id));
    const revenue = async (id: string) =>
      (await wb.runs.kpis(id)).filter((k) => k.kpi !== 'customers').map((k) => [k.segmentKey, k.kpi, k.value]);
    expect(await revenue(after.id)).toEqual(await revenue(before.id));
  }, 60_000);

  it('fails a run whose feature is not in the data once, at once, with that reason (no retry)', async () => {
    await wb.segmentations.create({
      name: 'no-such-feature',
      plugin: 'test-split-median',
      params: { feature: 'nope' },
      dataset: 'cdnow',
    });
    const run = await wb.runs.waitFor((await wb.runs.submit('no-such-feature')).id);
    expect([run.status, run.attempts]).toEqual([RunStatus.Failed, 1]);
    expect(run.error).toMatch(/^feature 'nope' is not in the data \(available: /);
  }, 60_000);

  it('refuses limits above the server caps at creation, naming the field', async () => {
    await expect(
      wb.segmentations.create({
        name: 'greedy',
        plugin: 'test-hostile',
        dataset: 'cdnow',
        limits: { memoryMb: 100_000 },
      }),
    ).rejects.toThrow("limits.memoryMb 100000 must be a whole number from 64 to 4096 (the server's cap)");
  });
});
