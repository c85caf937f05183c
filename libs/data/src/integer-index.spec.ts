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

describe('IntegerIndex over ids close together, and when they spread', () => {
  /** Sets `keys` in order (index = position of first sight) and checks every key against a Map afterwards. */
  /** `reserveAt`: where room for twice the keys so far is reserved, -1: never. */
  function agrees(keys: number[], reserve = 0, reserveAt = -1): void {
    const index = new IntegerIndex();
    if (reserve) index.reserve(reserve);
    const reference = new Map<number, number>();
    for (const [at, key] of keys.entries()) {
      if (at === reserveAt) index.reserve(2 * reference.size);
      if (index.get(key) !== (reference.get(key) ?? -1)) throw new Error(`get(${key}) before set`);
      if (!reference.has(key)) {
        reference.set(key, reference.size);
        index.set(key, reference.size - 1);
      }
    }
    const wrong = [...reference].filter(([key, value]) => index.get(key) !== value);
    expect(wrong).toEqual([]);
    for (const absent of [-1, Math.min(...keys) - 1, Math.max(...keys) + 1, 2 ** 52])
      expect(index.get(absent)).toBe(-1);
  }

  it('counts up, counts down, and repeats (invoice numbers, as files hold them)', () => {
    agrees(Array.from({ length: 50_000 }, (_, i) => 536_365 + Math.floor(i / 3)));
    agrees(Array.from({ length: 50_000 }, (_, i) => 900_000 - Math.floor(i / 2)));
  });

  it('takes customer numbers of one range in any order', () => {
    agrees(Array.from({ length: 60_000 }, (_, i) => 10_000_000 + ((i * 7919) % 40_000)));
  });

  it('keeps every key when ids spread too wide for a direct table (early, late, and after a reserve)', () => {
    const close = Array.from({ length: 30_000 }, (_, i) => 1000 + i);
    agrees([5, 2 ** 40, ...close]);
    agrees([...close, 2 ** 40, 7, 2 ** 33 + 1, ...close.map((k) => k + 100_000_000)]);
    agrees([...close, 2 ** 40, ...close.map((k) => k * 3)], 100_000);
  });

  it('keeps every key when room is reserved midway, whichever way the keys go', () => {
    const up = Array.from({ length: 40_000 }, (_, i) => 536_365 + Math.floor(i / 3));
    agrees(up, 0, 20_000);
    agrees([...up].reverse(), 0, 20_000);
    agrees(
      Array.from({ length: 60_000 }, (_, i) => 10_000_000 + ((i * 7919) % 40_000)),
      0,
      1000,
    );
    agrees([...up.slice(0, 100), 2 ** 40, ...up.slice(100)], 0, 5000);
  });
});
