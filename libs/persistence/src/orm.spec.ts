import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ForeignKeyConstraintViolationException,
  MikroORM,
  type Options,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import { createTestDatabase, type TestDatabase } from './testing';
import { ApiKey, Dataset, DatasetVersion, KpiValue, Run, RunStatus, Segment, Segmentation } from './entities';
import {
  buildOrmConfig,
  createOrm,
  databaseKind,
  isPostgresUrl,
  migrateUp,
  SQLITE_BUSY_TIMEOUT_MS,
  waitForMigrations,
} from './orm';
import { POSTGRESQL_MIGRATIONS } from './migrations/postgresql';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';
import { CHECKPOINT_EVERY_MS, COMMIT_CHECKPOINT_PAGES } from './sqlite-checkpoints';

jest.setTimeout(30_000);

describe.each(['sqlite', 'postgresql'] as const)('persistence on %s', (kind) => {
  let db: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    orm = await createOrm({ databaseUrl: db.url, sqlitePath: db.sqlitePath });
    await migrateUp(orm);
  });

  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  async function seedRun(): Promise<Run> {
    const em = orm.em.fork();
    const suffix = Math.random().toString(36).slice(2);
    const dataset = em.create(Dataset, { name: `customers-${suffix}` });
    const datasetVersion = em.create(DatasetVersion, {
      dataset,
      version: 1,
      contentHash: `hash-${suffix}`,
      kind: 'customers',
      rowCount: 3,
      rejectedCount: 0,
      schema: [{ name: 'age', type: 'number' }],
      stats: { age: { mean: 40 } },
      report: { warnings: [] },
      artifactKey: 'a'.repeat(64),
    });
    const segmentation = em.create(Segmentation, {
      name: `seg-${suffix}`,
      pluginName: 'kmeans',
      params: { k: 2 },
      features: ['age'],
      dataset,
    });
    const run = em.create(Run, {
      segmentation,
      version: 1,
      datasetVersion,
      pluginName: 'kmeans',
      pluginVersion: '1.0.0',
      params: { k: 2 },
      seed: 42,
    });
    await em.flush();
    return run;
  }

  it('connects to the requested platform', () => {
    expect(databaseKind(orm)).toBe(kind);
  });

  it('leaves no difference between the migrated schema and the entities', async () => {
    const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false });
    expect(diff.trim()).toBe('');
  });

  it('treats a second migrateUp as a no-op', async () => {
    await migrateUp(orm);
    const migrator = orm.getMigrator();
    expect(await migrator.getPendingMigrations()).toEqual([]);
    expect((await migrator.getExecutedMigrations()).map((m) => m.name)).toEqual(
      (kind === 'sqlite' ? SQLITE_MIGRATIONS : POSTGRESQL_MIGRATIONS).map((m) => m.name),
    );
  });

  it('round-trips a run with its json fields, defaults and dates', async () => {
    const run = await seedRun();
    const em = orm.em.fork();
    const stored = await em.findOneOrFail(Run, run.id);
    stored.status = RunStatus.Succeeded;
    stored.progress = 1;
    stored.metrics = { inertia: 12.5, silhouette: 0.61, perK: [1, 2.5], nested: { ok: true, none: null } };
    stored.finishedAt = new Date('2026-11-25T10:00:00.123Z');
    await em.flush();

    const reread = await orm.em.fork().findOneOrFail(Run, run.id, { populate: ['segmentation', 'datasetVersion'] });
    expect(reread.params).toEqual({ k: 2 });
    expect(reread.metrics).toEqual({
      inertia: 12.5,
      silhouette: 0.61,
      perK: [1, 2.5],
      nested: { ok: true, none: null },
    });
    expect(reread.status).toBe(RunStatus.Succeeded);
    expect(reread.progress).toBe(1);
    expect(typeof reread.progress).toBe('number');
    expect(reread.attempts).toBe(0);
    expect(reread.error).toBeNull();
    expect(reread.finishedAt).toEqual(new Date('2026-11-25T10:00:00.123Z'));
    expect(reread.queuedAt).toBeInstanceOf(Date);
    expect(reread.segmentation.features).toEqual(['age']);
    expect(reread.segmentation.nextVersion).toBe(1);
    expect(reread.datasetVersion.schema).toEqual([{ name: 'age', type: 'number' }]);
  });

  it('stores overall and per-segment KPI values with nullable numbers', async () => {
    const run = await seedRun();
    const em = orm.em.fork();
    const runRef = em.getReference(Run, run.id);
    em.create(KpiValue, {
      run: runRef,
      segmentKey: null,
      kpi: 'revenue',
      value: 1234.5,
      unit: 'EUR',
      lowerBound: 1000.25,
      upperBound: 1500.75,
      n: 3,
    });
    em.create(KpiValue, { run: runRef, segmentKey: 0, kpi: 'revenue', value: null, unit: 'EUR', note: 'no rows' });
    await em.flush();

    const values = await orm.em.fork().find(KpiValue, { run: run.id }, { orderBy: { segmentKey: 'asc nulls first' } });
    expect(values.map((v) => [v.segmentKey, v.value, v.lowerBound ?? null, v.n ?? null])).toEqual([
      [null, 1234.5, 1000.25, 3],
      [0, null, null, null],
    ]);
  });

  it("keeps a KPI value's structured details (nested objects, arrays, nulls, full-precision numbers), null when absent", async () => {
    const run = await seedRun();
    const details = {
      bgNbd: { r: 0.2425982345678901, logLikelihood: -9582.429, converged: true },
      holdout: { byCalibrationFrequency: [{ frequency: '7+', customers: 64 }] },
      gammaGamma: { fitted: false, reason: null },
    };
    const em = orm.em.fork();
    em.create(KpiValue, {
      run: em.getReference(Run, run.id),
      segmentKey: null,
      kpi: 'predicted_purchases',
      value: 1.5,
      unit: 'purchases',
      details,
    });
    em.create(KpiValue, {
      run: em.getReference(Run, run.id),
      segmentKey: 0,
      kpi: 'predicted_purchases',
      value: 1.2,
      unit: 'purchases',
    });
    await em.flush();

    const values = await orm.em.fork().find(KpiValue, { run: run.id }, { orderBy: { segmentKey: 'asc nulls first' } });
    expect(values.map((v) => v.details ?? null)).toEqual([details, null]);
  });

  it('rejects two segments with the same key in one run', async () => {
    const run = await seedRun();
    const em = orm.em.fork();
    const segment = { run: em.getReference(Run, run.id), key: 0, label: 'A', size: 2, share: 0.5, profile: {} };
    em.create(Segment, segment);
    em.create(Segment, { ...segment, label: 'B' });
    await expect(em.flush()).rejects.toBeInstanceOf(UniqueConstraintViolationException);
  });

  it('rejects a dataset version pointing at a dataset that does not exist', async () => {
    const em = orm.em.fork();
    em.create(DatasetVersion, {
      dataset: em.getReference(Dataset, '00000000-0000-4000-8000-000000000000'),
      version: 1,
      contentHash: 'orphan',
      kind: 'transactions',
      rowCount: 0,
      rejectedCount: 0,
      schema: [],
      stats: {},
      report: {},
      artifactKey: 'b'.repeat(64),
    });
    await expect(em.flush()).rejects.toBeInstanceOf(ForeignKeyConstraintViolationException);
  });

  it('deletes the segments and KPI values of a deleted run', async () => {
    const run = await seedRun();
    const em = orm.em.fork();
    const runRef = em.getReference(Run, run.id);
    em.create(Segment, { run: runRef, key: 0, label: 'A', size: 3, share: 1, profile: { age: 40 } });
    em.create(KpiValue, { run: runRef, kpi: 'size', value: 3, unit: 'rows' });
    await em.flush();

    await orm.em.fork().nativeDelete(Run, { id: run.id });

    const check = orm.em.fork();
    expect(await check.count(Segment, { run: run.id })).toBe(0);
    expect(await check.count(KpiValue, { run: run.id })).toBe(0);
  });
});

