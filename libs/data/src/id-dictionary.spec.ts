import { IdDictionary } from './id-dictionary';

describe('IdDictionary', () => {
  it('numbers ids in first-seen order, integer and text ids alike, and returns them as text', () => {
    const ids = new IdDictionary();
    expect([ids.number(17850), ids.text('A-1'), ids.number(13047), ids.number(17850), ids.text('A-1')]).toEqual([
      0, 1, 2, 0, 1,
    ]);
    expect(ids.strings()).toEqual(['17850', 'A-1', '13047']);
  });
});
