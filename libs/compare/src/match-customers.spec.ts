import { ComparisonInputError } from './errors';
import { matchCustomers } from './match-customers';

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

  it('matches a million customers with 10% on each side only', () => {
    const n = 1_000_000;
    const idsA = Array.from({ length: n }, (_, i) => `cust-${i}`);
    const idsB = Array.from({ length: n }, (_, i) => `cust-${i + n / 10}`);
    const match = matchCustomers(idsA, idsB);
    expect(match).toMatchObject({ matched: 900_000, onlyInA: 100_000, onlyInB: 100_000 });
    expect(match.indexA[0]).toBe(100_000);
    expect(match.indexB[0]).toBe(0);
  });
});
