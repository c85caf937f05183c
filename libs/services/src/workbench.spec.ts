import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IngestError } from '@workbench/data';
import { decodeAssignments } from '@workbench/engine';
import type { LiveEvent } from '@workbench/jobs';
import { Assignment, KpiValue, Run, RunStatus, Segment } from '@workbench/persistence';
import { loadConfig } from './config';
import { ConflictError, NotFoundError } from './errors';
import { splitAtMedian } from './testing';
import { createWorkbench, type Workbench } from './workbench';

const sample = readFileSync(join(__dirname, '../../../samples/online-retail-customers.csv'), 'utf8');
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

async function embedded(): Promise<Workbench> {
  const config = loadConfig({}, { home: mkdtempSync(join(tmpdir(), 'wb-services-')), jobAttempts: 3, jobBackoffMs: 5 });
  const workbench = await createWorkbench(config, { plugins: [splitAtMedian], logger: quiet });
  await workbench.startWorker();
  return workbench;
}

describe('the embedded workbench (SQLite, in-process queue)', () => {
  let wb: Workbench;
  beforeEach(async () => {
    wb = await embedded();
  });
  afterEach(async () => {
    await wb.close();
  });

  it('returns the existing version when the same content is uploaded twice', async () => {
    const first = await wb.datasets.ingestCustomers({ dataset: 'retail', text: sample });
    const second = await wb.datasets.ingestCustomers({ dataset: 'retail', text: sample.replace(/\n/g, '\r\n') });
    expect([first.created, second.created]).toEqual([true, false]);
    expect(second.version.id).toBe(first.version.id);
    expect(first.version.rowCount).toBe(4338);
    const changed = await wb.datasets.ingestCustomers({
      dataset: 'retail',
      text: sample.split('\n').slice(0, -2).join('\n'),
    });
    expect([changed.created, changed.version.version]).toEqual([true, 2]);
  });

  it('stores nothing when a file is refused', async () => {
    await expect(
      wb.datasets.ingestCustomers({ dataset: 'retail', text: 'customer_id,x\n1,2\n1,3\n' }),
    ).rejects.toBeInstanceOf(IngestError);
    await expect(wb.datasets.list()).resolves.toEqual([]);
  });

  it("publishes a run's status changes and progress on the live events, in order", async () => {
    await wb.datasets.ingestCustomers({ dataset: 'retail', text: sample });
    await wb.segmentations.create({ name: 'live', plugin: 'test-split-median', dataset: 'retail' });
    const seen: LiveEvent[] = [];
    const off = wb.events.subscribe((e) => seen.push(e));
    const run = await wb.runs.submit('live', { seed: 1 });
    await wb.runs.waitFor(run.id);
    await wb.queue.whenIdle();
    off();
    const ofRun = seen.filter((e) => 'id' in e && e.id === run.id);
    const states = ofRun.map((e) => (e.type === 'state' ? e.status : e.type));
    // The plugin's four steps and its 1, then the engine's own 1 once the KPIs are evaluated.
    expect(states).toEqual(['queued', 'running', ...Array(6).fill('progress'), 'succeeded']);
    const fractions = ofRun.flatMap((e) => (e.type === 'progress' ? [e.fraction] : []));
    expect(fractions).toEqual([0.2, 0.4, 0.6, 0.8, 1, 1]);
    expect(wb.events.listenerCount()).toBe(0);
  });

  it('runs a segmentation through the queue and stores segments, KPIs and assignments', async () => {
    await wb.datasets.ingestCustomers({ dataset: 'retail', text: sample });
    await wb.segmentations.create({
      name: 'by-spend',
      plugin: 'test-split-median',
      params: { feature: 'monetary' },
      dataset: 'retail',
    });
    const queued = await wb.runs.submit('by-spend', { seed: 1 });
    expect([queued.version, queued.pluginName, queued.pluginVersion]).toEqual([1, 'test-split-median', '1.0.0']);
    const run = await wb.runs.waitFor(queued.id);
    expect([run.status, run.progress, run.attempts]).toEqual([RunStatus.Succeeded, 1, 1]);
    const segments = await wb.runs.segments(run.id);
    expect(segments.map((s) => [s.label, s.size])).toEqual([
      ['Low', 2169],
      ['High', 2169],
    ]);
    const kpis = await wb.runs.kpis(run.id);
    const revenueShares = kpis.filter((k) => k.kpi === 'revenue_share').map((k) => k.value ?? NaN);
    expect(revenueShares[0] + revenueShares[1]).toBeCloseTo(1, 12);
    const assignments = decodeAssignments(await wb.artifacts.get(run.assignmentsArtifactKey as string));
    expect(assignments.ids).toHaveLength(4338);
    const second = await wb.runs.waitFor((await wb.runs.submit('by-spend')).id);
    expect(second.version).toBe(2);
  });

  it('retries a failing job and succeeds on a later attempt', async () => {
    await wb.datasets.ingestCustomers({ dataset: 'retail', text: sample });
    await wb.segmentations.create({
      name: 'flaky',
      plugin: 'test-split-median',
      params: { failTimes: 2 },
      dataset: 'retail',
    });
    const run = await wb.runs.waitFor((await wb.runs.submit('flaky')).id);
    expect([run.status, run.attempts, run.error]).toEqual([RunStatus.Succeeded, 3, null]);
  });

  it('records the failure with its message after the last attempt', async () => {
    await wb.datasets.ingestCustomers({ dataset: 'retail', text: sample });
    await wb.segmentations.create({
      name: 'broken',
      plugin: 'test-split-median',
      params: { crash: 'always' },
      dataset: 'retail',
    });
    const run = await wb.runs.waitFor((await wb.runs.submit('broken')).id);
    expect([run.status, run.attempts]).toEqual([RunStatus.Failed, 3]);
    expect(run.error).toMatch(/^planned failure 3 of run /);
    await expect(wb.runs.segments(run.id)).resolves.toEqual([]);
  });

  it('leaves exactly one set of results when a job is processed again', async () => {
    await wb.datasets.ingestCustomers({ dataset: 'retail', text: sample });
    await wb.segmentations.create({ name: 'twice', plugin: 'test-split-median', dataset: 'retail' });
    const run = await wb.runs.waitFor((await wb.runs.submit('twice')).id);
    const job = { queue: 'train' as const, id: run.id, attempt: 2, maxAttempts: 3, progress: async () => undefined };
    await wb.runProcessor.process(job);
    expect(await wb.runs.segments(run.id)).toHaveLength(2);
    expect((await wb.runs.kpis(run.id)).filter((k) => k.kpi === 'customers')).toHaveLength(3);
  });

  it('refuses params the plugin rejects before anything is queued', async () => {
    await wb.datasets.ingestCustomers({ dataset: 'retail', text: sample });
    await expect(
      wb.segmentations.create({ name: 'bad', plugin: 'test-split-median', params: { feature: 3 }, dataset: 'retail' }),
    ).rejects.toThrow("invalid params for 'test-split-median': feature: feature must be a string");
  });
});

