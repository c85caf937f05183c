import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config';
import { splitAtMedian } from './testing';
import { createWorkbench, type Workbench } from './workbench';

const sample = readFileSync(join(__dirname, '../../../samples/online-retail-customers.csv'), 'utf8');
// New data: 300 customers fewer, everyone else spending 10% more.
const batch2 = sample
  .trim()
  .split('\n')
  .slice(0, -300)
  .map((line, i) => (i === 0 ? line : line.replace(/,([\d.]+)$/, (_, m: string) => `,${(Number(m) * 1.1).toFixed(2)}`)))
  .join('\n');
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

async function settle(wb: Workbench): Promise<void> {
  await wb.queue.whenIdle();
}

// Each retrain trains and compares on 4,339 customers: seconds on a busy machine.
jest.setTimeout(60_000);

describe('retrain policies (embedded: SQLite and the in-process queue)', () => {
  let wb: Workbench;
  let hook: Server;
  const received: unknown[] = [];
  let failFirst = true;

  beforeAll(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        if (failFirst) {
          failFirst = false;
          res.writeHead(503).end();
          return;
        }
        received.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    wb = await createWorkbench(
      loadConfig(
        { WORKBENCH_WEBHOOK_ALLOW: '127.0.0.1' },
        { home: mkdtempSync(join(tmpdir(), 'wb-retrain-')), jobBackoffMs: 5 },
      ),
      { plugins: [splitAtMedian], logger: quiet },
    );
    await wb.startWorker();
    await wb.datasets.ingestCustomers({ dataset: 'retail', text: sample });
    await wb.segmentations.create({
      name: 'by-spend',
      plugin: 'test-split-median',
      params: { feature: 'monetary' },
      dataset: 'retail',
    });
  });
  afterAll(async () => {
    await wb.close();
    hook.close();
  });

  it('refuses a rule or a schedule it cannot read, naming the problem', async () => {
    await expect(
      wb.retrain.createPolicy({ segmentation: 'by-spend', trigger: 'dataset', rule: 'ari >= high' }, 't'),
    ).rejects.toThrow(/^rule: at column 8: expected a number after '>=', found 'high'/);
    await expect(
      wb.retrain.createPolicy(
        { segmentation: 'by-spend', trigger: 'cron', cron: '61 * * * *', rule: 'ari >= 0.5' },
        't',
      ),
    ).rejects.toThrow(/^cron: /);
  });

  it('retrains once per new dataset version: the first result becomes champion, the next is compared and promoted', async () => {
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/events`;
    await wb.retrain.createPolicy(
      { segmentation: 'by-spend', trigger: 'dataset', rule: 'ari >= 0.5 and max_psi <= 5', webhookUrl: url },
      'alice',
    );
    // Re-uploading v1 fires the trigger for v1, twice in a row: one retrain.
    await wb.datasets.ingestCustomers({ dataset: 'retail', text: sample });
    await wb.datasets.ingestCustomers({ dataset: 'retail', text: sample });
    await settle(wb);
    let requests = await wb.retrain.listRequests('by-spend');
    expect(requests.map((r) => [r.status, r.run?.version])).toEqual([['promoted', 1]]);
    expect((await wb.runs.resolve('by-spend@champion')).version).toBe(1);

    const v2 = await wb.datasets.ingestCustomers({ dataset: 'retail', text: batch2 });
    await wb.retrain.onNewDatasetVersion(v2.version); // a retried ingest event
    await settle(wb);
    requests = await wb.retrain.listRequests('by-spend');
    expect(requests.map((r) => [r.status, r.run?.version, r.champion?.version ?? null])).toEqual([
      ['promoted', 1, null],
      ['promoted', 2, 1],
    ]);
    expect((await wb.segmentations.runs('by-spend')).map((r) => r.version)).toEqual([1, 2]);
    const outcome = requests[1].outcome as { clauses: { text: string; passed: boolean }[] };
    expect(outcome.clauses.map((c) => [c.text, c.passed])).toEqual([
      ['ari >= 0.5', true],
      ['max_psi <= 5', true],
    ]);
    const drift = requests[1].drift as { features: { feature: string; psi: number }[] };
    // Spend went up 10% for everyone: monetary drifts, recency does not.
    expect(drift.features.find((f) => f.feature === 'monetary')!.psi).toBeGreaterThan(0.01);
    expect(drift.features.find((f) => f.feature === 'recency_days')!.psi).toBeLessThan(0.01);
    expect((await wb.runs.resolve('by-spend@champion')).version).toBe(2);
    const events = await wb.retrain.events();
    expect(events.map((e) => e.kind)).toEqual(['retrain.promoted', 'retrain.promoted']);
    // The first delivery got a 503 and was retried.
    expect(received).toHaveLength(2);
    expect(events.every((e) => e.webhookStatus === 'delivered')).toBe(true);
  }, 60_000); // two trainings, a comparison and a webhook: seconds on a busy machine

  it('flags a candidate that fails the rule, spelling out the failing clause', async () => {
    await wb.segmentations.create({
      name: 'strict',
      plugin: 'test-split-median',
      params: { feature: 'frequency' },
      dataset: 'retail',
    });
    await wb.aliases.move(
      'strict',
      'champion',
      (await wb.runs.waitFor((await wb.runs.submit('strict', { datasetVersion: 1 })).id)).id,
      'alice',
    );
    // Same data, deterministic plugin: the candidate equals the champion, so ARI passes and the drift clause fails.
    await wb.retrain.createPolicy(
      { segmentation: 'strict', trigger: 'dataset', rule: 'ari >= 0.9 and max_psi >= 0.5' },
      'alice',
    );
    const [request] = await wb.retrain.manual('strict');
    await settle(wb);
    const done = await wb.retrain.getRequest(request.id);
    if (done.status === 'failed') throw new Error(String(done.error));
    expect(done.status).toBe('flagged');
    const failing = (done.outcome as { failing: string[] }).failing;
    expect(failing).toEqual([expect.stringMatching(/^max_psi >= 0\.5 \(was 0\.\d+\)$/)]);
    expect((await wb.runs.resolve('strict@candidate')).id).toBe(done.run?.id);
    expect((await wb.runs.resolve('strict@champion')).version).toBe(1);
  });

  it('fires a cron policy once per scheduled time, however often the scheduler ticks', async () => {
    await wb.segmentations.create({
      name: 'nightly',
      plugin: 'test-split-median',
      params: { feature: 'recency_days' },
      dataset: 'retail',
    });
    const policy = await wb.retrain.createPolicy(
      { segmentation: 'nightly', trigger: 'cron', cron: '0 3 * * *', rule: 'ari >= 0' },
      'alice',
    );
    const day = new Date(policy.createdAt.getTime() + 86_400_000);
    const at = (h: number, m: number) =>
      new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), h, m));
    await Promise.all([wb.retrain.tick(at(3, 0)), wb.retrain.tick(at(3, 0)), wb.retrain.tick(at(3, 20))]);
    await settle(wb);
    await wb.retrain.tick(at(9, 0)); // still the 03:00 tick
    await settle(wb);
    expect((await wb.retrain.listRequests('nightly')).map((r) => [r.triggerKey, r.status])).toEqual([
      [`cron:${at(3, 0).toISOString()}`, 'promoted'],
    ]);
    expect(await wb.segmentations.runs('nightly')).toHaveLength(1);
  });
});
