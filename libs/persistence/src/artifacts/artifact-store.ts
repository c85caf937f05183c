import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, unlink, utimes, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Reads one stored artifact piece by piece, so a table larger than any single buffer (or than the 2 GiB a
 * whole-file read allows) can be loaded column by column.
 */
export interface ArtifactReader {
  /** Bytes stored. */
  readonly size: number;
  /** Fills `target` with the bytes from `position` on; throws when the artifact ends first. */
  read(target: Uint8Array, position: number): Promise<void>;
  close(): Promise<void>;
}

/** Content-addressed blob storage for data too big for the database (columnar data, models, assignments). */
export interface ArtifactStore {
  /**
   * Stores the bytes and returns their key (sha256, lowercase hex). Storing the same bytes again is a no-op.
   * Content given as parts is stored as their concatenation (the key is its hash), without building it in memory.
   */
  put(content: Uint8Array | readonly Uint8Array[]): Promise<string>;
  /** The bytes stored under `key`, whole; throws if there are none. For artifacts that fit one buffer (models, frames). */
  get(key: string): Promise<Uint8Array>;
  /** A reader of the bytes stored under `key`; throws if there are none. Close it when done. */
  open(key: string): Promise<ArtifactReader>;
  has(key: string): Promise<boolean>;
  /** Every stored artifact with its size and when it was last stored (a `put` of content already there counts). */
  list(): AsyncIterable<StoredArtifact>;
  /**
   * Deletes the artifact when it was last stored before `storedBefore` (checked just before deleting, so a `put`
   * of the same content meanwhile keeps it); answers the bytes freed, 0 when kept or absent.
   */
  removeIfStoredBefore(key: string, storedBefore: Date): Promise<number>;
  /**
   * Removes what puts that never finished left behind (a process killed mid-put: its content written aside, never
   * made an artifact) when last written before `writtenBefore` (a put in progress keeps writing); answers the files
   * and their bytes. On a dry run they are counted, not removed.
   */
  removeUnfinishedPuts(writtenBefore: Date, dryRun?: boolean): Promise<{ files: number; bytes: number }>;
}

/** One artifact as {@link ArtifactStore.list} reports it. */
export interface StoredArtifact {
  key: string;
  bytes: number;
  storedAt: Date;
}

const KEY_PATTERN = /^[0-9a-f]{64}$/;
/** The folder of the keys that start with its name's two hex digits. */
const FOLDER_PATTERN = /^[0-9a-f]{2}$/;
/** A put's content written aside: `<pid>.<random>.tmp` in the store's root (in a key folder before, as `<rest of key>.<random>.tmp`). */
const UNFINISHED_PATTERN = /\.tmp$/;

/** Bytes hashed, read or written per call unless a store is told otherwise. */
const DEFAULT_CHUNK_BYTES = 8 << 20;

/**
 * The key of `content`: its SHA-256, hashed `chunkBytes` at a time with a turn for the event loop after each
 * (hashing a table of 100M rows in one call holds the process, its other requests and its database pool's timers,
 * for seconds).
 */
export async function artifactKeyOf(
  content: Uint8Array | readonly Uint8Array[],
  chunkBytes = DEFAULT_CHUNK_BYTES,
): Promise<string> {
  const hash = createHash('sha256');
  for (const part of content instanceof Uint8Array ? [content] : content) {
    for (let at = 0; at < part.byteLength; at += chunkBytes) {
      hash.update(part.subarray(at, at + chunkBytes));
      await new Promise(setImmediate);
    }
  }
  return hash.digest('hex');
}

