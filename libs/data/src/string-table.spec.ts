import { turnsDuring } from '../test/turns';
import { StringTable, StringTableIndex } from './string-table';

/** Ids of every UTF-8 width (1 to 4 bytes a character), empty, long, and ones that differ only late or by width. */
const WIDE = ['c1', 'é-2', '顧客3', '😀4', '', 'x'.repeat(300), '17850', '17850.0', 'Zoë "q", comma', 'e\u0301', 'é'];

describe('StringTable', () => {
  it('round-trips ids of every width, unicode, empty and long ones', () => {
    const table = StringTable.of(WIDE);
    expect(table.toArray()).toEqual(WIDE);
    expect(WIDE.map((_, i) => table.at(i))).toEqual(WIDE);
    expect(table.ends.at(-1)).toBe(WIDE.reduce((n, id) => n + Buffer.byteLength(id), 0));
    // Built from another list of ids (e.g. a table's own), it is the same table.
    expect(StringTable.of(table)).toBe(table);
    expect(StringTable.of({ length: 2, at: (i) => ['a', 'bc'][i] }).toArray()).toEqual(['a', 'bc']);
  });

  it('decodes the same strings in steps, with a turn for other callbacks after each', async () => {
    const table = StringTable.of(WIDE);
    // Steps of 3 over 11 ids: the steps start mid-table, after ids of every width.
    let decoded: string[] = [];
    const turns = await turnsDuring(async () => (decoded = await table.toArrayYielding(3)));
    expect(decoded).toEqual(WIDE);
    expect(turns).toBeGreaterThanOrEqual(3);
    expect(await table.toArrayYielding(100)).toEqual(WIDE);
    expect(await new StringTable(new Uint32Array(0), new Uint8Array(0)).toArrayYielding()).toEqual([]);
  });

  it('gives a table of no ids, and undefined past either end', () => {
    const empty = new StringTable(new Uint32Array(0), new Uint8Array(0));
    expect([empty.length, empty.at(0), empty.toArray()]).toEqual([0, undefined, []]);
    const two = new StringTable(Uint32Array.of(1, 3), Buffer.from('abc'));
    expect([two.at(0), two.at(1), two.at(-1), two.at(2)]).toEqual(['a', 'bc', 'bc', undefined]);
  });

  it('is equal to a table of the same ids in the same order only', () => {
    const table = StringTable.of(WIDE);
    expect(table.equals(StringTable.of([...WIDE]))).toBe(true);
    // Same bytes, cut differently: 'ab','c' is not 'a','bc'.
    expect(StringTable.of(['ab', 'c']).equals(StringTable.of(['a', 'bc']))).toBe(false);
    expect(table.equals(StringTable.of([...WIDE].reverse()))).toBe(false);
    expect(table.equals(StringTable.of(WIDE.slice(1)))).toBe(false);
    // A view into a larger buffer compares by its own bytes.
    const bytes = Buffer.from('__abc__');
    expect(new StringTable(Uint32Array.of(1, 3), bytes.subarray(2, 5)).equals(StringTable.of(['a', 'bc']))).toBe(true);
  });
});

describe('StringTableIndex', () => {
  it('finds every id by its bytes and agrees with a Map over many ids, unicode and near-collisions included', () => {
    const ids = [
      ...WIDE,
      ...Array.from({ length: 30_000 }, (_, i) => (i % 3 === 0 ? `${100_000 + i}` : `cust-${i}-ü`)),
    ];
    const table = StringTable.of(ids);
    const index = new StringTableIndex(table);
    for (let i = 0; i < table.length; i++) expect(index.add(i)).toBe(-1);
    const reference = new Map(ids.map((id, i) => [id, i]));
    const wrong: string[] = [];
    const probe = StringTable.of([...ids, 'absent', 'cust-1-u', '😀', '17850.00']);
    for (let i = 0; i < probe.length; i++) {
      const expected = reference.get(probe.at(i) as string) ?? -1;
      if (index.findIn(probe, i) !== expected) wrong.push(probe.at(i) as string);
    }
    expect(wrong).toEqual([]);
  });

  it('reports a repeated id with the position of its first occurrence, which keeps its place', () => {
    const table = StringTable.of(['a', 'é', 'b', 'é', 'a', '']);
    const index = new StringTableIndex(table);
    expect(Array.from({ length: table.length }, (_, i) => index.add(i))).toEqual([-1, -1, -1, 1, 0, -1]);
    expect(index.find(Buffer.from('é'), 0, 2)).toBe(1);
    expect(index.find(Buffer.from('x'), 0, 0)).toBe(5);
  });
});
