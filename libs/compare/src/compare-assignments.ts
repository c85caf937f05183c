import { adjustedRandIndex, normalizedMutualInfo } from './agreement-indices';
import { contingencyTable, rowPercentages, tableRows } from './contingency-table';
import { ComparisonInputError } from './errors';
import { matchCustomers, type CustomerIds } from './match-customers';
import { type SegmentMatching, matchSegments } from './match-segments';

/** Two runs' assignments: `segmentA[i]` is the segment (0 … kA−1) of customer `idsA[i]`. */
export interface AssignmentsToCompare {
  idsA: CustomerIds;
  segmentA: Int32Array;
  kA: number;
  idsB: CustomerIds;
  segmentB: Int32Array;
  kB: number;
  /** Neither run repeats a customer id, as the caller knows (see `matchCustomers`' `uniqueIds`): no repeat check. */
  uniqueIds?: boolean;
}

export interface AssignmentComparison {
  /** Customers present in both runs; all other figures are over these. */
  matched: number;
  onlyInA: number;
  onlyInB: number;
  ari: number;
  nmi: number;
  /** Migration matrix: `migration[i][j]` customers moved from A's segment i to B's segment j. */
  migration: number[][];
  /** The same in % of each row (A's segment); rows of empty segments are zeros. */
  rowPercent: number[][];
  matching: SegmentMatching;
}

/**
 * Compares two segmentation runs over the customers they share: agreement (ARI, NMI), the migration
 * matrix and a one-to-one matching of segments by overlap.
 */
export function compareAssignments(input: AssignmentsToCompare): AssignmentComparison {
  const { idsA, segmentA, kA, idsB, segmentB, kB } = input;
  if (segmentA.length !== idsA.length)
    throw new ComparisonInputError(`segmentA has ${segmentA.length} entries but idsA has ${idsA.length}`);
  if (segmentB.length !== idsB.length)
    throw new ComparisonInputError(`segmentB has ${segmentB.length} entries but idsB has ${idsB.length}`);
  const match = matchCustomers(idsA, idsB, { uniqueIds: input.uniqueIds });
  let [labelsA, labelsB] = [segmentA, segmentB];
  if (!match.identity) {
    labelsA = new Int32Array(match.matched);
    labelsB = new Int32Array(match.matched);
    for (let t = 0; t < match.matched; t++) {
      labelsA[t] = segmentA[match.indexA[t]];
      labelsB[t] = segmentB[match.indexB[t]];
    }
  }
  const table = contingencyTable(labelsA, kA, labelsB, kB);
  return {
    matched: match.matched,
    onlyInA: match.onlyInA,
    onlyInB: match.onlyInB,
    ari: adjustedRandIndex(table),
    nmi: normalizedMutualInfo(table),
    migration: tableRows(table),
    rowPercent: rowPercentages(table),
    matching: matchSegments(table),
  };
}
