import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { categorical, createFeatureFrame, numeric, type FeatureFrame } from '@workbench/plugin-sdk';
import { contentHash, decodeFrame, encodeFrame, encodeFrameParts, readFrame } from './frame-codec';
import { StringTable } from './string-table';

/** Ids of every UTF-8 width (1 to 4 bytes a character), an empty one, a long one: as the WBF1 fixture has them. */
const IDS = ['c1', 'é-2', '顧客3', '😀4', '', 'x'.repeat(300), '17850', 'Zoë "quoted", comma'];
const fixtureFrame = () =>
  createFeatureFrame(IDS, {
    spend: numeric([1.5, NaN, -3, 0, 1e300, -0, 7, 8.25]),
    country: categorical(['UK', '', 'Éire', '日本', 'UK', 'FR', '', 'Éire']),
    visits: numeric([1, 2, 3, 4, 5, 6, 7, 8]),
  });
/** Columns as plain arrays with float bits, so -0 and NaN count. */
const plain = (frame: FeatureFrame) => ({
  ids: [...frame.ids],
  columns: Object.fromEntries(
    Object.entries(frame.columns).map(([name, c]) => [
      name,
      c.kind === 'numeric'
        ? Buffer.from(c.values.buffer, c.values.byteOffset, c.values.byteLength).toString('hex')
        : { codes: Array.from(c.codes), levels: c.levels },
    ]),
  ),
});

describe('frame codec', () => {
  const frame = createFeatureFrame(['a', 'b', 'c'], {
    spend: numeric([1.5, NaN, -3]),
    country: categorical(['UK', '', 'FR']),
    visits: numeric([1, 2, 3]),
  });

  it('round-trips ids, numeric values (NaN included) and categories', () => {
    const back = decodeFrame(encodeFrame(frame));
    expect(back.ids).toEqual(['a', 'b', 'c']);
    expect(back.columns.spend.kind === 'numeric' && Array.from(back.columns.spend.values)).toEqual([1.5, NaN, -3]);
    expect(back.columns.country).toEqual(frame.columns.country);
    expect(Object.keys(back.columns)).toEqual(['spend', 'country', 'visits']);
  });

  it('round-trips ids of every width, unicode levels, -0 and NaN bit for bit, and keeps the ids as their table', () => {
    const bytes = encodeFrame(fixtureFrame());
    const stored = readFrame(bytes);
    expect(plain(stored.frame)).toEqual(plain(fixtureFrame()));
    expect(stored.ids.equals(StringTable.of(IDS))).toBe(true);
    // No JSON of row-sized data: the header names columns and sections, never an id or a level.
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
    const header = Buffer.from(bytes.subarray(8, 8 + headerLength)).toString('utf8');
    expect(header).not.toContain('17850');
    expect(header).not.toContain('Éire');
    // Given the ids as a table, the encoder writes the same bytes.
    expect(Buffer.concat(encodeFrameParts(fixtureFrame(), StringTable.of(IDS))).equals(Buffer.from(bytes))).toBe(true);
  });

  it('reads ids and columns as views into the bytes when asked not to copy, with the same content', () => {
    const bytes = encodeFrame(fixtureFrame());
    const views = readFrame(bytes, { copy: false });
    expect(plain(views.frame)).toEqual(plain(readFrame(bytes).frame));
    const spend = views.frame.columns.spend;
    expect(spend.kind === 'numeric' && spend.values.buffer).toBe(bytes.buffer);
    expect(views.ids.bytes.buffer).toBe(bytes.buffer);
    // The default copies: the frame does not hold the artifact's bytes.
    expect(readFrame(bytes).ids.bytes.buffer).not.toBe(bytes.buffer);
  });

  it('round-trips many rows (a million ids of mixed widths)', () => {
    const n = 1_000_000;
    const ids = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? `客-${i}` : String(10_000_000 + i)));
    const values = Float64Array.from({ length: n }, (_, i) => (i % 7 === 0 ? NaN : i / 3));
    const back = readFrame(encodeFrame(createFeatureFrame(ids, { v: { kind: 'numeric', values } })));
    expect(back.ids.equals(StringTable.of(ids))).toBe(true);
    const decoded = back.frame;
    expect([decoded.ids[0], decoded.ids[1], decoded.ids[n - 1]]).toEqual([ids[0], ids[1], ids[n - 1]]);
    const v = decoded.columns.v;
    expect(v.kind === 'numeric' && Buffer.from(v.values.buffer).equals(Buffer.from(values.buffer))).toBe(true);
  });

  it('reads a frame written by the code before WBF2 (ids and levels as JSON), with the same content', () => {
    const old = readFileSync(join(__dirname, '../test/fixtures/frame-wbf1.bin'));
    expect(old.subarray(0, 4).toString('latin1')).toBe('WBF1');
    const stored = readFrame(old);
    expect(plain(stored.frame)).toEqual(plain(fixtureFrame()));
    expect(stored.ids.toArray()).toEqual(IDS);
    expect(plain(decodeFrame(old))).toEqual(plain(fixtureFrame()));
    // Written again, it is the new encoding of the same content.
    expect(Buffer.from(encodeFrame(decodeFrame(old))).equals(Buffer.from(encodeFrame(fixtureFrame())))).toBe(true);
  });

  it('hashes equal content equally and different content differently', () => {
    const same = createFeatureFrame(['a', 'b', 'c'], { ...frame.columns });
    const other = createFeatureFrame(['a', 'b', 'c'], { ...frame.columns, visits: numeric([1, 2, 4]) });
    const renamed = createFeatureFrame(['a', 'b', 'd'], { ...frame.columns });
    expect(contentHash(encodeFrame(same))).toBe(contentHash(encodeFrame(frame)));
    expect(contentHash(encodeFrame(other))).not.toBe(contentHash(encodeFrame(frame)));
    expect(contentHash(encodeFrame(renamed))).not.toBe(contentHash(encodeFrame(frame)));
  });

  it('refuses bytes that are not a frame, and ids that do not fit the columns', () => {
    expect(() => decodeFrame(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow('not a workbench frame');
    expect(() => encodeFrameParts(frame, StringTable.of(['a', 'b']))).toThrow(
      "column 'spend' has 3 values but there are 2 ids",
    );
  });
});
