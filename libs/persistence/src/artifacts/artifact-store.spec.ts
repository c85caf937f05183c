import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, open, readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArtifactStore } from './artifact-store';

describe('LocalArtifactStore', () => {
  let root: string;
  let store: LocalArtifactStore;
  const bytes = new TextEncoder().encode('id,age\n1,40\n');
  const expectedKey = createHash('sha256').update(bytes).digest('hex');

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'wb-artifacts-'));
    store = new LocalArtifactStore(root);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('keys content by its sha256 and stores it under root/ab/cdef…', async () => {
    const key = await store.put(bytes);
    expect(key).toBe(expectedKey);
    expect(await readFile(join(root, key.slice(0, 2), key.slice(2)))).toEqual(Buffer.from(bytes));
  });

  it('returns the stored bytes', async () => {
    const key = await store.put(bytes);
    const read = await store.get(key);
    expect(read).toBeInstanceOf(Uint8Array);
    expect(Array.from(read)).toEqual(Array.from(bytes));
  });

  it('reports whether a key is stored', async () => {
    expect(await store.has(expectedKey)).toBe(false);
    await store.put(bytes);
    expect(await store.has(expectedKey)).toBe(true);
  });

  it('treats a put of existing content as a no-op and leaves no temp files', async () => {
    const [a, b] = await Promise.all([store.put(bytes), store.put(bytes)]);
    expect(await store.put(bytes)).toBe(a);
    expect(b).toBe(a);
    expect(await readdir(join(root, a.slice(0, 2)))).toEqual([a.slice(2)]);
    expect(await readdir(root)).toEqual([a.slice(0, 2)]);
  });

  it('stores empty content', async () => {
    const key = await store.put(new Uint8Array(0));
    expect((await store.get(key)).byteLength).toBe(0);
  });

  it('throws an error naming the key when getting a missing artifact', async () => {
    await expect(store.get(expectedKey)).rejects.toThrow(`Artifact ${expectedKey} not found`);
  });

  describe('in chunks (chunkBytes 7, so every read and write crosses many chunk boundaries)', () => {
    // 10,007 bytes: not a multiple of the chunk size, and a pattern that shows a chunk read twice or skipped.
    const table = Uint8Array.from({ length: 10_007 }, (_, i) => (i * 31 + (i >> 8)) & 0xff);
    let chunked: LocalArtifactStore;
    beforeEach(() => {
      chunked = new LocalArtifactStore(root, { chunkBytes: 7 });
    });

    it('writes and reads back a table spanning many chunks, byte for byte', async () => {
      const key = await chunked.put(table);
      expect(key).toBe(createHash('sha256').update(table).digest('hex'));
      expect(Buffer.compare(await readFile(join(root, key.slice(0, 2), key.slice(2))), Buffer.from(table))).toBe(0);
      expect(Buffer.compare(Buffer.from(await chunked.get(key)), Buffer.from(table))).toBe(0);
    });

    it('stores parts as their concatenation, under the hash of the whole', async () => {
      const parts = [table.subarray(0, 3), table.subarray(3, 3), table.subarray(3, 5000), table.subarray(5000)];
      const key = await chunked.put(parts);
      expect(key).toBe(createHash('sha256').update(table).digest('hex'));
      expect(Buffer.compare(Buffer.from(await new LocalArtifactStore(root).get(key)), Buffer.from(table))).toBe(0);
    });

    it('removes its temp file and stores nothing when a put fails midway, after its writes have settled', async () => {
      const parts = [table.subarray(0, 5000), table.subarray(5000, 6000), table.subarray(6000)];
      Object.defineProperty(parts, 2, {
        get() {
          throw new Error('no such part');
        },
      });
      await expect(chunked.put(parts)).rejects.toThrow('no such part');
      expect(await readdir(root)).toEqual([]);
    });

    it('reads any range through a reader, and refuses one past the end', async () => {
      const key = await chunked.put(table);
      const reader = await chunked.open(key);
      try {
        expect(reader.size).toBe(table.length);
        for (const [position, length] of [
          [0, 1],
          [5, 13],
          [6, 7],
          [9_990, 17],
          [1234, 5678],
        ]) {
          const target = new Uint8Array(length);
          await reader.read(target, position);
          expect(Array.from(target)).toEqual(Array.from(table.subarray(position, position + length)));
        }
        await expect(reader.read(new Uint8Array(2), table.length - 1)).rejects.toThrow(
          `Artifact ${key}: reading 2 bytes at 10006 runs past its 10007 bytes`,
        );
      } finally {
        await reader.close();
      }
    });

    it('reads at positions past 2 GiB and 4 GiB (a sparse 5 GiB artifact), where 32-bit offsets would wrap', async () => {
      // A sparse file costs no disk: only the marked bytes are written. The store does not check content
      // against its key when reading, so the file can sit under any valid key.
      const key = 'ab'.repeat(32);
      await mkdir(join(root, 'ab'), { recursive: true });
      const size = 5 * 2 ** 30;
      const marks = [2 ** 31 - 5, 2 ** 32 - 3, size - 10];
      const file = await open(join(root, 'ab', key.slice(2)), 'w');
      try {
        await file.truncate(size);
        for (const at of marks) await file.write(table.subarray(0, 10), 0, 10, at);
      } finally {
        await file.close();
      }
      const reader = await chunked.open(key);
      try {
        expect(reader.size).toBe(size);
        for (const at of marks) {
          const target = new Uint8Array(12);
          await reader.read(target.subarray(0, Math.min(12, size - at + 2)), at - 2);
          expect(Array.from(target.subarray(2, 12))).toEqual(Array.from(table.subarray(0, 10)));
          expect(Array.from(target.subarray(0, 2))).toEqual([0, 0]);
        }
        await expect(reader.read(new Uint8Array(11), size - 10)).rejects.toThrow(
          `reading 11 bytes at ${size - 10} runs past its ${size} bytes`,
        );
      } finally {
        await reader.close();
      }
    });

    it('refuses a chunk size that is not a positive integer', () => {
      expect(() => new LocalArtifactStore(root, { chunkBytes: 0 })).toThrow(
        'chunkBytes: expected a positive integer, got 0',
      );
    });
  });

  it('removes what a put killed halfway left written aside, once it is older than asked, and no artifact', async () => {
    const kept = await store.put(bytes);
    // A process putting 4 MB a byte per write call, killed once its content is on the disk in part.
    const child = spawn(
      process.execPath,
      [
        '-r',
        join(__dirname, '../../../../tools/register.js'),
        '-e',
        `const { LocalArtifactStore } = require(${JSON.stringify(join(__dirname, 'artifact-store.ts'))});
         void new LocalArtifactStore(process.argv[1], { chunkBytes: 1 }).put(new Uint8Array(4 << 20).fill(7));`,
        root,
      ],
      { stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const unfinished = async () => (await readdir(root)).filter((name) => name.endsWith('.tmp'));
    const written = async () => {
      const [name] = await unfinished();
      return name ? (await stat(join(root, name))).size : 0;
    };
    try {
      const deadline = Date.now() + 30_000;
      while ((await written()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const [left] = await unfinished();
    expect(left).toMatch(/^\d+\.[0-9a-f]{12}\.tmp$/);
    const artifacts = [];
    for await (const a of store.list()) artifacts.push(a.key);
    expect(artifacts).toEqual([kept]);

    const hourAgo = new Date(Date.now() - 3600_000);
    expect(await store.removeUnfinishedPuts(hourAgo)).toEqual({ files: 0, bytes: 0 });
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(join(root, left), twoHoursAgo, twoHoursAgo);
    const size = (await readFile(join(root, left))).length;
    expect(size).toBeGreaterThan(0);
    expect(await store.removeUnfinishedPuts(hourAgo, true)).toEqual({ files: 1, bytes: size });
    expect(await unfinished()).toEqual([left]);
    expect(await store.removeUnfinishedPuts(hourAgo)).toEqual({ files: 1, bytes: size });
    expect(await unfinished()).toEqual([]);
    expect(await store.has(kept)).toBe(true);
  }, 60_000);

  it('rejects a key that is not a sha256 hex digest instead of touching other paths', async () => {
    await expect(store.get('../../etc/passwd')).rejects.toThrow('Invalid artifact key "../../etc/passwd"');
  });
});
