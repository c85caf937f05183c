import { IdDictionary } from './id-dictionary';

describe('IdDictionary', () => {
  it('numbers ids in first-seen order, integer and text ids alike, and returns them as text', () => {
    const ids = new IdDictionary();
    expect([ids.number(17850), ids.text('A-1'), ids.number(13047), ids.number(17850), ids.text('A-1')]).toEqual([
      0, 1, 2, 0, 1,
    ]);
    expect(ids.strings()).toEqual(['17850', 'A-1', '13047']);
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
    expect(ids.strings()).toEqual(['17850', 'A-1', 'B-2', String(2 ** 40), '17850x']);
  });
});
