import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IngestError } from '@workbench/data';
import { decodeAssignments } from '@workbench/engine';
import { RunStatus } from '@workbench/persistence';
import { loadConfig } from './config';
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
    const changed = await wb.datasets.ingestCustomers({ dataset: 'retail', text: sample.split('\n').slice(0, -2).join('\n') });
    expect([changed.created, changed.version.version]).toEqual([true, 2]);
  });

  it('stores nothing when a file is refused', async () => {
    await expect(wb.datasets.ingestCustomers({ dataset: 'retail', text: 'customer_id,x\n1,2\n1,3\n' })).rejects.toBeInstanceOf(IngestError);
    await expect(wb.datasets.list()).resolves.toEqual([]);
  });

  it('runs a segmentation through the queue and stores segments, KPIs and assignments', async () => {
    await wb.datasets.ingestCustomers({ dataset: 'retail', text: sample });
    await wb.segmentations.create({ name: 'by-spend', plugin: 'test-split-median', params: { feature: 'monetary' }, dataset: 'retail' });
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
    await wb.segmentations.create({ name: 'flaky', plugin: 'test-split-median', params: { failTimes: 2 }, dataset: 'retail' });
    const run = await wb.runs.waitFor((await wb.runs.submit('flaky')).id);
    expect([run.status, run.attempts, run.error]).toEqual([RunStatus.Succeeded, 3, null]);
  });

  it('records the failure with its message after the last attempt', async () => {
    await wb.datasets.ingestCustomers({ dataset: 'retail', text: sample });
    await wb.segmentations.create({ name: 'broken', plugin: 'test-split-median', params: { crash: 'always' }, dataset: 'retail' });
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
    await expect(wb.segmentations.create({ name: 'bad', plugin: 'test-split-median', params: { feature: 3 }, dataset: 'retail' })).rejects.toThrow(
      "invalid params for 'test-split-median': feature: feature must be a string",
    );
  });
});

describe('an interrupted embedded worker', () => {
  it('finishes a run left running when the process stopped', async () => {
    const home = mkdtempSync(join(tmpdir(), 'wb-services-'));
    const config = loadConfig({}, { home, jobBackoffMs: 5 });
    const first = await createWorkbench(config, { plugins: [splitAtMedian], logger: quiet });
    await first.datasets.ingestCustomers({ dataset: 'retail', text: sample });
    await first.segmentations.create({ name: 'slow', plugin: 'test-split-median', params: { stepDelayMs: 50 }, dataset: 'retail' });
    await first.startWorker();
    const queued = await first.runs.submit('slow');
    for (let run = await first.runs.get(queued.id); !(run.status === RunStatus.Running && run.progress >= 0.2); run = await first.runs.get(queued.id)) {
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
