import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Bull from 'bull';
import { randomQueuePrefix, requireRedis, testRedisUrl } from '@workbench/jobs/testing';
import { Run, RunStatus } from '@workbench/persistence';
import { createTestDatabase, type TestDatabase } from '@workbench/persistence/testing';
import { loadConfig, type WorkbenchConfig } from './config';
import type { JobAttempt } from './job-processor';
import { splitAtMedian } from './testing';
import { createWorkbench, type Workbench } from './workbench';

const sample = readFileSync(join(__dirname, '../../../samples/online-retail-customers.csv'), 'utf8');
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** An API process's workbench (no worker), and the training attempts any worker of it makes. */
async function open(config: WorkbenchConfig): Promise<{ wb: Workbench; attempts: JobAttempt[] }> {
  const wb = await createWorkbench(config, { plugins: [splitAtMedian], logger: quiet });
  const attempts: JobAttempt[] = [];
  wb.observeJobs({ attemptFinished: (a) => void attempts.push(a) });
  return { wb, attempts };
}

/** A run recorded as queued whose job the queue does not have (as after Redis restarted empty). */
const lostRun = async (wb: Workbench) => (await wb.runs.create('by-spend', { seed: 1 })).id;

const setups: [string, () => Promise<{ config: WorkbenchConfig; drop: () => Promise<void> }>][] = [
  [
    'PostgreSQL and Bull',
    async () => {
      await requireRedis(testRedisUrl());
      const db: TestDatabase = await createTestDatabase('postgresql');
      const home = mkdtempSync(join(tmpdir(), 'wb-reconcile-'));
      const config = loadConfig(
        {},
        {
          home,
          databaseUrl: db.url,
          redisUrl: testRedisUrl(),
          queuePrefix: randomQueuePrefix('reconcile'),
          jobBackoffMs: 10,
          runDeadlineSeconds: 3600,
        },
      );
      return { config, drop: () => db.drop() };
    },
  ],
  [
    'embedded SQLite and the in-process queue',
    async () => {
      const config = loadConfig(
        {},
        { home: mkdtempSync(join(tmpdir(), 'wb-reconcile-')), jobBackoffMs: 10, runDeadlineSeconds: 3600 },
      );
      return { config, drop: async () => undefined };
    },
  ],
];

describe.each(setups)('the reconciler on %s', (_name, setup) => {
  let config: WorkbenchConfig;
  let drop: () => Promise<void>;
  let wb: Workbench;
  let attempts: JobAttempt[];

  beforeEach(async () => {
    ({ config, drop } = await setup());
    ({ wb, attempts } = await open(config));
    await wb.datasets.ingestCustomers({ dataset: 'retail', text: sample });
    await wb.segmentations.create({
      name: 'by-spend',
      plugin: 'test-split-median',
      params: { feature: 'monetary' },
      dataset: 'retail',
    });
  });
  afterEach(async () => {
    await wb?.close();
    await drop?.();
  });

  it('re-queues a queued run whose job is gone, which is then trained once; the next pass does nothing', async () => {
    const id = await lostRun(wb);
    const queued = await wb.runs.submit('by-spend', { seed: 2 });

    expect(await wb.reconciler.reconcile()).toEqual({ requeued: [`train/${id}`], expired: [] });
    await wb.startWorker();
    const [lost, other] = [await wb.runs.waitFor(id), await wb.runs.waitFor(queued.id)];
    expect([lost.status, lost.attempts, other.status]).toEqual([RunStatus.Succeeded, 1, RunStatus.Succeeded]);
    expect(await wb.reconciler.reconcile()).toEqual({ requeued: [], expired: [] });
    await wb.queue.whenIdle();
    expect(attempts.filter((a) => a.queue === 'train').map((a) => a.outcome)).toEqual(['succeeded', 'succeeded']);
  });

  it('leaves a running run with a fresh heartbeat alone, and re-queues it once the heartbeat is a minute old', async () => {
    const id = await lostRun(wb);
    const em = wb.orm.em.fork();
    await em.nativeUpdate(Run, { id }, { status: RunStatus.Running, heartbeatAt: new Date() });
    expect(await wb.reconciler.reconcile()).toEqual({ requeued: [], expired: [] });

    await em.nativeUpdate(Run, { id }, { heartbeatAt: new Date(Date.now() - 61_000) });
    expect(await wb.reconciler.reconcile()).toEqual({ requeued: [`train/${id}`], expired: [] });
    await wb.startWorker();
    expect((await wb.runs.waitFor(id)).status).toBe(RunStatus.Succeeded);
  });

  it('fails a run past its deadline once, with the reason, and its job then leaves it failed and untrained', async () => {
    const id = (await wb.runs.submit('by-spend', { seed: 1 })).id;
    const later = new Date(Date.now() + 3601_000);

    expect(await wb.reconciler.reconcile(later)).toEqual({ requeued: [], expired: [`train/${id}`] });
    expect(await wb.reconciler.reconcile(later)).toEqual({ requeued: [], expired: [] });
    await wb.startWorker();
    await wb.queue.whenIdle();
    const run = await wb.runs.get(id);
    expect([run.status, run.error]).toEqual([
      RunStatus.Failed,
      'not finished within 3600 s of being submitted (WORKBENCH_RUN_DEADLINE_S); stopped waiting for it',
    ]);
    expect(await wb.runs.segments(id)).toEqual([]);
    expect(attempts).toEqual([]);
  });
});

describe('two API processes reconciling one PostgreSQL and one Bull queue at once', () => {
  let db: TestDatabase;
  const opened: Workbench[] = [];

  afterAll(async () => {
    for (const wb of opened) await wb.close();
    await db?.drop();
  });

  it('re-queue each lost run once between them, and it is trained once', async () => {
    await requireRedis(testRedisUrl());
    db = await createTestDatabase('postgresql');
    // One shared home (the artifact store), as scaled-out processes have.
    const config = loadConfig(
      {},
      {
        home: mkdtempSync(join(tmpdir(), 'wb-reconcile-')),
        databaseUrl: db.url,
        redisUrl: testRedisUrl(),
        queuePrefix: randomQueuePrefix('reconcile2'),
        jobBackoffMs: 10,
      },
    );
    const a = await open(config);
    const b = await open(config);
    opened.push(a.wb, b.wb);
    await a.wb.datasets.ingestCustomers({ dataset: 'retail', text: sample });
    await a.wb.segmentations.create({
      name: 'by-spend',
      plugin: 'test-split-median',
      params: { feature: 'monetary' },
      dataset: 'retail',
    });
    const ids = [await lostRun(a.wb), await lostRun(a.wb), await lostRun(a.wb)];

    const [ra, rb] = await Promise.all([a.wb.reconciler.reconcile(), b.wb.reconciler.reconcile()]);
    // Both may enqueue an id; Bull keeps one job per id.
    expect(new Set([...ra.requeued, ...rb.requeued])).toEqual(new Set(ids.map((id) => `train/${id}`)));
    const inspector = new Bull('train', testRedisUrl(), { prefix: config.queuePrefix });
    try {
      expect((await inspector.getWaiting()).map((j) => j.id).sort()).toEqual([...ids].sort());
    } finally {
      await inspector.close();
    }
    await a.wb.startWorker();
    await b.wb.startWorker();
    for (const id of ids) expect((await a.wb.runs.waitFor(id)).status).toBe(RunStatus.Succeeded);
    await Promise.all([a.wb.queue.whenIdle(), b.wb.queue.whenIdle()]);
    expect([...a.attempts, ...b.attempts].filter((t) => t.queue === 'train')).toHaveLength(3);
  });
});
