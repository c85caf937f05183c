import { minimizeNelderMead } from './nelder-mead';

describe('minimizeNelderMead', () => {
  it('finds the minimum (1, 1) of the Rosenbrock function from (−1.2, 1)', () => {
    const rosenbrock = (v: Float64Array) => 100 * (v[1] - v[0] ** 2) ** 2 + (1 - v[0]) ** 2;
    const result = minimizeNelderMead(rosenbrock, [-1.2, 1], { xTolerance: 1e-10, fTolerance: 1e-14 });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 7);
    expect(result.x[1]).toBeCloseTo(1, 7);
  });

  it('finds the centre of a 4-dimensional ill-scaled quadratic', () => {
    const centre = [3, -1, 0.5, 10];
    const scales = [1, 100, 0.01, 10];
    const f = (v: Float64Array) => v.reduce((s, x, j) => s + scales[j] * (x - centre[j]) ** 2, 0);
    const result = minimizeNelderMead(f, [0, 0, 0, 0]);
    result.x.forEach((x, j) => expect(x).toBeCloseTo(centre[j], 5));
  });

  it('treats a non-finite value as outside the domain', () => {
    const f = (v: Float64Array) => (v[0] <= 0 ? Number.NaN : (Math.log(v[0]) - 1) ** 2);
    expect(minimizeNelderMead(f, [0.5]).x[0]).toBeCloseTo(Math.E, 6);
  });

  it('stops at the iteration limit and says it did not converge', () => {
    const result = minimizeNelderMead((v) => (v[0] - 5) ** 2 + (v[1] + 5) ** 2, [0, 0], { maxIterations: 5 });
    expect(result.converged).toBe(false);
    expect(result.iterations).toBe(5);
  });
});