/** Removes a file; one removed meanwhile (by a concurrent collection) is no error. */
async function unlinkIfPresent(path: string): Promise<void> {
  await unlink(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

/** Writes a put keeps queued at once (see {@link LocalArtifactStore.put}); libuv's other threads stay free. */
const WRITES_IN_FLIGHT = 2;

/**
 * The concatenation of `parts` as pieces of at most `chunkBytes` (one write call is limited to 2 GiB; chunks also
 * keep each call's copy into the kernel small), with their positions in it. Several writers share one iterator.
 */
function* piecesOf(
  parts: readonly Uint8Array[],
  chunkBytes: number,
): Generator<{ part: Uint8Array; at: number; length: number; position: number }> {
  let position = 0;
  for (const part of parts) {
    for (let at = 0; at < part.byteLength; at += chunkBytes) {
      const length = Math.min(chunkBytes, part.byteLength - at);
      yield { part, at, length, position };
      position += length;
    }
  }
}

export interface LocalArtifactStoreOptions {
  /** Bytes per read or write call. Default 8 MiB; tests set it small to cross many chunk boundaries. */
  chunkBytes?: number;
}

/** Files under `rootDir/ab/cdef…` (first two hex digits as a folder, as git does, to keep folders small). */
export class LocalArtifactStore implements ArtifactStore {
  private readonly chunkBytes: number;

  constructor(
    private readonly rootDir: string,
    options: LocalArtifactStoreOptions = {},
  ) {
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    if (!Number.isInteger(this.chunkBytes) || this.chunkBytes < 1)
      throw new Error(`chunkBytes: expected a positive integer, got ${options.chunkBytes}`);
  }

  async put(content: Uint8Array | readonly Uint8Array[]): Promise<string> {
    const parts = content instanceof Uint8Array ? [content] : content;
    // Written aside while it is hashed (the writes run on libuv's threads, the hash on this one: a table of hundreds
    // of megabytes takes the longer of the two, not both), then renamed to its key: readers never see a half-written
    // file, and concurrent puts of the same content both end with the same complete file. Outside the key folders,
    // so that a put in progress is no artifact (yet).
    await mkdir(this.rootDir, { recursive: true });
    const temp = join(this.rootDir, `${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      // Both settle before a failure is the put's: the temp file is removed after its last write, not before.
      const [hashed, written] = await Promise.allSettled([
        artifactKeyOf(parts, this.chunkBytes),
        this.write(temp, parts),
      ]);
      if (written.status === 'rejected') throw written.reason;
      if (hashed.status === 'rejected') throw hashed.reason;
      const key = hashed.value;
      const target = this.pathOf(key);
      if (await this.has(key)) {
        // Stored again now: the garbage collector's grace period starts over, so a row about to reference
        // this content (a new run with an old run's model) does not lose it.
        const now = new Date();
        await utimes(target, now, now).catch(() => undefined);
        await rm(temp, { force: true });
        return key;
      }
      await mkdir(join(this.rootDir, key.slice(0, 2)), { recursive: true });
      await rename(temp, target);
      return key;
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  private async write(path: string, parts: readonly Uint8Array[]): Promise<void> {
    const file = await open(path, 'w');
    try {
      // Positional writes, WRITES_IN_FLIGHT at a time: while one is copied into the kernel the next waits on libuv's
      // threads, so the file grows on while this thread hashes or computes (a write at a time waited for this thread
      // between writes: 347 MiB took 0.7-1.25 s to write here, 0.65-0.7 s two at a time when the machine was quiet).
      const pieces = piecesOf(parts, this.chunkBytes);
      const writer = async () => {
        for (const { part, at, length, position } of pieces) {
          // A failing writer closes the iterator they share, which stops the other one too.
          for (let done = 0; done < length; ) {
            const { bytesWritten } = await file.write(part, at + done, length - done, position + done);
            done += bytesWritten;
          }
        }
      };
      // Every write settles before the file is closed (and, on failure, removed); the first failure is the put's.
      const writers = await Promise.allSettled(Array.from({ length: WRITES_IN_FLIGHT }, writer));
      for (const w of writers) if (w.status === 'rejected') throw w.reason;
    } finally {
      await file.close();
    }
  }

  async get(key: string): Promise<Uint8Array> {
    const reader = await this.open(key);
    try {
      const bytes = new Uint8Array(reader.size);
      await reader.read(bytes, 0);
      return bytes;
    } finally {
      await reader.close();
    }
  }

  async open(key: string): Promise<ArtifactReader> {
    let file: FileHandle;
    try {
      file = await open(this.pathOf(key), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new Error(`Artifact ${key} not found in ${this.rootDir}`);
      }
      throw err;
    }
    const { size } = await file.stat();
    const chunkBytes = this.chunkBytes;
    return {
      size,
      async read(target: Uint8Array, position: number): Promise<void> {
        if (position < 0 || position + target.byteLength > size) {
          throw new Error(
            `Artifact ${key}: reading ${target.byteLength} bytes at ${position} runs past its ${size} bytes`,
          );
        }
        for (let at = 0; at < target.byteLength; ) {
          const { bytesRead } = await file.read(
            target,
            at,
            Math.min(chunkBytes, target.byteLength - at),
            position + at,
          );
          if (bytesRead === 0) throw new Error(`Artifact ${key} ended at ${position + at} of ${size} bytes`);
          at += bytesRead;
        }
      },
      close: () => file.close(),
    };
  }

  async has(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  async *list(): AsyncIterable<StoredArtifact> {
    let folders: string[];
    try {
      folders = (await readdir(this.rootDir)).filter((name) => FOLDER_PATTERN.test(name)).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const folder of folders) {
      // Only names that make a key (a put in progress writes outside these folders; earlier ones wrote `.tmp` files here).
      for (const rest of (await readdir(join(this.rootDir, folder))).sort()) {
        const key = folder + rest;
        if (!KEY_PATTERN.test(key)) continue;
        const info = await stat(join(this.rootDir, folder, rest)).catch(() => null);
        if (info?.isFile()) yield { key, bytes: info.size, storedAt: info.mtime };
      }
    }
  }

  async removeIfStoredBefore(key: string, storedBefore: Date): Promise<number> {
    const path = this.pathOf(key);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile() || info.mtime >= storedBefore) return 0;
    await unlinkIfPresent(path);
    return info.size;
  }

  async removeUnfinishedPuts(writtenBefore: Date, dryRun = false): Promise<{ files: number; bytes: number }> {
    let root: string[];
    try {
      root = await readdir(this.rootDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { files: 0, bytes: 0 };
      throw err;
    }
    const paths = root.filter((name) => UNFINISHED_PATTERN.test(name)).map((name) => join(this.rootDir, name));
    for (const folder of root.filter((name) => FOLDER_PATTERN.test(name)))
      for (const name of await readdir(join(this.rootDir, folder)).catch(() => []))
        if (UNFINISHED_PATTERN.test(name)) paths.push(join(this.rootDir, folder, name));
    const removed = { files: 0, bytes: 0 };
    for (const path of paths) {
      const info = await stat(path).catch(() => null);
      if (!info?.isFile() || info.mtime >= writtenBefore) continue;
      if (!dryRun) await unlinkIfPresent(path);
      removed.files++;
      removed.bytes += info.size;
    }
    return removed;
  }

  private pathOf(key: string): string {
    if (!KEY_PATTERN.test(key)) {
      throw new Error(`Invalid artifact key "${key}": expected 64 lowercase hex characters (sha256)`);
    }
    return join(this.rootDir, key.slice(0, 2), key.slice(2));
  }
}
