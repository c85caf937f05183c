import { RetrainInputError } from './errors';

/**
 * Share that stands in for an empty bin on either side, so ln(p_new / p_ref) stays finite. Only shares
 * that are exactly 0 are replaced; the others are left as they are and nothing is renormalised (the
 * common practice in credit-scoring monitoring, e.g. Siddiqi 2006, "Credit Risk Scorecards", ch. 8).
 */
export const DEFAULT_PSI_EPSILON = 1e-4;

/** Number of reference-quantile bins for a numeric feature: deciles. */
export const DEFAULT_PSI_BINS = 10;

/** One bin of a PSI table. Shares are the raw count / rows (before ε); `contribution` uses the ε-adjusted shares. */
export interface PsiBin {
  /** `(-∞, 3]`, `(3, 7.5]`, `(7.5, ∞)` for numeric bins, the level for categorical ones, `(missing)` for the missing bin. */
  label: string;
  /** True for the bin of missing values (NaN / missing code), which exists when either side has one. */
  isMissing: boolean;
  /** Numeric bins only: exclusive lower and inclusive upper edge; null = unbounded. */
  lower?: number | null;
  upper?: number | null;
  referenceCount: number;
  candidateCount: number;
  referenceShare: number;
  candidateShare: number;
  /** (p_new − p_ref) · ln(p_new / p_ref) with ε for empty bins; never negative. */
  contribution: number;
}

export interface PsiTable {
  /** Σ contribution over the bins; null when either side has no rows at all. */
  psi: number | null;
  bins: PsiBin[];
}

export interface PsiOptions {
  epsilon?: number;
}

export interface NumericPsiOptions extends PsiOptions {
  /** Number of reference-quantile bins before duplicate edges are merged (default 10 = deciles). */
  bins?: number;
}

function checkEpsilon(epsilon: number): void {
  if (!(epsilon > 0 && epsilon < 1)) throw new RetrainInputError(`epsilon must be in (0, 1), got ${epsilon}`);
}

/**
 * Population stability index over bins given by their counts:
 * PSI = Σ_i (p_new,i − p_ref,i) · ln(p_new,i / p_ref,i), p = count / total rows, with a share of exactly 0
 * replaced by ε (Yurdakul 2018, "Statistical Properties of Population Stability Index", eq. 1).
 * Each term is ≥ 0, and a bin empty on both sides contributes 0.
 */
export function psiFromCounts(
  referenceCounts: ArrayLike<number>,
  candidateCounts: ArrayLike<number>,
  options: PsiOptions = {},
): { psi: number | null; contributions: number[]; referenceShares: number[]; candidateShares: number[] } {
  const epsilon = options.epsilon ?? DEFAULT_PSI_EPSILON;
  checkEpsilon(epsilon);
  if (referenceCounts.length !== candidateCounts.length) {
    throw new RetrainInputError(
      `reference has ${referenceCounts.length} bins but candidate has ${candidateCounts.length}`,
    );
  }
  const k = referenceCounts.length;
  let referenceTotal = 0;
  let candidateTotal = 0;
  for (let i = 0; i < k; i++) {
    for (const [side, count] of [
      ['reference', referenceCounts[i]],
      ['candidate', candidateCounts[i]],
    ] as const) {
      if (!(Number.isFinite(count) && count >= 0))
        throw new RetrainInputError(`${side} count of bin ${i} is ${count}; counts must be finite and ≥ 0`);
    }
    referenceTotal += referenceCounts[i];
    candidateTotal += candidateCounts[i];
  }
  const referenceShares = Array.from(referenceCounts, (c) => (referenceTotal > 0 ? c / referenceTotal : 0));
  const candidateShares = Array.from(candidateCounts, (c) => (candidateTotal > 0 ? c / candidateTotal : 0));
  if (referenceTotal === 0 || candidateTotal === 0) {
    return { psi: null, contributions: new Array<number>(k).fill(0), referenceShares, candidateShares };
  }
  let psi = 0;
  const contributions = referenceShares.map((r, i) => {
    const p = r === 0 ? epsilon : r;
    const q = candidateShares[i] === 0 ? epsilon : candidateShares[i];
    const term = (q - p) * Math.log(q / p);
    psi += term;
    return term;
  });
  return { psi, contributions, referenceShares, candidateShares };
}

/**
 * Quantile of sorted values by linear interpolation between order statistics (Hyndman & Fan 1996,
 * definition 7; numpy's default `method='linear'`, whose two-sided lerp this copies so edges agree to the bit).
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.min(Math.max(Math.floor(h), 0), n - 1);
  const hi = Math.min(lo + 1, n - 1);
  const t = h - lo;
  const a = sorted[lo];
  const b = sorted[hi];
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** Finite values of a column, sorted ascending; NaN is missing. Throws on ±Infinity. */
export function sortedFinite(values: Float64Array, name: string): Float64Array {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === Infinity || v === -Infinity)
      throw new RetrainInputError(
        `feature '${name}' has the value ${v} in row ${i + 1}; numeric features must be finite or missing (NaN)`,
      );
    if (!Number.isNaN(v)) m++;
  }
  const out = new Float64Array(m);
  let j = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) out[j++] = values[i];
  return out.sort();
}

