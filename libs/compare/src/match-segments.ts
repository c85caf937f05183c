import type { ContingencyTable } from './contingency-table';
import { linearSumAssignment } from './linear-sum-assignment';

/** A segment of A paired with a segment of B. */
export interface SegmentPair {
  segmentA: number;
  segmentB: number;
  /** Customers in both. */
  overlap: number;
  /** overlap / |A_i ∪ B_j|. */
  jaccard: number;
}

export interface SegmentMatching {
  pairs: SegmentPair[];
  /** Segments of A with no partner (more segments than B has, or no overlap with the partner found). */
  unmatchedA: number[];
  unmatchedB: number[];
  /** Sum of overlaps over the pairs: the customers who stay in "the same" segment. */
  totalOverlap: number;
}

/**
 * Pairs A's segments with B's one-to-one so the total overlap is maximal (Hungarian algorithm on the
 * migration matrix; rectangular when kA ≠ kB). An optimal assignment may pair segments that share no
 * customer (e.g. an empty segment); such pairs carry no information, so they are reported as
 * unmatched on both sides instead.
 *
 * @example
 * matchSegments(contingencyTableFromRows([[10, 9, 0], [9, 0, 0], [0, 0, 1]])).pairs.map((p) => [p.segmentA, p.segmentB]) // [[0, 1], [1, 0], [2, 2]]
 */
export function matchSegments(table: ContingencyTable): SegmentMatching {
  const assignment = linearSumAssignment(table.counts, table.kA, table.kB, { maximize: true });
  const pairs: SegmentPair[] = [];
  const pairedA = new Set<number>();
  const pairedB = new Set<number>();
  assignment.rows.forEach((segmentA, t) => {
    const segmentB = assignment.cols[t];
    const overlap = table.counts[segmentA * table.kB + segmentB];
    if (overlap === 0) return;
    const union = table.rowTotals[segmentA] + table.colTotals[segmentB] - overlap;
    pairs.push({ segmentA, segmentB, overlap, jaccard: overlap / union });
    pairedA.add(segmentA);
    pairedB.add(segmentB);
  });
  const unpaired = (k: number, paired: Set<number>): number[] =>
    Array.from({ length: k }, (_, s) => s).filter((s) => !paired.has(s));
  return {
    pairs,
    unmatchedA: unpaired(table.kA, pairedA),
    unmatchedB: unpaired(table.kB, pairedB),
    totalOverlap: pairs.reduce((sum, p) => sum + p.overlap, 0),
  };
}
