import { estimateDifference } from './estimate-difference';
import { normalQuantile } from './special-functions';

/** Wilson score 95% interval of x/n (Wilson 1927), as kpi-standard reports rates. */
function wilson(x: number, n: number) {
  const z = normalQuantile(0.975);
  const p = x / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return { value: p, lower: centre - half, upper: centre + half };
}

describe('estimateDifference (MOVER)', () => {
  // Newcombe (1998), Stat. Med. 17:873, Table II, method 10 (score intervals, no continuity correction): θ = x1/n1 − x2/n2.
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [10, 10, 0, 20, 0.6791, 1.0],
  ])('gives Newcombe method 10 for %i/%i − %i/%i', (x1, n1, x2, n2, lower, upper) => {
    const d = estimateDifference(wilson(x2, n2), wilson(x1, n1));
    expect(d.delta).toBeCloseTo(x1 / n1 - x2 / n2, 12);
    expect(d.lower).toBeCloseTo(lower, 4);
    expect(d.upper).toBeCloseTo(upper, 4);
    expect(d.significant).toBe(lower > 0 || upper < 0);
  });

  it('gives the usual normal interval (b − a) ± z·√(se_a² + se_b²) for symmetric normal intervals', () => {
    const z = normalQuantile(0.975);
    const a = { value: 10, lower: 10 - z * 3, upper: 10 + z * 3 };
    const b = { value: 4, lower: 4 - z * 4, upper: 4 + z * 4 };
    const d = estimateDifference(a, b);
    expect([d.delta, d.lower, d.upper]).toEqual([-6, expect.closeTo(-6 - z * 5, 12), expect.closeTo(-6 + z * 5, 12)]);
    expect(d.significant).toBe(false);
  });
});
