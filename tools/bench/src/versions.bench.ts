/**
 * Store and compare two runs of 1M customers: the assignment rows written in one transaction
 * (SQLite, and PostgreSQL when reachable), the columnar assignments artifact, and the comparison
 * (ARI, NMI, migration matrix, Hungarian matching).
 *
 *   node -r ./tools/register.js tools/bench/src/versions.bench.ts        (BENCH_CUSTOMERS=1000000)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareAssignments } from '@workbench/compare';
import { decodeAssignments, encodeAssignments } from '@workbench/engine';
import { RunStatus } from '@workbench/persistence';
import { createTestDatabase } from '@workbench/persistence/testing';
import { seededRandom } from '@workbench/plugin-sdk';
import { createWorkbench, loadConfig } from '@workbench/services';
import { runParents, runRow } from '@workbench/services/testing';

const n = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const k = 8;

function assignments(seed: number, base?: Int32Array): Int32Array {
  const rand = seededRandom(seed);
  const out = new Int32Array(n);
  // B keeps 80% of A's assignments and moves the rest at random: a realistic retrain.
  for (let i = 0; i < n; i++) out[i] = base && rand() < 0.8 ? base[i] : Math.floor(rand() * k);
  return out;
}

async function time<T>(label: string, fn: () => Promise<T> | T): Promise<T> {
  const start = process.hrtime.bigint();
  const result = await fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(
    `${label.padEnd(48)} ${ms.toFixed(0).padStart(8)} ms   rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`,
  );
  return result;
}

async function storeOn(kind: 'sqlite' | 'postgresql', ids: string[], segment: Int32Array): Promise<void> {
  const db = await createTestDatabase(kind);
  const wb = await createWorkbench(
    loadConfig({}, { home: mkdtempSync(join(tmpdir(), 'wb-bench-')), databaseUrl: db.url }),
    { plugins: [] },
  );
  try {
    const em = wb.orm.em.fork();
    const assignmentsArtifactKey = await wb.artifacts.put(encodeAssignments(ids, { segment }));
    const run = runRow(em, runParents(em, n), { version: 1, status: RunStatus.Queued, assignmentsArtifactKey });
    await em.flush();
    await time(`store ${n.toLocaleString('en-US')} assignment rows (${kind})`, () =>
      wb.orm.em.fork().transactional((tx) => wb.assignments.write(tx, run.id, ids, { segment })),
    );
    await time(`read them back for export (from the artifact)`, () => wb.assignments.forRun(run.id));
  } finally {
    await wb.close();
    await db.drop();
  }
}

async function main(): Promise<void> {
  console.log(`${n.toLocaleString('en-US')} customers, k = ${k}, node ${process.version}`);
  const ids = Array.from({ length: n }, (_, i) => String(100000 + i));
  const a = assignments(1);
  const b = assignments(2, a);
  const bytes = await time('encode assignments artifact (columnar)', () => encodeAssignments(ids, { segment: a }));
  console.log(`${'  artifact size'.padEnd(48)} ${(bytes.length / 2 ** 20).toFixed(1).padStart(8)} MB`);
  await time('decode assignments artifact', () => decodeAssignments(bytes));
  const result = await time('compare two runs (ARI, NMI, migration, matching)', () =>
    compareAssignments({ idsA: ids, segmentA: a, kA: k, idsB: ids, segmentB: b, kB: k }),
  );
  console.log(`${'  ARI / NMI'.padEnd(48)} ${result.ari.toFixed(4)} / ${result.nmi.toFixed(4)}`);
  await storeOn('sqlite', ids, a);
  try {
    await storeOn('postgresql', ids, a);
  } catch (e) {
    console.log(`PostgreSQL not measured: ${(e as Error).message}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
