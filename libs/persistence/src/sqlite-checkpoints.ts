import { Worker } from 'node:worker_threads';

/** How often the checkpoint thread moves newly committed WAL frames into the database file. */
export const CHECKPOINT_EVERY_MS = 250;

/**
 * WAL pages (4 KiB each, 1 GiB) after which a committing connection checkpoints by itself after all (SQLite's
 * `wal_autocheckpoint`, 1,000 pages by default): when the checkpoint thread has fallen that far behind or stopped,
 * or one transaction wrote that much (a run of ~6M customers' assignment rows; 1M write ~140 MiB).
 */
export const COMMIT_CHECKPOINT_PAGES = 262_144;

// The thread's body, plain JavaScript (it needs no TypeScript hook): its own connection, a PASSIVE checkpoint on a
// timer. PASSIVE copies what it can without waiting for readers or writers and never blocks them.
const BODY = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.libsql);
const db = new Database(workerData.path);
const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), workerData.everyMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Checkpoints an SQLite database in WAL mode from a thread of its own, so a commit returns once its frames are
 * synced to the WAL instead of also copying them into the database file (SQLite's automatic checkpoint, run by the
 * committing connection: ~1 s of a run's commit of 1M assignment rows). Durability is unchanged: with
 * `synchronous = FULL` (the default) a transaction is durable when its commit frame is synced in the WAL, and a
 * checkpoint only copies committed pages into the database file, syncing that file before the WAL may be reused. A
 * crash before a checkpoint leaves the committed frames in the WAL, which the next connection reads back. The
 * connections of the ORM pool checkpoint by themselves only past {@link COMMIT_CHECKPOINT_PAGES}.
 */
export class SqliteCheckpoints {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(path: string) {
    this.worker = new Worker(BODY, {
      eval: true,
      workerData: { libsql: require.resolve('libsql'), path, everyMs: CHECKPOINT_EVERY_MS },
      // Loads the native module and nothing else: no -r hook of the parent's (a TypeScript one loads ~0.5 s of code).
      execArgv: [],
    });
    // The connection pool's own checkpointing covers a thread that failed; it must not end the process.
    this.exited = new Promise((resolve) => {
      this.worker.once('error', () => undefined);
      this.worker.once('exit', () => resolve());
    });
    this.worker.unref();
  }

  /** Ends the thread and closes its connection (before the pool's, whose last connection checkpoints at close). */
  async stop(): Promise<void> {
    this.worker.postMessage('stop');
    await this.exited;
  }
}
