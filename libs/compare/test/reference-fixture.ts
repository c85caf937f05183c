import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Values computed once by test/reference/sklearn_reference.py with scikit-learn and SciPy. */
export interface SklearnReference {
  versions: Record<string, string>;
  labelCases: {
    name: string;
    labelsA: number[];
    labelsB: number[];
    kA: number;
    kB: number;
    ari: number;
    nmi: number;
    contingency: number[][];
  }[];
  assignmentCases: {
    name: string;
    matrix: number[][];
    rows: number[];
    cols: number[];
    total: number;
    isUnique: boolean;
  }[];
  tPpfCases: { p: number; df: number; ppf: number; ppfMpmath: number }[];
  tCdfCases: { t: number; df: number; cdf: number }[];
  normalPpfCases: { p: number; ppf: number }[];
  welchCases: {
    name: string;
    a: number[];
    b: number[];
    confidence: number;
    delta: number;
    standardError: number;
    df: number;
    lower: number;
    upper: number;
    lowerScipy: number;
    upperScipy: number;
    statistic: number;
    pValue: number;
  }[];
  waldCases: {
    successesA: number;
    nA: number;
    successesB: number;
    nB: number;
    confidence: number;
    delta: number;
    lower: number;
    upper: number;
  }[];
}

export function loadSklearnReference(): SklearnReference {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', 'sklearn-reference.json'), 'utf8')) as SklearnReference;
}

/** Relative error, falling back to absolute error near zero. */
export function relativeError(actual: number, expected: number): number {
  if (actual === expected) return 0;
  return Math.abs(actual - expected) / Math.max(1, Math.abs(expected));
}
