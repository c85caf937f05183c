import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStatus, type StoredArtifact } from '@workbench/persistence';
import { createTestDatabase, type TestDatabase } from '@workbench/persistence/testing';
import { loadConfig } from './config';
import { splitAtMedian } from './testing';
import { createWorkbench, type Workbench } from './workbench';

const csv = `customer_id,monetary\n${Array.from({ length: 50 }, (_, i) => `c${i},${i}`).join('\n')}\n`;
const HOUR = 3600_000;

/** A refusal of assignment rows by the database itself: a run then fails after storing its model and assignments. */
const REFUSE_ASSIGNMENTS = {
  postgresql: `alter table "assignment" add constraint "test_refuses_assignments" check ("segment_key" < 0) not valid`,
  sqlite:
    "create trigger test_refuses_assignments before insert on assignment begin select raise(abort, 'test_refuses_assignments'); end",
};
const ALLOW_ASSIGNMENTS = {
  postgresql: `alter table "assignment" drop constraint "test_refuses_assignments"`,
  sqlite: 'drop trigger test_refuses_assignments',
};

describe.each(['sqlite', 'postgresql'] as const)('collecting artifacts no row references (%s)', (kind) => {
  let db: TestDatabase;
  let wb: Workbench;
  const home = mkdtempSync(join(tmpdir(), 'wb-gc-'));
  const stored = async () => {
    const all: StoredArtifact[] = [];
    for await (const a of wb.artifacts.list()) all.push(a);
    return all;
  };
  const keys = async () => (await stored()).map((a) => a.key).sort();
  /** Makes the artifacts look stored `hours` ago, as a failed run's leftovers are by the time someone collects. */
  const age = (artifactKeys: string[], hours: number) => {
    const then = new Date(Date.now() - hours * HOUR);
    for (const key of artifactKeys) utimesSync(join(home, 'artifacts', key.slice(0, 2), key.slice(2)), then, then);
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    wb = await createWorkbench(loadConfig({}, { home, databaseUrl: db.url, jobBackoffMs: 5, jobAttempts: 1 }), {
      plugins: [splitAtMedian],
      logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
    });
    await wb.startWorker();
    await wb.datasets.ingestCustomers({ dataset: 'small', text: csv });
    await wb.segmentations.create({
      name: 'split',
      plugin: 'test-split-median',
      dataset: 'small',
      params: { feature: 'monetary' },
    });
    // Other customers, so the run that fails stores a model and assignments of its own.
    await wb.datasets.ingestCustomers({
      dataset: 'other',
      text: `customer_id,monetary\n${Array.from({ length: 50 }, (_, i) => `d${i},${3 * i + 1}`).join('\n')}\n`,
    });
    await wb.segmentations.create({
      name: 'split-other',
      plugin: 'test-split-median',
      dataset: 'other',
      params: { feature: 'monetary' },
    });
  }, 60_000);
  afterAll(async () => {
    await wb?.close();
    await db?.drop();
  });

  it("removes a failed run's model and assignments once past the grace period, and nothing any row references", async () => {
    const good = await wb.runs.waitFor((await wb.runs.submit('split', { seed: 1 })).id);
    expect(good.status).toBe(RunStatus.Succeeded);
    const kept = await keys(); // the two datasets' content, the good run's model and assignments
    expect(kept).toHaveLength(4);

    await wb.orm.em.getConnection().execute(REFUSE_ASSIGNMENTS[kind]);
    const failed = await wb.runs.waitFor((await wb.runs.submit('split-other', { seed: 2 })).id);
    await wb.orm.em.getConnection().execute(ALLOW_ASSIGNMENTS[kind]);
    expect(failed.status).toBe(RunStatus.Failed);
    const leftovers = (await keys()).filter((k) => !kept.includes(k));
    expect(leftovers).toHaveLength(2); // its model and assignments, stored before the rows that were to name them

    // Within the grace period they stay: a run in flight stores its artifacts before recording them.
    expect(await wb.artifactCollector.collect({ graceMs: HOUR })).toMatchObject({
      artifacts: 6,
      referenced: 4,
      recent: 2,
      removed: 0,
    });
    age([...kept, ...leftovers], 2);
    const bytes = (await stored()).filter((a) => leftovers.includes(a.key)).reduce((sum, a) => sum + a.bytes, 0);
    expect(await wb.artifactCollector.collect({ graceMs: HOUR, dryRun: true })).toMatchObject({
      removed: 2,
      bytesFreed: bytes,
      dryRun: true,
    });
    expect(await keys()).toEqual([...kept, ...leftovers].sort());

    expect(await wb.artifactCollector.collect({ graceMs: HOUR })).toMatchObject({
      artifacts: 6,
      referenced: 4,
      recent: 0,
      removed: 2,
      bytesFreed: bytes,
    });
    expect(await keys()).toEqual(kept);
    // The good run is whole: its model and assignments read back.
    expect((await wb.runs.segments(good.id)).reduce((sum, s) => sum + s.size, 0)).toBe(50);
    expect(await wb.artifacts.has(good.modelArtifactKey as string)).toBe(true);
    expect(await wb.artifacts.has(good.assignmentsArtifactKey as string)).toBe(true);
  }, 120_000);

  it('removes the content a killed process left written aside once past the grace period, and keeps one being written', async () => {
    const dir = join(home, 'artifacts');
    const old = join(dir, '4242.0123456789ab.tmp');
    const live = join(dir, '4243.0123456789ab.tmp');
    writeFileSync(old, 'x'.repeat(1000));
    writeFileSync(live, 'y'.repeat(10));
    const then = new Date(Date.now() - 48 * HOUR);
    utimesSync(old, then, then);
    const before = await keys();
    expect(await wb.artifactCollector.collect({ graceMs: HOUR, dryRun: true })).toMatchObject({
      unfinishedPuts: 1,
      bytesFreed: 1000,
    });
    expect(existsSync(old)).toBe(true);
    expect(await wb.artifactCollector.collect({ graceMs: HOUR })).toMatchObject({
      removed: 0,
      unfinishedPuts: 1,
      bytesFreed: 1000,
    });
    expect([existsSync(old), existsSync(live)]).toEqual([false, true]);
    expect(await keys()).toEqual(before);
    rmSync(live);
  });

  it('keeps an old unreferenced artifact whose content is stored again, as a new run with an old model would', async () => {
    const key = await wb.artifacts.put(Buffer.from(`orphan ${kind}`));
    age([key], 48);
    await wb.artifacts.put(Buffer.from(`orphan ${kind}`));
    expect(await wb.artifactCollector.collect({ graceMs: HOUR })).toMatchObject({ removed: 0, recent: 1 });
    expect(await wb.artifacts.has(key)).toBe(true);
  });
});
