import { StringTable } from '@workbench/data';
import { ComparisonInputError } from './errors';
import { matchCustomers, positionsIn } from './match-customers';

describe('matchCustomers', () => {
  it('pairs the positions of shared ids in A order and counts the rest', () => {
    const match = matchCustomers(['c1', 'c2', 'c3', 'c4'], ['c4', 'c9', 'c1']);
    expect(Array.from(match.indexA)).toEqual([0, 3]);
    expect(Array.from(match.indexB)).toEqual([2, 0]);
    expect(match).toMatchObject({ matched: 2, onlyInA: 2, onlyInB: 1 });
  });

  it('matches nothing when the runs share no customer', () => {
    expect(matchCustomers(['a'], ['b'])).toMatchObject({ matched: 0, onlyInA: 1, onlyInB: 1 });
  });

  it('rejects an id that appears twice in one run', () => {
    expect(() => matchCustomers(['a', 'b'], ['b', 'x', 'b'])).toThrow(
      new ComparisonInputError(
        "idsB: customer 'b' appears twice (positions 0 and 2); a run assigns each customer once",
      ),
    );
    expect(() => matchCustomers(['a', 'a'], ['a'])).toThrow(ComparisonInputError);
  });

  it('matches two equal id lists position by position, and still rejects a repeated id in them as before', () => {
    const match = matchCustomers(['c1', 'c2', 'c3'], ['c1', 'c2', 'c3']);
    expect([Array.from(match.indexA), Array.from(match.indexB)]).toEqual([
      [0, 1, 2],
      [0, 1, 2],
    ]);
    expect(match).toMatchObject({ matched: 3, onlyInA: 0, onlyInB: 0 });
    expect(() => matchCustomers(['a', 'b', 'a'], ['a', 'b', 'a'])).toThrow(
      new ComparisonInputError(
        "idsB: customer 'a' appears twice (positions 0 and 2); a run assigns each customer once",
      ),
    );
  });

  it('with uniqueIds, matches equal lists position by position without the repeat check, and others as without', () => {
    const same = matchCustomers(StringTable.of(['c1', 'c2', 'c3']), StringTable.of(['c1', 'c2', 'c3']), {
      uniqueIds: true,
    });
    expect(same).toMatchObject({ matched: 3, onlyInA: 0, onlyInB: 0, identity: true });
    expect([Array.from(same.indexA), Array.from(same.indexB)]).toEqual([
      [0, 1, 2],
      [0, 1, 2],
    ]);
    // The caller vouches for unique ids, so a repeat is not looked for (it would be found without the option).
    expect(matchCustomers(['a', 'b', 'a'], ['a', 'b', 'a'], { uniqueIds: true }).identity).toBe(true);
    const [a, b] = [
      ['c1', 'c2', 'c3', 'c4'],
      ['c4', 'c9', 'c1'],
    ];
    expect(matchCustomers(a, b, { uniqueIds: true })).toEqual(matchCustomers(a, b));
    expect(matchCustomers(a, b).identity).toBe(false);
  });

  it('matches a million customers with 10% on each side only', () => {
    const n = 1_000_000;
    const idsA = Array.from({ length: n }, (_, i) => `cust-${i}`);
    const idsB = Array.from({ length: n }, (_, i) => `cust-${i + n / 10}`);
    const match = matchCustomers(idsA, idsB);
    expect(match).toMatchObject({ matched: 900_000, onlyInA: 100_000, onlyInB: 100_000 });
    expect(match.indexA[0]).toBe(100_000);
    expect(match.indexB[0]).toBe(0);
  });

  it('matches ids stored as binary tables (any width, unicode) as it matches strings, and names a repeat', () => {
    const a = ['é', '顧客', '😀', '', 'plain', 'e\u0301'];
    const b = ['plain', 'e\u0301', 'x', '😀', 'é'];
    const expected = matchCustomers(a, b);
    const tables = matchCustomers(StringTable.of(a), StringTable.of(b));
    expect(tables).toEqual(expected);
    expect([Array.from(tables.indexA), Array.from(tables.indexB)]).toEqual([
      [0, 2, 4, 5],
      [4, 3, 0, 1],
    ]);
    expect(() => matchCustomers(StringTable.of(['😀', 'b', '😀']), StringTable.of(['z']))).toThrow(
      new ComparisonInputError(
        "idsA: customer '😀' appears twice (second time at position 2); a run assigns each customer once",
      ),
    );
  });
});

describe('positionsIn', () => {
  it("gives each id's position in the other list, -1 for those not there", () => {
    expect(Array.from(positionsIn(['c', 'a', 'zz', '顧客'], ['a', 'b', 'c', '顧客']))).toEqual([2, 0, -1, 3]);
    expect(Array.from(positionsIn(StringTable.of(['x', 'y']), ['x', 'y']))).toEqual([0, 1]);
    expect(Array.from(positionsIn([], ['x']))).toEqual([]);
  });
});