describe.each(['sqlite', 'postgresql'] as const)('waitForMigrations on %s', (kind) => {
  let db: TestDatabase;
  const orms: MikroORM[] = [];
  const open = async () => {
    const orm = await createOrm({ databaseUrl: db.url, sqlitePath: db.sqlitePath });
    orms.push(orm);
    return orm;
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });

  afterAll(async () => {
    for (const orm of orms) await orm.close(true);
    await db?.drop();
  });

  it('fails on a database nobody migrates, naming the pending migrations', async () => {
    const worker = await open();
    await expect(waitForMigrations(worker, { timeoutMs: 300, pollMs: 50 })).rejects.toThrow(
      /schema is not up to date after 0 s: \d+ migration\(s\) pending \(Migration20261125000000_initial, /,
    );
    expect(await worker.schema.getUpdateSchemaSQL({ wrap: false })).toMatch(/create table/);
  });

  it('returns once another connection has applied every migration', async () => {
    const worker = await open();
    const api = await open();
    const waiting = waitForMigrations(worker, { timeoutMs: 60_000, pollMs: 50 });
    await new Promise((r) => setTimeout(r, 200));
    await migrateUp(api);
    await expect(waiting).resolves.toBeUndefined();
  });
});

describe('createOrm', () => {
  it('creates the folder of a SQLite file that does not exist yet', async () => {
    const root = await mkdtemp(join(tmpdir(), 'wb-orm-'));
    const orm = await createOrm({ sqlitePath: join(root, 'nested', 'deeper', 'db.sqlite') });
    try {
      expect(databaseKind(orm)).toBe('sqlite');
      expect(await orm.isConnected()).toBe(true);
    } finally {
      await orm.close(true);
      await rm(root, { recursive: true, force: true });
    }
  });

  it('chooses PostgreSQL only for postgres:// and postgresql:// URLs', () => {
    expect(isPostgresUrl('postgres://u@h/db')).toBe(true);
    expect(isPostgresUrl('postgresql://u@h/db')).toBe(true);
    expect(isPostgresUrl('file:./x.sqlite')).toBe(false);
    expect(isPostgresUrl(undefined)).toBe(false);
  });
});

