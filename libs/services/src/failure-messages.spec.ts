import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStatus } from '@workbench/persistence';
import { createTestDatabase, type TestDatabase } from '@workbench/persistence/testing';
import { loadConfig } from './config';
import { MAX_STORED_ERROR_LENGTH, storedFailureMessage } from './job-processor';
import { splitAtMedian } from './testing';
import { createWorkbench, type Workbench } from './workbench';

// Customer ids long and distinct enough that any of them in a message is plainly data.
const ids = Array.from({ length: 3000 }, (_, i) => `customer-${String(i).padStart(6, '0')}-${'x'.repeat(40)}`);
const csv = `customer_id,monetary\n${ids.map((id, i) => `${id},${i % 97}`).join('\n')}\n`;

/** A refusal of every assignment row by the database itself: the run's final write fails there. */
const REFUSE_ASSIGNMENTS = {
  postgresql: `alter table "assignment" add constraint "test_refuses_assignments" check ("segment_key" < 0) not valid`,
  sqlite:
    "create trigger test_refuses_assignments before insert on assignment begin select raise(abort, 'test_refuses_assignments'); end",
};

describe.each(['sqlite', 'postgresql'] as const)(
  'a failed run stores a short reason free of data; the log has the detail (%s)',
  (kind) => {
    let db: TestDatabase;
    let wb: Workbench;
    const logged: string[] = [];
    const logger = { log: () => undefined, warn: (m: string) => logged.push(m), error: (m: string) => logged.push(m) };

    beforeAll(async () => {
      db = await createTestDatabase(kind);
      wb = await createWorkbench(
        loadConfig({}, { home: mkdtempSync(join(tmpdir(), 'wb-failure-')), databaseUrl: db.url, jobBackoffMs: 5 }),
        { plugins: [splitAtMedian], logger },
      );
      await wb.startWorker();
      await wb.datasets.ingestCustomers({ dataset: 'many', text: csv });
      await wb.segmentations.create({
        name: 'split',
        plugin: 'test-split-median',
        dataset: 'many',
        params: { feature: 'monetary' },
      });
      await wb.orm.em.getConnection().execute(REFUSE_ASSIGNMENTS[kind]);
    }, 60_000);
    afterAll(async () => {
      await wb?.close();
      await db?.drop();
    });

    it("fails the run with the database's reason, without the statement or a customer id, within the length cap", async () => {
      const run = await wb.runs.waitFor((await wb.runs.submit('split')).id);
      expect(run.status).toBe(RunStatus.Failed);
      const error = run.error as string;
      expect(error).toMatch(/^database error \(\w+\): .*test_refuses_assignments/);
      expect(error.length).toBeLessThanOrEqual(MAX_STORED_ERROR_LENGTH);
      expect(ids.filter((id) => error.includes(id))).toEqual([]);
      expect(error).not.toMatch(/insert into|copy "assignment"/i);
      // The worker's log keeps the failing statement with its data, ids included, for whoever debugs it: SQLite's
      // INSERT its values, PostgreSQL's COPY the row it failed at (the first, in customer-id order).
      const statement = kind === 'sqlite' ? 'insert into' : 'copy "assignment"';
      expect(logged.some((line) => line.includes(statement) && line.includes(ids[0]))).toBe(true);
    }, 120_000);
  },
);

describe('storedFailureMessage', () => {
  it('keeps a short message as it is and cuts a long one, saying how much the log has', () => {
    expect(storedFailureMessage(new Error("feature 'nope' is not in the data"))).toBe(
      "feature 'nope' is not in the data",
    );
    const long = storedFailureMessage(new Error('y'.repeat(2000)));
    expect(long).toBe(
      `${'y'.repeat(MAX_STORED_ERROR_LENGTH - 60)}… (${2000 - (MAX_STORED_ERROR_LENGTH - 60)} more characters in the worker's log)`,
    );
    expect(long.length).toBeLessThanOrEqual(MAX_STORED_ERROR_LENGTH);
  });
});
