import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { knex } from '@mikro-orm/postgresql';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  /** PostgreSQL URL of the fresh database (postgresql only); pass it as `databaseUrl`. */
  url?: string;
  /** Path of the fresh SQLite file (sqlite only); pass it as `sqlitePath`. */
  sqlitePath?: string;
  /** Deletes the database. Close every ORM using it first. */
  drop(): Promise<void>;
}

/**
 * Creates an empty, uniquely named database for one test file: a temp SQLite file, or a
 * `wb_test_<random>` database on the PostgreSQL server of `TEST_DATABASE_URL`
 * (default {@link DEFAULT_TEST_DATABASE_URL}). An unreachable PostgreSQL is an error, never a skip.
 */
export async function createTestDatabase(kind: 'sqlite' | 'postgresql'): Promise<TestDatabase> {
  const suffix = randomBytes(6).toString('hex');
  if (kind === 'sqlite') {
    const sqlitePath = join(tmpdir(), `wb_test_${suffix}.sqlite`);
    return {
      sqlitePath,
      drop: async () => {
        await Promise.all(['', '-wal', '-shm', '-journal'].map((ext) => rm(sqlitePath + ext, { force: true })));
      },
    };
  }

  const adminUrl = process.env['TEST_DATABASE_URL'] || DEFAULT_TEST_DATABASE_URL;
  const name = `wb_test_${suffix}`;
  const admin = () => knex({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } });

  const creator = admin();
  try {
    await creator.raw(`create database "${name}"`);
  } catch (err) {
    throw new Error(
      `PostgreSQL is required at ${redact(adminUrl)} for this test: ${(err as Error).message || String(err)}`,
      { cause: err },
    );
  } finally {
    await creator.destroy();
  }

  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = admin();
      try {
        // WITH (FORCE) (PostgreSQL ≥ 13) ends connections a test forgot to close.
        await dropper.raw(`drop database if exists "${name}" with (force)`);
      } finally {
        await dropper.destroy();
      }
    },
  };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
