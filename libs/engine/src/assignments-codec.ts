import { createFeatureFrame, numeric, type Assignments } from '@workbench/plugin-sdk';
import { decodeFrame, encodeFrame } from '@workbench/data';

/** Assignments travel as a frame (customer id → segment, score), so they reuse the frame codec. */
export function encodeAssignments(ids: readonly string[], assignments: Assignments): Uint8Array {
  return encodeFrame(
    createFeatureFrame(ids, {
      segment: numeric(assignments.segment),
      ...(assignments.score ? { score: numeric(assignments.score) } : {}),
    }),
  );
}

export function decodeAssignments(bytes: Uint8Array): {
  ids: readonly string[];
  segment: Int32Array;
  score?: Float64Array;
} {
  const frame = decodeFrame(bytes);
  const segment = frame.columns.segment;
  const score = frame.columns.score;
  if (segment?.kind !== 'numeric') throw new Error('assignments bytes have no segment column');
  return {
    ids: frame.ids,
    segment: Int32Array.from(segment.values),
    score: score?.kind === 'numeric' ? score.values : undefined,
  };
}
