import { hyp2f1, lnGamma, logSumExp } from './special-functions';

describe('lnGamma', () => {
  it.each([
    [1, 0],
    [2, 0],
    [10, Math.log(362880)],
    [0.5, 0.5 * Math.log(Math.PI)],
    [1.5, Math.log(Math.sqrt(Math.PI) / 2)],
    [20, Math.log(121645100408832000)],
  ])('equals the closed form at %p', (x, expected) => {
    expect(Math.abs(lnGamma(x) - expected)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(expected)));
  });

  it('matches published values far from the closed forms (A&S table 6.1 / DLMF)', () => {
    // lnΓ(0.1) = ln 9.5135076986687318; lnΓ(100) = ln 99!; Stirling series for x = 1000.
    expect(lnGamma(0.1)).toBeCloseTo(2.252712651734206, 13);
    expect(Math.abs(lnGamma(100) - 359.1342053695754) / 359.1342053695754).toBeLessThan(1e-14);
    const x = 1000;
    const stirling = (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3);
    expect(Math.abs(lnGamma(x) - stirling) / stirling).toBeLessThan(1e-14);
  });

  it('uses the reflection formula below 0.5 and is infinite at the poles', () => {
    expect(lnGamma(-0.5)).toBeCloseTo(Math.log(2 * Math.sqrt(Math.PI)), 13);
    expect(lnGamma(0)).toBe(Number.POSITIVE_INFINITY);
    expect(lnGamma(-2)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('hyp2f1', () => {
  it('equals −ln(1−z)/z for (1, 1; 2; z)', () => {
    for (const z of [-0.5, 0.1, 0.5, 0.9, 0.99]) expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log1p(-z) / z, 12);
  });

  it('equals (1−z)^−a for (a, b; b; z)', () => {
    for (const z of [0.2, 0.7, 0.95]) expect(hyp2f1(2.7, 1.3, 1.3, z) / (1 - z) ** -2.7).toBeCloseTo(1, 12);
  });

  it('equals arcsin(z)/z for (½, ½; 3/2; z²)', () => {
    for (const z of [0.3, 0.8, 0.97]) expect(hyp2f1(0.5, 0.5, 1.5, z * z)).toBeCloseTo(Math.asin(z) / z, 12);
  });

  it('agrees with its Euler transformation (A&S 15.3.3) for BG/NBD-sized arguments', () => {
    const [a, b, c, z] = [26.24, 28.43, 28.22, 0.6];
    const euler = (1 - z) ** (c - a - b) * hyp2f1(c - a, c - b, c, z);
    expect(hyp2f1(a, b, c, z) / euler).toBeCloseTo(1, 11);
  });

  it('is a polynomial when a is a non-positive integer', () => {
    expect(hyp2f1(-2, 3, 4, 0.5)).toBeCloseTo(1 - (2 * 3 * 0.5) / 4 + (2 * 1 * 3 * 4 * 0.25) / (4 * 5 * 2), 14);
  });

  it('refuses |z| ≥ 1 and a pole in c', () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(/must be below 1/);
    expect(() => hyp2f1(1, 1, -1, 0.5)).toThrow(/pole/);
  });
});

describe('logSumExp', () => {
  it('adds exponentials without overflow', () => {
    expect(logSumExp(1000, 1000)).toBeCloseTo(1000 + Math.log(2), 12);
    expect(logSumExp(Number.NEGATIVE_INFINITY, -3)).toBe(-3);
  });
});