/**
 * Inner bin edges from the reference: its quantiles at 1/bins … (bins−1)/bins, duplicates merged (ties and
 * constant columns give fewer, wider bins; a constant column gives the two bins (-∞, c] and (c, ∞)).
 * No reference values → no edges → a single bin.
 */
export function referenceQuantileEdges(sortedReference: ArrayLike<number>, bins: number = DEFAULT_PSI_BINS): number[] {
  if (!(Number.isInteger(bins) && bins >= 2)) throw new RetrainInputError(`bins must be an integer ≥ 2, got ${bins}`);
  if (sortedReference.length === 0) return [];
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const e = quantileSorted(sortedReference, i / bins);
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  return edges;
}

/** Index of the right-closed bin (e_{i−1}, e_i] holding x: the number of edges strictly below x. */
export function binIndex(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function formatEdge(x: number): string {
  return String(Number(x.toPrecision(6)));
}

function rangeLabel(lower: number | null, upper: number | null): string {
  return `(${lower === null ? '-∞' : formatEdge(lower)}, ${upper === null ? '∞' : formatEdge(upper)}${upper === null ? ')' : ']'}`;
}

function assembleTable(
  labels: { label: string; isMissing: boolean; lower?: number | null; upper?: number | null }[],
  referenceCounts: number[],
  candidateCounts: number[],
  options: PsiOptions,
): PsiTable {
  const r = psiFromCounts(referenceCounts, candidateCounts, options);
  return {
    psi: r.psi,
    bins: labels.map((l, i) => ({
      ...l,
      referenceCount: referenceCounts[i],
      candidateCount: candidateCounts[i],
      referenceShare: r.referenceShares[i],
      candidateShare: r.candidateShares[i],
      contribution: r.contributions[i],
    })),
  };
}

/**
 * PSI of a numeric feature over bins cut at the reference deciles (right-closed, outer bins unbounded, so
 * candidate values outside the reference range fall into the outer bins). Missing values (NaN) form an
 * extra bin when either side has one; shares are over all rows, missing included.
 */
export function numericPsi(
  reference: Float64Array,
  candidate: Float64Array,
  options: NumericPsiOptions = {},
  name = 'value',
): PsiTable {
  const sortedReference = sortedFinite(reference, name);
  const sortedCandidate = sortedFinite(candidate, name);
  const edges = referenceQuantileEdges(sortedReference, options.bins ?? DEFAULT_PSI_BINS);
  const k = edges.length + 1;
  const count = (sorted: Float64Array, total: number): number[] => {
    const counts = new Array<number>(k + 1).fill(0);
    for (const x of sorted) counts[binIndex(edges, x)]++;
    counts[k] = total - sorted.length;
    return counts;
  };
  const referenceCounts = count(sortedReference, reference.length);
  const candidateCounts = count(sortedCandidate, candidate.length);
  const labels: { label: string; isMissing: boolean; lower?: number | null; upper?: number | null }[] = [];
  for (let i = 0; i < k; i++) {
    const lower = i === 0 ? null : edges[i - 1];
    const upper = i === k - 1 ? null : edges[i];
    labels.push({ label: rangeLabel(lower, upper), isMissing: false, lower, upper });
  }
  const hasMissing = referenceCounts[k] > 0 || candidateCounts[k] > 0;
  if (hasMissing) labels.push({ label: '(missing)', isMissing: true });
  else {
    referenceCounts.pop();
    candidateCounts.pop();
  }
  return assembleTable(labels, referenceCounts, candidateCounts, options);
}

/** Counts per level name (levels matched by their string, not their code) and the number of missing rows. */
export function levelCounts(
  codes: Int32Array,
  levels: readonly string[],
): { counts: Map<string, number>; missing: number } {
  const perCode = new Array<number>(levels.length).fill(0);
  let missing = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c < 0) missing++;
    else if (c >= levels.length)
      throw new RetrainInputError(`code ${c} in row ${i + 1} has no level (there are ${levels.length})`);
    else perCode[c]++;
  }
  const counts = new Map<string, number>();
  levels.forEach((level, c) => counts.set(level, (counts.get(level) ?? 0) + perCode[c]));
  return { counts, missing };
}

/**
 * PSI of a categorical feature over the union of both sides' levels (sorted), one bin per level, plus a
 * missing bin when either side has a missing value. A level seen on one side only gets ε on the other.
 */
export function categoricalPsi(
  reference: { codes: Int32Array; levels: readonly string[] },
  candidate: { codes: Int32Array; levels: readonly string[] },
  options: PsiOptions = {},
): PsiTable {
  const r = levelCounts(reference.codes, reference.levels);
  const c = levelCounts(candidate.codes, candidate.levels);
  const levels = [...new Set([...r.counts.keys(), ...c.counts.keys()])].sort();
  const referenceCounts = levels.map((l) => r.counts.get(l) ?? 0);
  const candidateCounts = levels.map((l) => c.counts.get(l) ?? 0);
  const labels = levels.map((label) => ({ label, isMissing: false }));
  if (r.missing > 0 || c.missing > 0) {
    labels.push({ label: '(missing)', isMissing: true });
    referenceCounts.push(r.missing);
    candidateCounts.push(c.missing);
  }
  return assembleTable(labels, referenceCounts, candidateCounts, options);
}
