import type { EntityManager } from '@mikro-orm/core';
import type { AbstractSqlConnection } from '@mikro-orm/libsql';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Assignment } from '../entities';

/** Rows per INSERT statement on SQLite: 4 parameters a row keeps well under its 32,766-parameter limit. */
const SQLITE_BATCH = 4000;
/** Rows per statement on PostgreSQL, where each column travels as one array parameter. */
const PG_BATCH = 100_000;

/** A PostgreSQL array literal (`{"a","b"}`) of strings, quoted so any id survives. */
const textArray = (values: readonly string[]) =>
  `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;

/**
 * Writes a run's customer → segment rows inside the caller's transaction, replacing any rows of an
 * earlier attempt. Bulk SQL of each dialect, past the ORM's per-row entity mapping (a million rows
 * through entities take many seconds and gigabytes). A NaN score is stored as NULL.
 */
export async function writeAssignmentRows(
  tx: EntityManager,
  runId: string,
  ids: readonly string[],
  segment: Int32Array,
  score?: Float64Array,
): Promise<void> {
  await tx.nativeDelete(Assignment, { run: runId });
  const connection = tx.getConnection();
  const context = tx.getTransactionContext();
  if (tx.config.get('driver') === PostgreSqlDriver) {
    // unnest() over array parameters: one statement per 100k rows instead of a row list per 4k.
    for (let start = 0; start < ids.length; start += PG_BATCH) {
      const end = Math.min(ids.length, start + PG_BATCH);
      const scores = score
        ? `{${Array.from(score.subarray(start, end), (v) => (Number.isNaN(v) ? 'NULL' : String(v))).join(',')}}`
        : `{${new Array(end - start).fill('NULL').join(',')}}`;
      await connection.execute(
        'insert into "assignment" ("run_id", "customer_id", "segment_key", "score") select ?, c, s, v from unnest(?::text[], ?::int[], ?::float8[]) as t(c, s, v)',
        [runId, textArray(ids.slice(start, end)), `{${segment.subarray(start, end).join(',')}}`, scores],
        'run',
        context,
      );
    }
    return;
  }
  // SQLite: plain multi-row INSERTs with bound parameters, in customer-id order so the indexes grow at their end
  // instead of splitting pages all over the B-trees. Straight on the transaction's libsql connection, one prepared
  // statement for every full batch: through knex each batch's 16,000 bindings were formatted into the query object and
  // its 56 kB of SQL parsed again by SQLite, together as long as the inserts themselves (1M rows: ~6.5 s → ~3 s of CPU).
  if (!context) throw new Error('writeAssignmentRows runs inside a transaction');
  const db = (await (context as unknown as TransactionClient).client.acquireConnection()) as LibSqlConnection;
  const order = customerIdOrder(ids);
  const sql = (rows: number) =>
    `insert into \`assignment\` (\`run_id\`, \`customer_id\`, \`segment_key\`, \`score\`) values ${new Array(rows).fill('(?, ?, ?, ?)').join(', ')}`;
  let full: LibSqlStatement | undefined;
  const params: (string | number | null)[] = [];
  for (let start = 0; start < ids.length; start += SQLITE_BATCH) {
    const end = Math.min(ids.length, start + SQLITE_BATCH);
    params.length = 0;
    for (let k = start; k < end; k++) {
      const i = order[k];
      params.push(runId, ids[i], segment[i], score && !Number.isNaN(score[i]) ? score[i] : null);
    }
    try {
      (end - start === SQLITE_BATCH ? (full ??= db.prepare(sql(SQLITE_BATCH))) : db.prepare(sql(end - start))).run(
        params,
      );
    } catch (e) {
      // Fails as a query through the ORM does: its exception class, and the message `<statement with its values> -
      // <reason>`, which the worker's log keeps whole and a stored failure cuts to the reason (storedFailureMessage).
      const error = e as Error;
      const knex = (tx.getConnection() as unknown as AbstractSqlConnection).getKnex();
      error.message = `${knex.raw(sql(end - start), params).toQuery()} - ${error.message}`;
      throw tx.getDriver().convertException(error);
    }
    // libsql runs synchronously: between batches the process's other work (heartbeats, requests) gets its turn.
    await new Promise(setImmediate);
  }
}

/** The knex transaction's client, which hands out the one connection the transaction runs on. */
interface TransactionClient {
  client: { acquireConnection(): Promise<unknown> };
}

/** What this file uses of a libsql connection (better-sqlite3's API). */
interface LibSqlConnection {
  prepare(sql: string): LibSqlStatement;
}

interface LibSqlStatement {
  run(params: unknown[]): unknown;
}

/** Sorted customer orders by id list: the runs of one dataset version share their input's ids, so it is sorted once. */
const orders = new WeakMap<readonly string[], Int32Array>();

/** Positions of `ids` in ascending id order (as SQLite compares ASCII ids). */
function customerIdOrder(ids: readonly string[]): Int32Array {
  let order = orders.get(ids);
  if (!order) {
    order = Int32Array.from(ids, (_, i) => i).sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
    orders.set(ids, order);
  }
  return order;
}
