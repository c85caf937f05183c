import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StringTable } from '@workbench/data';
import { decodeAssignments, encodeAssignmentParts, encodeAssignments } from './assignments-codec';

/** As the WBF1 fixture has them: ids of every UTF-8 width, an empty one, a long one. */
const IDS = ['c1', 'é-2', '顧客3', '😀4', '', 'x'.repeat(300), '17850', 'Zoë "quoted", comma'];
const SEGMENT = Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1]);
const SCORE = Float64Array.from([0.5, 0.25, NaN, 1, 0, 0.125, 0.75, 2]);
const hex = (a: Float64Array | undefined) =>
  a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex') : a;

describe('assignments codec', () => {
  it('round-trips ids of every width, segments and scores bit for bit, with the ids as a binary table', () => {
    const bytes = encodeAssignments(IDS, { segment: SEGMENT, score: SCORE });
    expect(Buffer.from(bytes.subarray(0, 4)).toString()).toBe('WBF2');
    const back = decodeAssignments(bytes);
    expect(back.ids).toEqual(IDS);
    expect(back.idTable.equals(StringTable.of(IDS))).toBe(true);
    expect(Array.from(back.segment)).toEqual(Array.from(SEGMENT));
    expect(hex(back.score)).toBe(hex(SCORE));
    // The ids given as a table are written as they are: the same bytes, as parts or whole.
    const parts = encodeAssignmentParts(StringTable.of(IDS), { segment: SEGMENT, score: SCORE });
    expect(Buffer.concat(parts).equals(Buffer.from(bytes))).toBe(true);
    expect(decodeAssignments(encodeAssignments(IDS, { segment: SEGMENT })).score).toBeUndefined();
  });

  it('reads assignments written by the code before WBF2 (ids as JSON), with the same content', () => {
    const old = readFileSync(join(__dirname, '../test/fixtures/assignments-wbf1.bin'));
    expect(old.subarray(0, 4).toString('latin1')).toBe('WBF1');
    const back = decodeAssignments(old);
    expect(back.ids).toEqual(IDS);
    expect(back.idTable.toArray()).toEqual(IDS);
    expect(Array.from(back.segment)).toEqual(Array.from(SEGMENT));
    expect(hex(back.score)).toBe(hex(SCORE));
  });

  it('decodes the ids to strings only when they are asked for', () => {
    const n = 200_000;
    const ids = StringTable.of(Array.from({ length: n }, (_, i) => `客${i}`));
    const back = decodeAssignments(encodeAssignments(ids, { segment: new Int32Array(n) }));
    expect(back.idTable.equals(ids)).toBe(true);
    const first = back.ids;
    expect([first.length, first[n - 1], back.ids === first]).toEqual([n, `客${n - 1}`, true]);
  });

  it('refuses segments that do not fit the ids', () => {
    expect(() => encodeAssignments(['a', 'b'], { segment: Int32Array.from([0]) })).toThrow(
      "column 'segment' has 1 values but there are 2 ids",
    );
  });
});
