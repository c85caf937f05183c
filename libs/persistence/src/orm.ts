import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/core';
import { LibSqlDriver, LibSqlKnexDialect } from '@mikro-orm/libsql';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { ENTITIES } from './entities';
import { POSTGRESQL_MIGRATIONS } from './migrations/postgresql';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';
import { COMMIT_CHECKPOINT_PAGES, SqliteCheckpoints } from './sqlite-checkpoints';

export interface CreateOrmOptions {
  /** `postgres://…` or `postgresql://…` selects PostgreSQL; anything else (or nothing) selects SQLite. */
  databaseUrl?: string;
  /** SQLite file used when `databaseUrl` is not a PostgreSQL URL. Its folder is created if missing. */
  sqlitePath?: string;
  debug?: boolean;
}

export type DatabaseKind = 'sqlite' | 'postgresql';

/** The entity manager of either database: both drivers build on @mikro-orm/knex (query builder included). */
export type { SqlEntityManager } from '@mikro-orm/libsql';

export const DEFAULT_SQLITE_PATH = '.workbench/workbench.sqlite';

/** How long an SQLite statement waits for another process's write lock before it fails. */
export const SQLITE_BUSY_TIMEOUT_MS = 30_000;

export function isPostgresUrl(url: string | undefined): url is string {
  return !!url && /^postgres(ql)?:\/\//i.test(url);
}

/**
 * libsql as knex drives it, but every transaction starts with BEGIN IMMEDIATE: it takes the write lock
 * at once (waiting up to the busy timeout), where a plain BEGIN reads first and then, when another
 * process wrote meanwhile, fails at its first write with "database is locked" without waiting.
 */
class ImmediateTransactionsLibSqlDialect extends LibSqlKnexDialect {
  override _query(connection: unknown, obj: { sql: string }): Promise<unknown> {
    if (/^begin;?$/i.test(obj.sql.trim())) obj.sql = 'BEGIN IMMEDIATE;';
    return super._query(connection, obj);
  }
}

/**
 * Connections a process may hold to PostgreSQL (knex's default maximum), and keeps once opened: as the pool's `min`,
 * which opens none ahead and only stops idle ones from being closed (after 30 s by default). Why keep them: a job
 * process's thread can be held for seconds by a step of a large run, and the pool's timers (30 s to open a
 * connection, 60 s to hand one out) run before the network reads when it resumes, so a query that had to wait for a
 * new connection fails with 'Timeout acquiring a connection' though database and pool are fine; one that finds an
 * open idle connection gets it at once. Kept, the connections a run's queries use together (its results transaction,
 * the cancel watch, heartbeats, progress, an API's polls) stay open for the rest of the process.
 */
const POSTGRES_POOL_SIZE = 10;

/** A libsql connection as the knex pool hands it to `afterCreate`. */
interface LibSqlRawConnection {
  exec(sql: string): unknown;
}

/**
 * The MikroORM options for one database, without connecting. Shared by {@link createOrm} and the
 * migration generator script so both see exactly the same entities and naming.
 */
export function buildOrmConfig(options: CreateOrmOptions): Options {
  const common = {
    entities: ENTITIES,
    discovery: { warnWhenNoEntities: true, requireEntitiesArray: true },
    allowGlobalContext: false,
    debug: options.debug ?? false,
    extensions: [Migrator],
  } satisfies Options;
  if (isPostgresUrl(options.databaseUrl)) {
    return {
      ...common,
      driver: PostgreSqlDriver,
      clientUrl: options.databaseUrl,
      pool: { min: POSTGRES_POOL_SIZE, max: POSTGRES_POOL_SIZE },
      migrations: migrationOptions('postgresql', !!options.debug),
    } as Options;
  }
  return {
    ...common,
    driver: LibSqlDriver,
    dbName: resolve(options.sqlitePath ?? DEFAULT_SQLITE_PATH),
    driverOptions: { client: ImmediateTransactionsLibSqlDialect },
    // MikroORM turns foreign keys on when it connects; this also covers any connection the pool
    // opens later (SQLite enforces them only when asked, per connection). Several processes share one
    // embedded home (a CLI beside the server): WAL lets readers run beside the one writer, and a
    // writer waits up to SQLITE_BUSY_TIMEOUT_MS for the lock instead of failing with "database is locked". The WAL is
    // checkpointed by a thread of createOrm's (SqliteCheckpoints), not by each commit.
    pool: {
      afterCreate: (conn: LibSqlRawConnection, done: (err: Error | null, conn: LibSqlRawConnection) => void) => {
        try {
          conn.exec(`pragma busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
          conn.exec('pragma journal_mode = wal');
          conn.exec(`pragma wal_autocheckpoint = ${COMMIT_CHECKPOINT_PAGES}`);
          conn.exec('pragma foreign_keys = on');
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
    migrations: migrationOptions('sqlite', !!options.debug),
  } as Options;
}

function migrationOptions(kind: DatabaseKind, debug: boolean): Options['migrations'] {
  return {
    tableName: 'mikro_orm_migrations',
    migrationsList: kind === 'postgresql' ? POSTGRESQL_MIGRATIONS : SQLITE_MIGRATIONS,
    transactional: true,
    allOrNothing: true,
    snapshot: false,
    silent: !debug,
    emit: 'ts',
  };
}

/** Connects to PostgreSQL or SQLite (see {@link CreateOrmOptions}). Does not touch the schema: call {@link migrateUp}. */
export async function createOrm(options: CreateOrmOptions): Promise<MikroORM> {
  if (isPostgresUrl(options.databaseUrl)) return MikroORM.init(buildOrmConfig(options));
  const path = resolve(options.sqlitePath ?? DEFAULT_SQLITE_PATH);
  mkdirSync(dirname(path), { recursive: true });
  const orm = await MikroORM.init(buildOrmConfig(options));
  const checkpoints = new SqliteCheckpoints(path);
  const close = orm.close.bind(orm);
  orm.close = async (force?: boolean) => {
    await checkpoints.stop();
    await close(force);
  };
  return orm;
}

export function databaseKind(orm: MikroORM): DatabaseKind {
  return orm.config.get('driver') === PostgreSqlDriver ? 'postgresql' : 'sqlite';
}

/** Applies the committed migrations of the connected platform that have not run yet. */
export async function migrateUp(orm: MikroORM): Promise<void> {
  await orm.getMigrator().up();
}

/**
 * Waits until another process (the api role) has applied every committed migration: a worker started at
 * the same time as the api, or before it, must not query tables that do not exist yet. It only reads the
 * migrations table (the migrator would create it, racing the api that is creating it too). Fails after
 * `timeoutMs` naming what is still pending.
 */
export async function waitForMigrations(orm: MikroORM, { timeoutMs = 120_000, pollMs = 500 } = {}): Promise<void> {
  const { tableName, migrationsList } = orm.config.get('migrations');
  const committed = (migrationsList ?? []).map((m) => m.name);
  const end = Date.now() + timeoutMs;
  for (;;) {
    const applied = await orm.em
      .getConnection()
      .execute<{ name: string }[]>(`select name from ${tableName}`)
      .then((rows: { name: string }[]) => new Set(rows.map((r) => r.name.replace(/\.[jt]s$/, ''))))
      .catch(() => new Set<string>()); // no migrations table yet
    const pending = committed.filter((name) => !applied.has(name));
    if (pending.length === 0) return;
    if (Date.now() >= end) {
      throw new Error(
        `the database schema is not up to date after ${Math.round(timeoutMs / 1000)} s: ${pending.length} migration(s) pending (${pending.join(', ')}); start a process with the api or all role, which applies them`,
      );
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
