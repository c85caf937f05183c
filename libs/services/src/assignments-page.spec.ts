import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAssignments } from '@workbench/engine';
import { RunStatus, Segment, type ArtifactStore } from '@workbench/persistence';
import { createTestDatabase, type TestDatabase } from '@workbench/persistence/testing';
import { AssignmentsService } from './assignments.service';
import { loadConfig } from './config';
import { runParents, runRow } from './testing';
import { createWorkbench, type Workbench } from './workbench';

/** The real artifact store, counting how often a run's artifact is read. */
class CountingStore implements ArtifactStore {
  gets = 0;
  constructor(private readonly inner: ArtifactStore) {}
  put(content: Uint8Array | readonly Uint8Array[]) {
    return this.inner.put(content);
  }
  get(key: string) {
    this.gets++;
    return this.inner.get(key);
  }
  open(key: string) {
    this.gets++;
    return this.inner.open(key);
  }
  has(key: string) {
    return this.inner.has(key);
  }
  list() {
    return this.inner.list();
  }
  removeIfStoredBefore(key: string, storedBefore: Date) {
    return this.inner.removeIfStoredBefore(key, storedBefore);
  }
  removeUnfinishedPuts(writtenBefore: Date, dryRun?: boolean) {
    return this.inner.removeUnfinishedPuts(writtenBefore, dryRun);
  }
}

describe('paging through the assignments of a run', () => {
  // 1,000 customers in 3 segments: customer c<i> is in segment i mod 3 (an independent way to say who is where).
  const ids = Array.from({ length: 1000 }, (_, i) => `c${i}`);
  const segment = Int32Array.from(ids, (_, i) => i % 3);
  let db: TestDatabase;
  let wb: Workbench;
  const runIds: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    wb = await createWorkbench(loadConfig({}, { home: mkdtempSync(join(tmpdir(), 'wb-page-')), databaseUrl: db.url }), {
      plugins: [],
    });
    const em = wb.orm.em.fork();
    const parents = runParents(em, ids.length);
    for (const v of [1, 2, 3]) {
      // Each run's artifact differs (the first customer's segment), so each is its own file.
      const own = segment.slice();
      own[0] = v - 1;
      const run = runRow(em, parents, {
        version: v,
        status: RunStatus.Succeeded,
        finishedAt: new Date(),
        assignmentsArtifactKey: await wb.artifacts.put(encodeAssignments(ids, { segment: own })),
      });
      for (const key of [0, 1, 2]) em.create(Segment, { run, key, label: `S${key}`, size: 0, share: 0, profile: {} });
      runIds.push(run.id);
    }
    await em.flush();
  });
  afterAll(async () => {
    await wb?.close();
    await db?.drop();
  });

  it('gives the rows of each page in row order, and the last page short', async () => {
    const service = new AssignmentsService(wb.orm, wb.artifacts);
    const first = await service.page(runIds[1], { offset: 0, limit: 50 });
    expect(first.total).toBe(1000);
    expect(first.rows.map((r) => r.customerId)).toEqual(ids.slice(0, 50));
    expect(first.rows[1]).toEqual({ customerId: 'c1', segmentKey: 1, segmentLabel: 'S1', score: null });
    const last = await service.page(runIds[1], { offset: 980, limit: 50 });
    expect(last.rows.map((r) => r.customerId)).toEqual(ids.slice(980));
    expect((await service.page(runIds[1], { offset: 2000, limit: 50 })).rows).toEqual([]);
  });

  it("pages within one segment: the segment's customers in row order and their count", async () => {
    const service = new AssignmentsService(wb.orm, wb.artifacts);
    // Run v1: c0 stays in segment 0; segment 2 is c2, c5, …, c998 (the 333 i ≡ 2 mod 3 below 1000).
    const inTwo = ids.filter((_, i) => i % 3 === 2);
    const page = await service.page(runIds[0], { offset: 100, limit: 20, segmentKey: 2 });
    expect(page.total).toBe(333);
    expect(page.rows.map((r) => r.customerId)).toEqual(inTwo.slice(100, 120));
    expect(page.rows.every((r) => r.segmentKey === 2 && r.segmentLabel === 'S2')).toBe(true);
    // Run v2 moved c0 to segment 1: 334 customers there, c0 first.
    const moved = await service.page(runIds[1], { offset: 0, limit: 2, segmentKey: 1 });
    expect([moved.total, moved.rows.map((r) => r.customerId)]).toEqual([334, ['c0', 'c1']]);
  });

  it('decodes a run once for any number of pages, and evicts the least recently read run beyond its bound', async () => {
    const store = new CountingStore(wb.artifacts);
    // Room for two runs of 1,000 customers.
    const service = new AssignmentsService(wb.orm, store, 2000);
    for (let offset = 0; offset < 1000; offset += 100) await service.page(runIds[0], { offset, limit: 100 });
    await service.page(runIds[0], { offset: 0, limit: 10, segmentKey: 1 });
    expect(store.gets).toBe(1);
    await service.page(runIds[1], { offset: 0, limit: 10 });
    await service.page(runIds[0], { offset: 0, limit: 10 });
    expect(store.gets).toBe(2);
    // A third run pushes out the least recently read one (v2), not v1.
    await service.page(runIds[2], { offset: 0, limit: 10 });
    await service.page(runIds[0], { offset: 0, limit: 10 });
    expect(store.gets).toBe(3);
    await service.page(runIds[1], { offset: 0, limit: 10 });
    expect(store.gets).toBe(4);
  });
});