describe('an interrupted embedded worker', () => {
  it('finishes a run left running when the process stopped', async () => {
    const home = mkdtempSync(join(tmpdir(), 'wb-services-'));
    const config = loadConfig({}, { home, jobBackoffMs: 5 });
    const first = await createWorkbench(config, { plugins: [splitAtMedian], logger: quiet });
    await first.datasets.ingestCustomers({ dataset: 'retail', text: sample });
    await first.segmentations.create({
      name: 'slow',
      plugin: 'test-split-median',
      params: { stepDelayMs: 50 },
      dataset: 'retail',
    });
    await first.startWorker();
    const queued = await first.runs.submit('slow');
    for (
      let run = await first.runs.get(queued.id);
      !(run.status === RunStatus.Running && run.progress >= 0.2);
      run = await first.runs.get(queued.id)
    ) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await first.close(); // stops the process mid-run: the plugin is aborted half-way
    const second = await createWorkbench(config, { plugins: [splitAtMedian], logger: quiet });
    expect((await second.runs.get(queued.id)).status).toBe(RunStatus.Queued);
    await second.startWorker();
    const run = await second.runs.waitFor(queued.id);
    expect(run.status).toBe(RunStatus.Succeeded);
    expect(await second.runs.segments(run.id)).toHaveLength(2);
    await second.close();
  });
});

/** What a run left in the database besides its row: nothing, for a cancelled run. */
async function storedOf(wb: Workbench, runId: string): Promise<number[]> {
  const em = wb.orm.em.fork();
  return [
    await em.count(Assignment, { run: runId }),
    await em.count(Segment, { run: runId }),
    await em.count(KpiValue, { run: runId }),
  ];
}

