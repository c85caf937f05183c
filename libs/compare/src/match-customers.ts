import { StringTable, StringTableIndex } from '@workbench/data';
import { ComparisonInputError } from './errors';

/** Customer ids of a run, in assignment order: as strings, or as the binary table assignments are stored as. */
export type CustomerIds = readonly string[] | StringTable;

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
 * Matches the customers of two runs on id in O(|A| + |B|): one hash join over the ids' bytes (typed arrays, no
 * Map or Set of strings), after which everything is integer arrays. Two runs of one dataset version list the same
 * customers in the same order: then one memcmp and the check for repeats suffice.
 * A run assigns each customer once, so a repeated id on either side is an error.
 *
 * @example
 * matchCustomers(['c1', 'c2', 'c3'], ['c3', 'c1', 'c9']) // indexA [0, 2], indexB [1, 0], onlyInA 1, onlyInB 1
 */
export function matchCustomers(idsA: CustomerIds, idsB: CustomerIds): CustomerMatch {
  const [a, b] = [StringTable.of(idsA), StringTable.of(idsB)];
  const inB = new StringTableIndex(b);
  for (let j = 0; j < b.length; j++) {
    const first = inB.add(j);
    if (first >= 0)
      throw new ComparisonInputError(
        `idsB: customer '${b.at(j)}' appears twice (positions ${first} and ${j}); a run assigns each customer once`,
      );
  }
  if (a.equals(b)) {
    const index = Int32Array.from({ length: a.length }, (_, i) => i);
    return { indexA: index, indexB: index.slice(), matched: a.length, onlyInA: 0, onlyInB: 0 };
  }
  const inA = new StringTableIndex(a);
  const indexA = new Int32Array(Math.min(a.length, b.length));
  const indexB = new Int32Array(indexA.length);
  let matched = 0;
  for (let i = 0; i < a.length; i++) {
    if (inA.add(i) >= 0)
      throw new ComparisonInputError(
        `idsA: customer '${a.at(i)}' appears twice (second time at position ${i}); a run assigns each customer once`,
      );
    const j = inB.findIn(a, i);
    if (j < 0) continue;
    indexA[matched] = i;
    indexB[matched] = j;
    matched++;
  }
  return {
    indexA: indexA.slice(0, matched),
    indexB: indexB.slice(0, matched),
    matched,
    onlyInA: a.length - matched,
    onlyInB: b.length - matched,
  };
}

/**
 * Where each of `ids` is in `within` (-1: not there), e.g. a run's customers in the frame holding their features.
 * A run's assignments list its frame's customers in frame order, so that is checked first (one memcmp); otherwise
 * one hash join over the ids' bytes. A repeated id in `within` is found at its first position.
 */
export function positionsIn(ids: CustomerIds, within: CustomerIds): Int32Array {
  const [table, target] = [StringTable.of(ids), StringTable.of(within)];
  const out = new Int32Array(table.length);
  if (table.equals(target)) {
    for (let i = 0; i < out.length; i++) out[i] = i;
    return out;
  }
  const index = new StringTableIndex(target);
  for (let j = 0; j < target.length; j++) index.add(j);
  for (let i = 0; i < out.length; i++) out[i] = index.findIn(table, i);
  return out;
}
