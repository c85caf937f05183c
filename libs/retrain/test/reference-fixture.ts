import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Summary = {
  n: number;
  missing: number;
  mean: number | null;
  std: number | null;
  p05: number | null;
  p50: number | null;
  p95: number | null;
};

/** Values computed once by test/reference/psi_reference.py with numpy (binning cross-checked with pandas). */
export interface PsiReference {
  versions: Record<string, string>;
  epsilon: number;
  numericCases: {
    name: string;
    /** null = missing (NaN). */
    reference: (number | null)[];
    candidate: (number | null)[];
    edges: number[];
    referenceCounts: number[];
    candidateCounts: number[];
    contributions: number[];
    psi: number;
    referenceSummary: Summary;
    candidateSummary: Summary;
  }[];
  categoricalCases: {
    name: string;
    reference: (string | null)[];
    candidate: (string | null)[];
    levels: string[];
    referenceCounts: number[];
    candidateCounts: number[];
    contributions: number[];
    psi: number;
  }[];
  segmentCases: {
    name: string;
    champion: { label: string; size: number }[];
    candidate: { label: string; size: number }[];
    psi: number;
  }[];
}

export function loadPsiReference(): PsiReference {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', 'psi-reference.json'), 'utf8')) as PsiReference;
}

/** Relative error, falling back to absolute error near zero. */
export function relativeError(actual: number, expected: number): number {
  if (actual === expected) return 0;
  return Math.abs(actual - expected) / Math.max(1, Math.abs(expected));
}
