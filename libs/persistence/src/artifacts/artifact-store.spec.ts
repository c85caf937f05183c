import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
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
  });

  it('stores empty content', async () => {
    const key = await store.put(new Uint8Array(0));
    expect((await store.get(key)).byteLength).toBe(0);
  });

  it('throws an error naming the key when getting a missing artifact', async () => {
    await expect(store.get(expectedKey)).rejects.toThrow(`Artifact ${expectedKey} not found`);
  });

  it('rejects a key that is not a sha256 hex digest instead of touching other paths', async () => {
    await expect(store.get('../../etc/passwd')).rejects.toThrow('Invalid artifact key "../../etc/passwd"');
  });
});
