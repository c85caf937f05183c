import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Content-addressed blob storage for data too big for the database (columnar data, models, assignments). */
export interface ArtifactStore {
  /** Stores the bytes and returns their key (sha256, lowercase hex). Storing the same bytes again is a no-op. */
  put(bytes: Uint8Array): Promise<string>;
  /** The bytes stored under `key`; throws if there are none. */
  get(key: string): Promise<Uint8Array>;
  has(key: string): Promise<boolean>;
}

const KEY_PATTERN = /^[0-9a-f]{64}$/;

export function artifactKeyOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Files under `rootDir/ab/cdef…` (first two hex digits as a folder, as git does, to keep folders small). */
export class LocalArtifactStore implements ArtifactStore {
  constructor(private readonly rootDir: string) {}

  async put(bytes: Uint8Array): Promise<string> {
    const key = artifactKeyOf(bytes);
    const target = this.pathOf(key);
    if (await this.has(key)) return key;
    await mkdir(join(this.rootDir, key.slice(0, 2)), { recursive: true });
    // Write aside, then rename: readers never see a half-written file, and concurrent puts of the
    // same content both end with the same complete file.
    const temp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temp, bytes);
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return key;
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      const buffer = await readFile(this.pathOf(key));
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new Error(`Artifact ${key} not found in ${this.rootDir}`);
      }
      throw err;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  private pathOf(key: string): string {
    if (!KEY_PATTERN.test(key)) {
      throw new Error(`Invalid artifact key "${key}": expected 64 lowercase hex characters (sha256)`);
    }
    return join(this.rootDir, key.slice(0, 2), key.slice(2));
  }
}
