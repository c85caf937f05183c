import { ComparisonInputError } from './errors';

/** Customers of run A and run B matched on id. `indexA[i]` and `indexB[i]` point at the same customer. */
export interface CustomerMatch {
  /** Positions in `idsA` of the customers present in both runs, in A's order. */
  indexA: Int32Array;
  /** Positions in `idsB` of the same customers. */
  indexB: Int32Array;
  matched: number;
  onlyInA: number;
  onlyInB: number;
}

/**
 * Matches the customers of two runs on id in O(|A| + |B|) with one hash map over B.
 * A run assigns each customer once, so a repeated id on either side is an error.
 *
 * @example
 * matchCustomers(['c1', 'c2', 'c3'], ['c3', 'c1', 'c9']) // indexA [0, 2], indexB [1, 0], onlyInA 1, onlyInB 1
 */
export function matchCustomers(idsA: readonly string[], idsB: readonly string[]): CustomerMatch {
  // Two runs of one dataset version list the same customers in the same order: then one set (for repeats) does.
  let same = idsA.length === idsB.length;
  for (let i = 0; same && i < idsA.length; i++) same = idsA[i] === idsB[i];
  if (same && new Set(idsA).size === idsA.length) {
    const index = Int32Array.from({ length: idsA.length }, (_, i) => i);
    return { indexA: index, indexB: index.slice(), matched: idsA.length, onlyInA: 0, onlyInB: 0 };
  }
  const positionInB = new Map<string, number>();
  for (let j = 0; j < idsB.length; j++) {
    const id = idsB[j];
    if (positionInB.has(id))
      throw new ComparisonInputError(
        `idsB: customer '${id}' appears twice (positions ${positionInB.get(id)} and ${j}); a run assigns each customer once`,
      );
    positionInB.set(id, j);
  }
  const indexA = new Int32Array(Math.min(idsA.length, idsB.length));
  const indexB = new Int32Array(indexA.length);
  const seenInA = new Set<string>();
  let matched = 0;
  for (let i = 0; i < idsA.length; i++) {
    const id = idsA[i];
    if (seenInA.has(id))
      throw new ComparisonInputError(
        `idsA: customer '${id}' appears twice (second time at position ${i}); a run assigns each customer once`,
      );
    seenInA.add(id);
    const j = positionInB.get(id);
    if (j === undefined) continue;
    indexA[matched] = i;
    indexB[matched] = j;
    matched++;
  }
  return {
    indexA: indexA.slice(0, matched),
    indexB: indexB.slice(0, matched),
    matched,
    onlyInA: idsA.length - matched,
    onlyInB: idsB.length - matched,
  };
}
