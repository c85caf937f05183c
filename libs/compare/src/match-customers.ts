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
  /** Both runs list the same customers in the same order: `indexA` and `indexB` are 0, 1, 2, … */
  identity: boolean;
}

export interface MatchOptions {
  /**
   * The caller knows neither side repeats an id (e.g. both are stored runs: their rows went through the primary key
   * (run, customer)), so the repeat checks are skipped: two equal id lists are then matched without hashing an id.
   */
  uniqueIds?: boolean;
}

const identityIndex = (n: number): Int32Array => {
  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  return index;
};

/**
 * Matches the customers of two runs on id in O(|A| + |B|): one hash join over the ids' bytes (typed arrays, no
 * Map or Set of strings), after which everything is integer arrays. Two runs of one dataset version list the same
 * customers in the same order: then one memcmp suffices (and the check for repeats, unless `uniqueIds`).
 * A run assigns each customer once, so a repeated id on either side is an error.
 *
 * @example
 * matchCustomers(['c1', 'c2', 'c3'], ['c3', 'c1', 'c9']) // indexA [0, 2], indexB [1, 0], onlyInA 1, onlyInB 1
 */
export function matchCustomers(idsA: CustomerIds, idsB: CustomerIds, options: MatchOptions = {}): CustomerMatch {
  const [a, b] = [StringTable.of(idsA), StringTable.of(idsB)];
  const checkRepeats = !options.uniqueIds;
  const same = a === b || a.equals(b);
  if (same && !checkRepeats) {
    const index = identityIndex(a.length);
    return { indexA: index, indexB: index.slice(), matched: a.length, onlyInA: 0, onlyInB: 0, identity: true };
  }
  const inB = new StringTableIndex(b);
  for (let j = 0; j < b.length; j++) {
    const first = inB.add(j);
    if (first >= 0 && checkRepeats)
      throw new ComparisonInputError(
        `idsB: customer '${b.at(j)}' appears twice (positions ${first} and ${j}); a run assigns each customer once`,
      );
  }
  if (same) {
    const index = identityIndex(a.length);
    return { indexA: index, indexB: index.slice(), matched: a.length, onlyInA: 0, onlyInB: 0, identity: true };
  }
  const inA = checkRepeats ? new StringTableIndex(a) : undefined;
  const indexA = new Int32Array(Math.min(a.length, b.length));
  const indexB = new Int32Array(indexA.length);
  let matched = 0;
  for (let i = 0; i < a.length; i++) {
    if (inA && inA.add(i) >= 0)
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
    identity: false,
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