describe('PostgreSQL connections of a process whose thread is held', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('postgresql');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('serves a query issued just before the thread was held past the pool timers from a connection kept open', async () => {
    // createOrm's pool with its timers shortened (open a connection 200 ms, hand one out 400 ms, close idle ones after
    // 50 ms), so that holding the thread for 1 s is past all of them.
    const config = buildOrmConfig({ databaseUrl: db.url });
    const timers = {
      createTimeoutMillis: 200,
      acquireTimeoutMillis: 400,
      idleTimeoutMillis: 50,
      reapIntervalMillis: 20,
    };
    const orm = await MikroORM.init({ ...config, pool: { ...config.pool, ...timers } } as Options);
    try {
      const conn = orm.em.getConnection();
      // Four queries at once open four connections; then they sit idle past the idle timeout.
      await Promise.all([1, 2, 3, 4].map(() => conn.execute('select pg_sleep(0.05)')));
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Two connections busy and a third query asking for one while the thread is held: with only two kept (knex's
      // minimum) it waits for a new connection, whose timer fires before its network reads when the thread resumes
      // (KnexTimeoutError: 'Timeout acquiring a connection'); a kept idle connection serves it at once.
      const busy = [conn.execute('select pg_sleep(0.3)'), conn.execute('select pg_sleep(0.3)')];
      const third = conn.execute('select 1 as one');
      await new Promise(setImmediate);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
      expect(await third).toEqual([{ one: 1 }]);
      await Promise.all(busy);
    } finally {
      await orm.close(true);
    }
  });
});

