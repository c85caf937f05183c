/**
 * Generates a migration for each platform with MikroORM's own generator, against a scratch
 * database migrated to the latest committed migration, so the new file holds only the difference.
 *
 *   node -r ./tools/register.js libs/persistence/scripts/create-migration.ts <snake_case_name> [--timestamp=YYYYMMDDhhmmss]
 *
 * Needs PostgreSQL (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test).
 * Afterwards add the new class to `src/migrations/<platform>/index.ts` of both folders.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/core';
import { buildOrmConfig, type DatabaseKind } from '../src/orm';
import { createTestDatabase } from '../src/testing';

async function main(): Promise<void> {
  const [name, ...flags] = process.argv.slice(2);
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    throw new Error('usage: create-migration.ts <snake_case_name> [--timestamp=YYYYMMDDhhmmss]');
  }
  const stampFlag = flags.find((f) => f.startsWith('--timestamp='));
  const stamp = stampFlag ? stampFlag.split('=')[1] : new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  for (const kind of ['sqlite', 'postgresql'] as DatabaseKind[]) {
    const db = await createTestDatabase(kind);
    try {
      const base = buildOrmConfig({ databaseUrl: db.url, sqlitePath: db.sqlitePath });
      const folder = join(__dirname, '..', 'src', 'migrations', kind);
      const orm = await MikroORM.init({
        ...base,
        migrations: { ...base.migrations, path: folder, pathTs: folder, fileName: () => `Migration${stamp}_${name}` },
      } as Options);
      try {
        await orm.getMigrator().up();
        const result = await orm.getMigrator().createMigration(folder, false, false, name);
        if (!result.diff.up.length) {
          console.log(`${kind}: no schema changes`);
          continue;
        }
        // The generator names the class after the wall clock even when fileName is fixed: align it.
        const file = join(folder, result.fileName);
        const className = result.fileName.replace(/\.ts$/, '');
        writeFileSync(
          file,
          readFileSync(file, 'utf8').replace(/export class Migration\w+/, `export class ${className}`),
        );
        console.log(`${kind}: wrote ${file}`);
      } finally {
        await orm.close(true);
      }
    } finally {
      await db.drop();
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
