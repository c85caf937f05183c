import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_CUSTOMER_ID_LENGTH } from '@workbench/data';
import { RunStatus } from '@workbench/persistence';
import { createTestDatabase, type TestDatabase } from '@workbench/persistence/testing';
import { loadConfig } from './config';
import { runParents, runRow } from './testing';
import { createWorkbench, type Workbench } from './workbench';

// Customer ids as real exports have them, including the characters array literals, CSV and COPY's text format quote
// (a quoted CSV field may hold a tab or a line break), and the longest id ingest accepts (MAX_CUSTOMER_ID_LENGTH
// characters, twice as many UTF-8 bytes).
const ids = [
  '17850',
  'a"b',
  'back\\slash',
  'back\\tslash-t',
  'tab\tid',
  'line\nfeed',
  'carriage\rreturn\r\n',
  '\\N',
  'comma,id',
  '{brace}',
  'NULL',
  ' spaced ',
  'ünï',
  'é'.repeat(MAX_CUSTOMER_ID_LENGTH),
];

describe.each(['sqlite', 'postgresql'] as const)('assignment rows on %s', (kind) => {
  let db: TestDatabase;
  let wb: Workbench;
  let runId: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    wb = await createWorkbench(
      loadConfig({}, { home: mkdtempSync(join(tmpdir(), 'wb-assign-')), databaseUrl: db.url }),
      { plugins: [] },
    );
    const em = wb.orm.em.fork();
    const run = runRow(em, runParents(em, ids.length), {
      version: 1,
      status: RunStatus.Succeeded,
      finishedAt: new Date(),
    });
    await em.flush();
    runId = run.id;
  });
  afterAll(async () => {
    await wb?.close();
    await db?.drop();
  });

  it('stores every id exactly, with scores and missing scores, and replaces an earlier attempt', async () => {
    const segment = Int32Array.from(ids, (_, i) => i % 3);
    const score = Float64Array.from(ids, (_, i) => (i === 2 ? NaN : i / 10));
    await wb.orm.em
      .fork()
      .transactional((tx) => wb.assignments.write(tx, runId, ids, { segment: new Int32Array(ids.length), score }));
    await wb.orm.em.fork().transactional((tx) => wb.assignments.write(tx, runId, ids, { segment, score }));
    for (const [i, id] of ids.entries()) {
      const [entry] = await wb.assignments.history(id);
      expect([entry.segmentKey, entry.score]).toEqual([i % 3, i === 2 ? null : i / 10]);
    }
  });

  it('stores a run of several batches (full ones and a remainder) row for row', async () => {
    // 4,000 rows a statement on SQLite: ten full batches through one prepared statement, then 1 row; on PostgreSQL
    // three pieces of COPY text (16,384 rows each, the last one part-full). Ids not in id order, so they are sorted.
    const many = Array.from({ length: 40_001 }, (_, i) => `c${(i * 7919) % 40_001}`);
    const segment = Int32Array.from(many, (_, i) => i % 8);
    const score = Float64Array.from(many, (_, i) => (i % 5 === 0 ? NaN : i / 3));
    await wb.orm.em.fork().transactional((tx) => wb.assignments.write(tx, runId, many, { segment, score }));
    type Row = { customer_id: string; segment_key: number; score: number | null };
    const rows: Row[] = await wb.orm.em
      .getConnection()
      .execute('select customer_id, segment_key, score from assignment where run_id = ?', [runId]);
    const stored = new Map(rows.map((r) => [r.customer_id, [Number(r.segment_key), r.score]]));
    expect(rows).toHaveLength(many.length);
    for (const [i, id] of many.entries()) expect(stored.get(id)).toEqual([i % 8, i % 5 === 0 ? null : i / 3]);
  });
});
