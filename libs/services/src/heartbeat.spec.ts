import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Run, RunStatus } from '@workbench/persistence';
import { createTestDatabase, type TestDatabase } from '@workbench/persistence/testing';
import { loadConfig } from './config';
import { startHeartbeat } from './owned-job-queue';
import { runParents, runRow } from './testing';
import { createWorkbench, type Workbench } from './workbench';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > 10_000) throw new Error(`still not ${what} after 10 s`);
    await sleep(10);
  }
}

describe('startHeartbeat', () => {
  it('beats every interval, but never while the last beat is still running', async () => {
    let calls = 0;
    let release: () => void = () => undefined;
    const stop = startHeartbeat(
      () => {
        calls++;
        return new Promise<void>((resolve) => (release = resolve));
      },
      10,
      true,
    );
    try {
      expect(calls).toBe(1); // at once
      await sleep(150); // ~15 intervals
      expect(calls).toBe(1);
      release();
      await until(() => calls === 2, 'beating again');
    } finally {
      stop();
      release();
    }
  });

  it('keeps beating after a beat fails', async () => {
    let calls = 0;
    const stop = startHeartbeat(async () => {
      calls++;
      throw new Error('the database is away');
    }, 10);
    try {
      await until(() => calls >= 3, 'beating after failures');
    } finally {
      stop();
    }
  });
});

// What the fix is for: a run's results transaction holds its row while its assignment rows are written (over a minute
// for 10M on PostgreSQL). Heartbeats, one every interval and each waiting on the row with a pool connection of its
// own, drained the pool of 10, and the process's other queries failed ("Timeout acquiring a connection").
describe('a heartbeat on PostgreSQL while a transaction holds its row', () => {
  let db: TestDatabase;
  let wb: Workbench;
  let runId: string;

  beforeAll(async () => {
    db = await createTestDatabase('postgresql');
    wb = await createWorkbench(
      loadConfig({}, { home: mkdtempSync(join(tmpdir(), 'wb-heartbeat-')), databaseUrl: db.url }),
      { plugins: [] },
    );
    const em = wb.orm.em.fork();
    const run = runRow(em, runParents(em, 1), { version: 1, status: RunStatus.Running });
    await em.flush();
    runId = run.id;
  });
  afterAll(async () => {
    await wb?.close();
    await db?.drop();
  });

  it('waits with one connection, not one per interval, and beats on once the row is free', async () => {
    const holder = wb.orm.em.fork();
    await holder.begin();
    let stop: () => void = () => undefined;
    try {
      await holder.nativeUpdate(Run, { id: runId }, { progressNote: 'storing results' }); // the row is held from here
      let started = 0;
      let finished = 0;
      // The update RunProcessor's beat makes, every 20 ms: 25 intervals while the row is held.
      stop = startHeartbeat(async () => {
        started++;
        await wb.orm.em.fork().nativeUpdate(Run, { id: runId, status: RunStatus.Running }, { heartbeatAt: new Date() });
        finished++;
      }, 20);
      await sleep(500);
      expect([started, finished]).toEqual([1, 0]);
      const rows = await wb.orm.em
        .fork()
        .getConnection()
        .execute<
          { waiting: number }[]
        >(`select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
      expect(rows[0].waiting).toBe(1);
      // The pool has connections to spare: a read gets one at once.
      expect(await wb.orm.em.fork().count(Run, {})).toBe(1);
      await holder.commit();
      await until(() => finished >= 2, 'beating after the commit');
      const run = await wb.orm.em.fork().findOneOrFail(Run, { id: runId });
      expect(run.progressNote).toBe('storing results');
      expect(run.heartbeatAt).toBeInstanceOf(Date);
    } finally {
      stop();
      if (holder.isInTransaction()) await holder.rollback();
    }
  });
});
