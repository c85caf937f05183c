/** Options of {@link minimizeNelderMead}. */
export interface NelderMeadOptions {
  /** Edge length of the initial simplex along each coordinate (default 0.5). */
  initialStep?: number;
  /** Stop when every vertex is within this distance (max-norm) of the best one ... */
  xTolerance?: number;
  /** ... and every vertex's value within this of the best value (scipy's `xatol`/`fatol` rule). */
  fTolerance?: number;
  /** Iterations over all restarts (default 20 000). */
  maxIterations?: number;
  /**
   * Nelder–Mead can stall on a flat ridge, so after convergence it restarts from the best point with a
   * fresh simplex until a restart improves the value by less than `fTolerance` (default at most 10 restarts).
   */
  maxRestarts?: number;
}

export interface NelderMeadResult {
  x: Float64Array;
  value: number;
  iterations: number;
  evaluations: number;
  restarts: number;
  converged: boolean;
}

/**
 * Minimises `f` by the Nelder–Mead simplex method (Nelder & Mead 1965, Computer Journal 7:308–313) with
 * the standard coefficients reflection 1, expansion 2, contraction ½, shrink ½ (Lagarias et al. 1998,
 * SIAM J. Optim. 9:112–147). Deterministic; non-finite values of `f` are treated as +∞ (outside the domain).
 */
export function minimizeNelderMead(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const step = options.initialStep ?? 0.5;
  const xTol = options.xTolerance ?? 1e-8;
  const fTol = options.fTolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 20_000;
  const maxRestarts = options.maxRestarts ?? 10;
  let evaluations = 0;
  const value = (x: Float64Array): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };

  let best: Float64Array = Float64Array.from(x0);
  let bestValue = value(best);
  let iterations = 0;
  let restarts = 0;
  let converged = false;

  for (;;) {
    const run = simplexRun(value, best, bestValue, step, xTol, fTol, maxIterations - iterations);
    iterations += run.iterations;
    const improvement = bestValue - run.value;
    best = run.x;
    bestValue = run.value;
    converged = run.converged;
    if (!converged || iterations >= maxIterations) break;
    if (restarts > 0 && improvement <= fTol) break;
    if (restarts >= maxRestarts) break;
    restarts++;
  }
  return { x: best, value: bestValue, iterations, evaluations, restarts, converged };
}

function simplexRun(
  value: (x: Float64Array) => number,
  start: Float64Array,
  startValue: number,
  step: number,
  xTol: number,
  fTol: number,
  maxIterations: number,
): { x: Float64Array; value: number; iterations: number; converged: boolean } {
  const n = start.length;
  const vertices: Float64Array[] = [start.slice()];
  const values: number[] = [startValue];
  for (let i = 0; i < n; i++) {
    const v = start.slice();
    v[i] += step;
    vertices.push(v);
    values.push(value(v));
  }
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const centroid = new Float64Array(n);
  const along = (from: Float64Array, to: Float64Array, t: number): Float64Array => {
    const out = new Float64Array(n);
    for (let j = 0; j < n; j++) out[j] = from[j] + t * (to[j] - from[j]);
    return out;
  };

  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    order.sort((i, j) => values[i] - values[j]);
    const bestIndex = order[0];
    const worstIndex = order[n];
    let xSpread = 0;
    let fSpread = 0;
    for (let k = 1; k <= n; k++) {
      const i = order[k];
      fSpread = Math.max(fSpread, Math.abs(values[i] - values[bestIndex]));
      for (let j = 0; j < n; j++) xSpread = Math.max(xSpread, Math.abs(vertices[i][j] - vertices[bestIndex][j]));
    }
    if (xSpread <= xTol && fSpread <= fTol) {
      return { x: vertices[bestIndex].slice(), value: values[bestIndex], iterations, converged: true };
    }

    centroid.fill(0);
    for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) centroid[j] += vertices[order[k]][j] / n;
    const worst = vertices[worstIndex];
    const reflected = along(centroid, worst, -1);
    const fr = value(reflected);
    const secondWorstValue = values[order[n - 1]];
    if (fr < values[bestIndex]) {
      const expanded = along(centroid, worst, -2);
      const fe = value(expanded);
      if (fe < fr) {
        vertices[worstIndex] = expanded;
        values[worstIndex] = fe;
      } else {
        vertices[worstIndex] = reflected;
        values[worstIndex] = fr;
      }
      continue;
    }
    if (fr < secondWorstValue) {
      vertices[worstIndex] = reflected;
      values[worstIndex] = fr;
      continue;
    }
    // Contraction: outside when the reflection beat the worst vertex, inside otherwise.
    const outside = fr < values[worstIndex];
    const contracted = outside ? along(centroid, worst, -0.5) : along(centroid, worst, 0.5);
    const fc = value(contracted);
    if (outside ? fc <= fr : fc < values[worstIndex]) {
      vertices[worstIndex] = contracted;
      values[worstIndex] = fc;
      continue;
    }
    const bestVertex = vertices[bestIndex];
    for (let k = 1; k <= n; k++) {
      const i = order[k];
      vertices[i] = along(bestVertex, vertices[i], 0.5);
      values[i] = value(vertices[i]);
    }
  }
  order.sort((i, j) => values[i] - values[j]);
  return { x: vertices[order[0]].slice(), value: values[order[0]], iterations, converged: false };
}
