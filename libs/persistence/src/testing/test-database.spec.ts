import { existsSync } from 'node:fs';
import { knex } from '@mikro-orm/postgresql';
import { createTestDatabase } from './test-database';

jest.setTimeout(30_000);

describe('createTestDatabase', () => {
  const savedUrl = process.env['TEST_DATABASE_URL'];
  afterEach(() => {
    if (savedUrl === undefined) delete process.env['TEST_DATABASE_URL'];
    else process.env['TEST_DATABASE_URL'] = savedUrl;
  });

  it('gives a temp SQLite path that drop() removes', async () => {
    const db = await createTestDatabase('sqlite');
    expect(db.url).toBeUndefined();
    expect(db.sqlitePath).toMatch(/wb_test_[0-9a-f]+\.sqlite$/);
    await db.drop();
    expect(existsSync(db.sqlitePath!)).toBe(false);
  });

  it('creates a fresh PostgreSQL database and drops it', async () => {
    const db = await createTestDatabase('postgresql');
    const name = new URL(db.url!).pathname.slice(1);
    expect(name).toMatch(/^wb_test_[0-9a-f]+$/);
    const client = knex({ client: 'pg', connection: db.url!, pool: { min: 0, max: 1 } });
    try {
      const result = await client.raw('select current_database() as name');
      expect(result.rows[0].name).toBe(name);
    } finally {
      await client.destroy();
    }
    await db.drop();

    const admin = knex({
      client: 'pg',
      connection: savedUrl || 'postgres://postgres@127.0.0.1:5432/test',
      pool: { min: 0, max: 1 },
    });
    try {
      const left = await admin.raw('select 1 from pg_database where datname = ?', [name]);
      expect(left.rows).toEqual([]);
    } finally {
      await admin.destroy();
    }
  });

  it('throws a clear error when PostgreSQL is unreachable', async () => {
    process.env['TEST_DATABASE_URL'] = 'postgres://postgres@127.0.0.1:1/test';
    await expect(createTestDatabase('postgresql')).rejects.toThrow(
      /^PostgreSQL is required at postgres:\/\/postgres@127\.0\.0\.1:1\/test for this test: .*ECONNREFUSED/,
    );
  });
});