describe('cancelling a run (embedded)', () => {
  let wb: Workbench;
  afterEach(async () => {
    await wb.close();
  });

  it('stops a running plugin through ctx.signal, stores nothing and does not run the job again', async () => {
    const logged: string[] = [];
    const config = loadConfig(
      {},
      { home: mkdtempSync(join(tmpdir(), 'wb-services-')), jobAttempts: 3, jobBackoffMs: 5 },
    );
    wb = await createWorkbench(config, {
      plugins: [splitAtMedian],
      logger: { ...quiet, log: (m: string) => logged.push(m) },
    });
    wb.runProcessor.cancelPollMs = 50;
    await wb.startWorker();
    await wb.datasets.ingestCustomers({ dataset: 'retail', text: sample });
    // Four steps of 1.5 s: the cancel lands long before the plugin could finish.
    await wb.segmentations.create({
      name: 'slow',
      plugin: 'test-split-median',
      params: { stepDelayMs: 1500 },
      dataset: 'retail',
    });
    const queued = await wb.runs.submit('slow');
    for (
      let run = await wb.runs.get(queued.id);
      !(run.status === RunStatus.Running && run.progress >= 0.2);
      run = await wb.runs.get(queued.id)
    ) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const cancelled = await wb.runs.cancel(queued.id);
    expect(cancelled.status).toBe(RunStatus.Cancelled);
    await wb.queue.whenIdle('train');
    const after = await wb.runs.get(queued.id);
    expect([after.status, after.attempts, after.error, after.progress < 1]).toEqual([
      RunStatus.Cancelled,
      1,
      null,
      true,
    ]);
    expect(await storedOf(wb, queued.id)).toEqual([0, 0, 0]);
    // The plugin itself stopped: its throwIfAborted(ctx.signal) threw with the cancel as the reason.
    expect(logged).toContain(
      `run ${queued.id} (test-split-median): cancelled, attempt 1 stopped (run aborted: the run was cancelled)`,
    );
    expect(await wb.queue.depth('train')).toEqual({ waiting: 0, active: 0, delayed: 0 });
    await expect(wb.runs.cancel(queued.id)).rejects.toThrow(
      new ConflictError('run slow v1 is already cancelled; only a queued or running run can be cancelled'),
    );
  }, 30_000);

  it('takes a queued run off the queue so it never starts', async () => {
    const config = loadConfig({}, { home: mkdtempSync(join(tmpdir(), 'wb-services-')), jobBackoffMs: 5 });
    wb = await createWorkbench(config, { plugins: [splitAtMedian], logger: quiet });
    await wb.datasets.ingestCustomers({ dataset: 'retail', text: sample });
    await wb.segmentations.create({
      name: 'by-spend',
      plugin: 'test-split-median',
      params: { feature: 'monetary' },
      dataset: 'retail',
    });
    const queued = await wb.runs.submit('by-spend');
    expect((await wb.queue.depth('train')).waiting).toBe(1);
    await wb.runs.cancel('by-spend@latest');
    expect((await wb.queue.depth('train')).waiting).toBe(0);
    await wb.startWorker();
    await wb.queue.whenIdle();
    const run = await wb.runs.get(queued.id);
    expect([run.status, run.attempts, run.startedAt]).toEqual([RunStatus.Cancelled, 0, null]);
    expect(await storedOf(wb, queued.id)).toEqual([0, 0, 0]);
  });

  it('refuses a finished run with its status, and an unknown one', async () => {
    wb = await embedded();
    await wb.datasets.ingestCustomers({ dataset: 'retail', text: sample });
    await wb.segmentations.create({
      name: 'by-spend',
      plugin: 'test-split-median',
      params: { feature: 'monetary' },
      dataset: 'retail',
    });
    const run = await wb.runs.waitFor((await wb.runs.submit('by-spend')).id);
    expect(run.status).toBe(RunStatus.Succeeded);
    await expect(wb.runs.cancel(run.id)).rejects.toThrow(
      new ConflictError('run by-spend v1 is already succeeded; only a queued or running run can be cancelled'),
    );
    expect((await wb.orm.em.fork().findOneOrFail(Run, { id: run.id })).status).toBe(RunStatus.Succeeded);
    await expect(wb.runs.cancel('no-such-run')).rejects.toBeInstanceOf(NotFoundError);
  });
});