describe('SQLite shared by several processes', () => {
  let db: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    orm = await createOrm({ sqlitePath: db.sqlitePath });
    await migrateUp(orm);
  });
  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  it('runs in WAL mode with a busy timeout on every connection', async () => {
    const conn = orm.em.fork().getConnection();
    expect(await conn.execute('pragma journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(await conn.execute('pragma busy_timeout')).toEqual([{ timeout: SQLITE_BUSY_TIMEOUT_MS }]);
  });

  it("waits for another process's write lock instead of failing with 'database is locked'", async () => {
    // Another process takes the write lock, holds it for 1.5 s, then commits.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const Database = require('libsql');
         const db = new Database(process.argv[1]);
         db.exec('begin immediate');
         db.exec("insert into api_key (id, name, role, key_hash, prefix, created_at) values ('held', 'held', 'viewer', '${'0'.repeat(64)}', 'wb_held', 0)");
         process.stdout.write('locked\\n');
         Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
         db.exec('commit');`,
        db.sqlitePath as string,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<number | null>((resolve) => holder.on('exit', resolve));
    await new Promise<void>((resolve) => holder.stdout.on('data', (d) => String(d).includes('locked') && resolve()));

    const em = orm.em.fork();
    em.create(ApiKey, { name: 'waiter', role: 'viewer', keyHash: '1'.repeat(64), prefix: 'wb_wait' });
    await em.flush();

    expect(await exited).toBe(0);
    expect((await orm.em.fork().find(ApiKey, {})).map((k) => k.name).sort()).toEqual(['held', 'waiter']);
  });
});

describe('SQLite checkpoints', () => {
  it("leave a commit's pages to a thread of their own, which copies them into the database file; closing keeps them", async () => {
    const db = await createTestDatabase('sqlite');
    const path = db.sqlitePath as string;
    const orm = await createOrm({ sqlitePath: path });
    try {
      const conn = orm.em.fork().getConnection();
      expect(await conn.execute('pragma wal_autocheckpoint')).toEqual([
        { wal_autocheckpoint: COMMIT_CHECKPOINT_PAGES },
      ]);
      await conn.execute('create table filler (bytes blob not null)');
      // ~8 MiB in one commit: 2,048 pages, twice SQLite's default autocheckpoint, far under this pool's.
      await conn.execute('insert into filler (bytes) select randomblob(4000) from generate_series(1, 2048)');
      let after = 0;
      for (let waited = 0; after < 8 * 2 ** 20 && waited < 20_000; waited += CHECKPOINT_EVERY_MS) {
        await new Promise((r) => setTimeout(r, CHECKPOINT_EVERY_MS));
        after = (await stat(path)).size;
      }
      expect(after).toBeGreaterThanOrEqual(8 * 2 ** 20);
    } finally {
      await orm.close(true);
    }
    const reopened = await createOrm({ sqlitePath: path });
    try {
      expect(await reopened.em.fork().getConnection().execute('select count(*) as n from filler')).toEqual([
        { n: 2048 },
      ]);
    } finally {
      await reopened.close(true);
      await db.drop();
    }
  });
});

describe('SQLite transactions', () => {
  it('take the write lock when they begin, so a write after a read waits for another process instead of failing', async () => {
    const db = await createTestDatabase('sqlite');
    const orm = await createOrm({ sqlitePath: db.sqlitePath });
    try {
      await migrateUp(orm);
      // Another process writes while this transaction has read but not yet written.
      await orm.em.fork().transactional(async (em) => {
        await em.count(ApiKey, {});
        const writer = spawn(
          process.execPath,
          [
            '-e',
            `const db = new (require('libsql'))(process.argv[1]); db.exec('pragma busy_timeout = 200'); try { db.exec("insert into api_key (id, name, role, key_hash, prefix, created_at) values ('other', 'other', 'viewer', '${'2'.repeat(64)}', 'wb_other', 0)"); process.stdout.write('wrote'); } catch (e) { process.stdout.write('waited: ' + e.message); }`,
            db.sqlitePath as string,
          ],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        let out = '';
        writer.stdout.on('data', (d) => (out += d));
        await new Promise((r) => writer.on('exit', r));
        // The other process could not write during our transaction: we hold the write lock since BEGIN.
        expect(out).toBe('waited: database is locked');
        em.create(ApiKey, { name: 'ours', role: 'viewer', keyHash: '3'.repeat(64), prefix: 'wb_ours' });
      });
      expect((await orm.em.fork().find(ApiKey, {})).map((k) => k.name)).toEqual(['ours']);
    } finally {
      await orm.close(true);
      await db.drop();
    }
  });
});
