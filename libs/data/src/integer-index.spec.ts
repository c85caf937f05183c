import { IntegerIndex } from './integer-index';

describe('IntegerIndex', () => {
  it('agrees with a Map over many keys, across growth and above 2^32', () => {
    const index = new IntegerIndex();
    const reference = new Map<number, number>();
    // Keys spread far apart and close together, including ids beyond 32 bits whose low halves collide.
    for (let i = 0; i < 20_000; i++) {
      const key = i % 2 === 0 ? i * 7919 : 2 ** 32 * (i % 5) + i;
      index.set(key, i);
      reference.set(key, i);
    }
    for (const [key, value] of reference) expect(index.get(key)).toBe(value);
    expect(index.get(123_456_789_012)).toBe(-1);
  });

  it('keeps every key and index when room is reserved before, between and after the keys go in', () => {
    const index = new IntegerIndex();
    index.set(5, 0);
    index.reserve(50_000);
    for (let i = 1; i < 30_000; i++) index.set(i * 104_729, i);
    index.reserve(10);
    index.reserve(100_000);
    expect(index.get(5)).toBe(0);
    const wrong: number[] = [];
    for (let i = 1; i < 30_000; i++) if (index.get(i * 104_729) !== i) wrong.push(i);
    expect(wrong).toEqual([]);
    expect(index.get(7)).toBe(-1);
  });
});
