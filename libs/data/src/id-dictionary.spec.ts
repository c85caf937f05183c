import { IdDictionary } from './id-dictionary';

describe('IdDictionary', () => {
  it('numbers ids in first-seen order, integer and text ids alike, and returns them as text', () => {
    const ids = new IdDictionary();
    expect([ids.number(17850), ids.text('A-1'), ids.number(13047), ids.number(17850), ids.text('A-1')]).toEqual([
      0, 1, 2, 0, 1,
    ]);
    expect(ids.stringTable().toArray()).toEqual(['17850', 'A-1', '13047']);
  });

  it("merges another dictionary's ids in its order, giving where each is here (new ones after, first seen first)", () => {
    const ids = new IdDictionary();
    ids.number(17850);
    ids.text('A-1');
    const later = new IdDictionary();
    for (const id of ['B-2', 17850, 2 ** 40, 'A-1', '17850x'])
      if (typeof id === 'number') later.number(id);
      else later.text(id);
    expect(Array.from(ids.merge(later.parts()))).toEqual([2, 0, 3, 1, 4]);
    expect(ids.stringTable().toArray()).toEqual(['17850', 'A-1', 'B-2', String(2 ** 40), '17850x']);
  });
});

describe('IdDictionary.stringTable', () => {
  it('writes the ids as String writes them: integers of any size, text ids (UTF-8) in their places', () => {
    const ids = new IdDictionary();
    const integers = [0, 7, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, 4_294_967_296, 999_999_999_999_999, 17850];
    ids.text('C-1');
    for (const key of integers) ids.number(key);
    ids.text('客-9');
    ids.text('');
    ids.number(10_000_000);
    const table = ids.stringTable();
    expect(table.toArray()).toEqual(['C-1', ...integers.map(String), '客-9', '', '10000000']);
  });

  it('merges in one pass many integer ids (a later part of a file) with the whole order kept', () => {
    const first = new IdDictionary();
    for (let i = 0; i < 5000; i++) first.number(1_000_000 + i);
    const later = new IdDictionary();
    for (let i = 0; i < 10_000; i++)
      if (i % 1000 === 0) later.text(`C${i}`);
      else later.number(1_002_500 + i);
    const at = first.merge(later.parts());
    expect(at[1]).toBe(2501);
    expect(at[2498]).toBe(4998);
    // New here: C0, C1000 and C2000 first, then 1,005,000.
    expect(at[2500]).toBe(5003);
    expect(first.size).toBe(5000 + 10_000 - 2497);
    const strings = first.stringTable().toArray();
    expect(Array.from(at, (k) => strings[k])).toEqual(
      Array.from({ length: 10_000 }, (_, i) => (i % 1000 === 0 ? `C${i}` : String(1_002_500 + i))),
    );
  });
});

describe('IdDictionary.tableAhead', () => {
  it('changes nothing the dictionary gives, however far it got and whether the ids added after fit the room or not', () => {
    const add = (ids: IdDictionary, list: (number | string)[]) => {
      for (const id of list)
        if (typeof id === 'number') ids.number(id);
        else ids.text(id);
    };
    for (const before of [
      [1, 'C2', 30],
      // Wider than the last id, by which the room is sized: its touching must not reach back into them.
      ['a text id far wider than the last one', 'and another', 1],
    ])
      for (const slices of [1, 2, 3, 10, 100])
        for (const later of [[5, 6, 7], [123_456_789, 2 ** 40], ['a much longer text id than the room was made for']]) {
          const ids = new IdDictionary();
          ids.reserve(4);
          add(ids, before);
          for (let k = 0; k < slices && ids.tableAhead(1); k++);
          add(ids, later);
          expect(ids.stringTable().toArray()).toEqual([...before, ...later].map(String));
        }
  });
});

describe('IdDictionary with a prefix', () => {
  it('keys prefixed ids apart from integers and texts, and writes them back whole, in slices and merged', () => {
    const prefix = new TextEncoder().encode('C');
    const add = (ids: IdDictionary, list: (number | string | ['C', number])[]) =>
      list.map((id) =>
        typeof id === 'number' ? ids.number(id) : typeof id === 'string' ? ids.text(id) : ids.prefixed(id[1]),
      );
    for (const slices of [0, 1, 3, 100]) {
      const ids = new IdDictionary(prefix);
      ids.reserve(8);
      expect(add(ids, [536379, ['C', 536379], 'C007', ['C', 0], ['C', 536379], 536379])).toEqual([0, 1, 2, 3, 1, 0]);
      for (let k = 0; k < slices && ids.tableAhead(1); k++);
      const later = new IdDictionary(prefix);
      add(later, [['C', 0], ['C', 2 ** 40], 'x', 7]);
      expect(Array.from(ids.merge(later.parts()))).toEqual([3, 4, 5, 6]);
      expect(ids.stringTable().toArray()).toEqual(['536379', 'C536379', 'C007', 'C0', `C${2 ** 40}`, 'x', '7']);
    }
  });
});
