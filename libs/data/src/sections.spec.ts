import { align8, sectionParts } from './sections';

describe('sections', () => {
  it('aligns to 8 bytes past 2 GiB and 4 GiB (where 32-bit bitwise arithmetic wraps)', () => {
    expect([0, 1, 7, 8, 9, 4097].map(align8)).toEqual([0, 8, 8, 8, 16, 4104]);
    expect(align8(2 ** 31 - 1)).toBe(2 ** 31);
    expect(align8(2 ** 31 + 1)).toBe(2 ** 31 + 8);
    expect(align8(2 ** 32 + 3)).toBe(2 ** 32 + 8);
    expect(align8(3 * 2 ** 31 + 8)).toBe(3 * 2 ** 31 + 8);
  });

  it('lays sections out back to back, each 8-byte aligned, with the padding as parts', () => {
    const parts = sectionParts(
      'TEST',
      [
        ['a', 'uint8', new Uint8Array([1, 2, 3])],
        ['b', 'float64', new Float64Array([1.5])],
      ],
      (columns) => ({ columns }),
    );
    const head = parts[0];
    const json = JSON.parse(Buffer.from(head.subarray(8)).toString('utf8').replace(/\0+$/, '')) as {
      columns: { name: string; offset: number; byteLength: number }[];
    };
    expect(json.columns.map((c) => [c.name, c.offset, c.byteLength])).toEqual([
      ['a', 0, 3],
      ['b', 8, 8],
    ]);
    expect(head.length % 8).toBe(0);
    expect(parts.slice(1).map((p) => p.length)).toEqual([3, 5, 8]);
  });
});
