import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeFrameParts, readFrame, StringTable } from '@workbench/data';
import { decodeAssignments, encodeAssignmentParts } from '@workbench/engine';
import { LocalArtifactStore } from '@workbench/persistence';
import { categorical, createFeatureFrame, numeric } from '@workbench/plugin-sdk';

// Frames and assignments stored through the artifact store with a tiny chunk size, so every section (id ends, id
// bytes, values, levels) crosses many chunk boundaries on the way in and out.
describe('ids stored as binary tables through a chunked artifact store', () => {
  const root = mkdtempSync(join(tmpdir(), 'wb-stored-ids-'));
  const store = new LocalArtifactStore(root, { chunkBytes: 13 });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  // 1- to 4-byte characters, empty and long ids, spread over 20,000 rows.
  const widths = ['a', 'é', '顧', '😀'];
  const ids = Array.from({ length: 20_000 }, (_, i) =>
    i === 7 ? '' : i === 8 ? 'L'.repeat(1000) : `${widths[i % 4].repeat(1 + (i % 5))}-${i}`,
  );

  it('writes and reads back a frame spanning many chunks, ids and levels byte for byte', async () => {
    const frame = createFeatureFrame(ids, {
      spend: numeric(ids.map((_, i) => (i % 9 === 0 ? NaN : i / 7))),
      country: categorical(ids.map((_, i) => ['UK', 'Éire', '日本', ''][i % 4])),
    });
    const key = await store.put(encodeFrameParts(frame));
    const back = readFrame(await store.get(key));
    expect(back.ids.equals(StringTable.of(ids))).toBe(true);
    expect(back.frame.ids).toEqual(ids);
    expect(back.frame.columns).toEqual(frame.columns);
  });

  it('writes and reads back assignments spanning many chunks', async () => {
    const segment = Int32Array.from(ids, (_, i) => i % 6);
    const score = Float64Array.from(ids, (_, i) => Math.sqrt(i));
    const key = await store.put(encodeAssignmentParts(StringTable.of(ids), { segment, score }));
    const back = decodeAssignments(await store.get(key));
    expect(back.ids).toEqual(ids);
    expect([back.segment, back.score]).toEqual([segment, score]);
  });
});
