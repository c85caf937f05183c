import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/core';
import type { AbstractSqlConnection } from '@mikro-orm/libsql';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { from as copyFrom } from 'pg-copy-streams';
import { Assignment } from '../entities';

/** Rows per INSERT statement on SQLite: 4 parameters a row keeps well under its 32,766-parameter limit. */
const SQLITE_BATCH = 4000;
/** Rows in one piece of COPY text on PostgreSQL (~0.5 MB): the stream holds a few pieces at a time, never the run. */
const PG_COPY_ROWS = 16_384;
/** Ids sorted in runs of this many, then merged this many at a time: steps of milliseconds, not seconds. */
const SORT_STEP = 1 << 15;

const PG_COPY = 'copy "assignment" ("run_id", "customer_id", "segment_key", "score") from stdin';

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
  const context = tx.getTransactionContext();
  if (!context) throw new Error('writeAssignmentRows runs inside a transaction');
  // In customer-id order on both databases, so the primary key (run, customer) and the customer index grow at their
  // end instead of splitting pages all over their B-trees (1M rows into PostgreSQL in a random order took twice the
  // server's CPU).
  const order = await customerIdOrder(ids);
  const connection = await (context as unknown as TransactionClient).client.acquireConnection();
  if (tx.config.get('driver') === PostgreSqlDriver) {
    await copyRows(tx, connection as PgConnection, runId, ids, segment, score, order);
    return;
  }
  // SQLite: plain multi-row INSERTs with bound parameters. Straight on the transaction's libsql connection, one
  // prepared statement for every full batch: through knex each batch's 16,000 bindings were formatted into the query
  // object and its 56 kB of SQL parsed again by SQLite, together as long as the inserts themselves (1M rows: ~6.5 s →
  // ~3 s of CPU).
  const db = connection as LibSqlConnection;
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

/**
 * PostgreSQL: COPY FROM STDIN on the transaction's connection, the rows as COPY text made a piece at a time while the
 * server takes the last ones (the stream's backpressure bounds what is held; the event loop turns between pieces).
 * Against an INSERT of unnest() over array parameters, 100k rows a statement: the server parses no array literals
 * and the host builds no array of quoted strings (1M rows: ~0.8 → ~0.3 s of the host's CPU).
 */
async function copyRows(
  tx: EntityManager,
  connection: PgConnection,
  runId: string,
  ids: readonly string[],
  segment: Int32Array,
  score: Float64Array | undefined,
  order: Int32Array,
): Promise<void> {
  const run = copyText(runId);
  function* pieces(): Generator<string> {
    for (let start = 0; start < ids.length; start += PG_COPY_ROWS) {
      const end = Math.min(ids.length, start + PG_COPY_ROWS);
      let text = '';
      for (let k = start; k < end; k++) {
        const i = order[k];
        // String(float) is the shortest text that reads back as the same double (as the array literals were).
        const value = score && !Number.isNaN(score[i]) ? String(score[i]) : '\\N';
        text += `${run}\t${copyText(ids[i])}\t${segment[i]}\t${value}\n`;
      }
      yield text;
    }
  }
  try {
    await pipeline(Readable.from(pieces(), { objectMode: false }), connection.query(copyFrom(PG_COPY)));
  } catch (e) {
    // Fails as a query through the ORM does: its exception class, and the message `<statement> - <reason>`, which a
    // stored failure cuts to the reason (storedFailureMessage). The statement part names the row COPY failed at (its
    // line of text, PostgreSQL's `where`) for the worker's log, as an INSERT's values would; the detail, which repeats
    // that row and which the converter would add after the reason, is dropped.
    const error = e as Error & { where?: string; detail?: string };
    error.message = `${PG_COPY}${error.where ? ` (${error.where})` : ''} - ${error.message}`;
    delete error.detail;
    throw tx.getDriver().convertException(error);
  }
}

/** A value in COPY's text format: backslash, tab, newline and carriage return escaped (anything else goes as it is). */
function copyText(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'))
    : value;
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

/** What this file uses of a node-postgres client. */
interface PgConnection {
  query<T extends NodeJS.WritableStream>(stream: T): T;
}

/** Sorted customer orders by id list: the runs of one dataset version share their input's ids, so it is sorted once. */
const orders = new WeakMap<readonly string[], Promise<Int32Array>>();

/** Positions of `ids` in ascending id order (as SQLite and PostgreSQL's C collation compare ASCII ids). */
export function customerIdOrder(ids: readonly string[]): Promise<Int32Array> {
  let order = orders.get(ids);
  if (!order) {
    order = sortedPositions(ids);
    orders.set(ids, order);
  }
  return order;
}

/**
 * A merge sort of the positions in steps of {@link SORT_STEP} with a turn for the event loop after each: one sort of
 * 10M ids holds the thread ~10 s, and at a share of a loaded core more than a minute, while the process's timers (a
 * database pool's acquire timeout among them) and requests wait. Runs of SORT_STEP ids are sorted, then merged.
 */
async function sortedPositions(ids: readonly string[]): Promise<Int32Array> {
  const n = ids.length;
  let from = Int32Array.from(ids, (_, i) => i);
  for (let start = 0; start < n; start += SORT_STEP) {
    from
      .subarray(start, Math.min(n, start + SORT_STEP))
      .sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
    await new Promise(setImmediate);
  }
  let to = new Int32Array(n);
  for (let width = SORT_STEP; width < n; width *= 2) {
    let steps = 0;
    for (let low = 0; low < n; low += 2 * width) {
      const middle = Math.min(n, low + width);
      const high = Math.min(n, low + 2 * width);
      let i = low;
      let j = middle;
      for (let k = low; k < high; k++) {
        to[k] = j >= high || (i < middle && !(ids[from[j]] < ids[from[i]])) ? from[i++] : from[j++];
        if (++steps === SORT_STEP) {
          steps = 0;
          await new Promise(setImmediate);
        }
      }
    }
    [from, to] = [to, from];
  }
  return from;
}
