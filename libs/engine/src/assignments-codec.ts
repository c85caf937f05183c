import { numeric, type Assignments } from '@workbench/plugin-sdk';
import { encodeColumnParts, readFrame, StringTable } from '@workbench/data';

/**
 * Assignments travel as a frame (customer id → segment, score), so they reuse the frame codec: the ids as a
 * binary string table. `ids` may be that table already (a run input's), which spares encoding a million ids again.
 */
export function encodeAssignments(ids: readonly string[] | StringTable, assignments: Assignments): Uint8Array {
  return Buffer.concat(encodeAssignmentParts(ids, assignments));
}

/** {@link encodeAssignments} as parts, for an artifact store that takes them without one buffer of the whole. */
export function encodeAssignmentParts(ids: readonly string[] | StringTable, assignments: Assignments): Uint8Array[] {
  return encodeColumnParts(StringTable.of(ids), {
    segment: numeric(assignments.segment),
    ...(assignments.score ? { score: numeric(assignments.score) } : {}),
  });
}

export interface DecodedAssignments {
  /** The customers' ids as stored: comparisons join on these without a string per customer. */
  idTable: StringTable;
  /** The same ids as strings, decoded on first access. */
  readonly ids: readonly string[];
  segment: Int32Array;
  score?: Float64Array;
}

/**
 * Reads assignments written by {@link encodeAssignments}, or by the code before (ids as JSON: WBF1). `bytes` are
 * handed over (as they come from the artifact store): ids and scores are views into them, not copies.
 */
export function decodeAssignments(bytes: Uint8Array): DecodedAssignments {
  const stored = readFrame(bytes, { copy: false });
  const segment = stored.columns.segment;
  const score = stored.columns.score;
  if (segment?.kind !== 'numeric') throw new Error('assignments bytes have no segment column');
  let ids: readonly string[] | undefined;
  return {
    idTable: stored.ids,
    get ids() {
      return (ids ??= stored.frame.ids);
    },
    segment: new Int32Array(segment.values),
    score: score?.kind === 'numeric' ? score.values : undefined,
  };
}
