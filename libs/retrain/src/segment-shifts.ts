import { driftLevel, resolveThresholds, type DriftLevel, type DriftThresholds } from './drift-thresholds';
import { RetrainInputError } from './errors';
import { psiFromCounts } from './psi';

/** Size of one segment of a run (the `Segment` row: label and size). */
export interface SegmentSize {
  label: string;
  size: number;
}

export interface SegmentShift {
  label: string;
  championSize: number;
  candidateSize: number;
  championShare: number;
  candidateShare: number;
  /** candidateShare − championShare. */
  shareChange: number;
  /** This segment's PSI term. */
  contribution: number;
  /** |shareChange| ≥ thresholds.segmentShareChange. */
  flagged: boolean;
}

export interface SegmentShiftReport {
  psi: number | null;
  level: DriftLevel;
  championTotal: number;
  candidateTotal: number;
  /** Union of labels, sorted. */
  segments: SegmentShift[];
}

/** Share per segment label in the champion vs the candidate run, with a PSI over segments (labels matched by string). */
export function segmentShifts(
  champion: readonly SegmentSize[],
  candidate: readonly SegmentSize[],
  options: { thresholds?: Partial<DriftThresholds>; epsilon?: number } = {},
): SegmentShiftReport {
  const t = resolveThresholds(options.thresholds);
  const toMap = (side: string, list: readonly SegmentSize[]): Map<string, number> => {
    const map = new Map<string, number>();
    list.forEach((s, i) => {
      if (!(Number.isFinite(s.size) && s.size >= 0))
        throw new RetrainInputError(
          `${side} segment '${s.label}' (position ${i}) has size ${s.size}; sizes must be finite and ≥ 0`,
        );
      if (map.has(s.label))
        throw new RetrainInputError(
          `${side} segment label '${s.label}' appears twice (positions ${list.findIndex((x) => x.label === s.label)} and ${i})`,
        );
      map.set(s.label, s.size);
    });
    return map;
  };
  const a = toMap('champion', champion);
  const b = toMap('candidate', candidate);
  const labels = [...new Set([...a.keys(), ...b.keys()])].sort();
  const championSizes = labels.map((l) => a.get(l) ?? 0);
  const candidateSizes = labels.map((l) => b.get(l) ?? 0);
  const r = psiFromCounts(championSizes, candidateSizes, { epsilon: options.epsilon });
  return {
    psi: r.psi,
    level: driftLevel(r.psi, t),
    championTotal: championSizes.reduce((s, x) => s + x, 0),
    candidateTotal: candidateSizes.reduce((s, x) => s + x, 0),
    segments: labels.map((label, i) => {
      const shareChange = r.candidateShares[i] - r.referenceShares[i];
      return {
        label,
        championSize: championSizes[i],
        candidateSize: candidateSizes[i],
        championShare: r.referenceShares[i],
        candidateShare: r.candidateShares[i],
        shareChange,
        contribution: r.contributions[i],
        flagged: Math.abs(shareChange) >= t.segmentShareChange,
      };
    }),
  };
}
