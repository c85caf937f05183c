import type { ModelArtifact } from '@workbench/plugin-sdk';
import { planSegments } from './rule-engine';
import { QUINTILES, type QuintileCut } from './rfm';
import type { Rule } from './rules-params';

export const ARTIFACT_FORMAT = 'rules-json/1';

/** How one RFM score is computed on new data: quintile of `feature` by the training cut points, reversed when `descending`. */
export interface RfmScoreModel {
  score: string;
  feature: string;
  descending: boolean;
  cuts: QuintileCut[];
}

/**
 * The trained model as stored by the host: UTF-8 JSON. `segments[key]` is the label of segment `key`
 * (rules' segments in rule order, deduplicated, then the default); in `rfm` mode the rules are the
 * segment map over the score columns and `rfm.scores` holds the training cut points.
 */
export interface RulesArtifact {
  format: typeof ARTIFACT_FORMAT;
  mode: 'rules' | 'rfm';
  segments: string[];
  rules: Rule[];
  defaultSegment: string | null;
  rfm: { scores: RfmScoreModel[] } | null;
}

export function encodeArtifact(model: Omit<RulesArtifact, 'format'>): ModelArtifact {
  const body: RulesArtifact = { format: ARTIFACT_FORMAT, ...model };
  return { format: ARTIFACT_FORMAT, bytes: new TextEncoder().encode(JSON.stringify(body)) };
}

function isWellFormed(body: RulesArtifact): boolean {
  if (body.format !== ARTIFACT_FORMAT || (body.mode !== 'rules' && body.mode !== 'rfm')) return false;
  if (!Array.isArray(body.rules) || !Array.isArray(body.segments)) return false;
  const rulesOk = body.rules.every(
    (r) =>
      typeof r?.segment === 'string' &&
      Array.isArray(r.when) &&
      r.when.every(
        (c) =>
          typeof c?.feature === 'string' && (c.op === 'in' ? Array.isArray(c.values) : typeof c.value === 'number'),
      ),
  );
  if (!rulesOk) return false;
  const plan = planSegments(body.rules, body.defaultSegment);
  if (JSON.stringify(plan.labels) !== JSON.stringify(body.segments)) return false;
  if (body.mode === 'rules') return body.rfm === null && typeof body.defaultSegment === 'string';
  return (
    body.defaultSegment === null &&
    Array.isArray(body.rfm?.scores) &&
    body.rfm.scores.length === 3 &&
    body.rfm.scores.every(
      (s) =>
        typeof s.feature === 'string' &&
        typeof s.score === 'string' &&
        Array.isArray(s.cuts) &&
        s.cuts.length === QUINTILES - 1 &&
        s.cuts.every(
          (c) =>
            c.minority === undefined ||
            ((c.minority.side === 'below' || c.minority.side === 'above') && Array.isArray(c.minority.ids)),
        ),
    )
  );
}

/** Reads an artifact back, refusing another format or a body whose parts do not agree. */
export function decodeArtifact(artifact: ModelArtifact): RulesArtifact {
  if (artifact.format !== ARTIFACT_FORMAT) {
    throw new Error(`segmenter-rules reads '${ARTIFACT_FORMAT}' artifacts, not '${artifact.format}'`);
  }
  let body: RulesArtifact;
  try {
    body = JSON.parse(new TextDecoder().decode(artifact.bytes)) as RulesArtifact;
  } catch (e) {
    throw new Error(`the '${ARTIFACT_FORMAT}' artifact is not JSON: ${(e as Error).message}`);
  }
  if (!isWellFormed(body)) {
    throw new Error(
      `the '${ARTIFACT_FORMAT}' artifact is malformed: it needs mode, rules, segments matching the rules, and for 'rfm' three scores with ${QUINTILES - 1} cut points each`,
    );
  }
  return body;
}
