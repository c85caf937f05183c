import { brierScore, calibrationTable, expectedCalibrationError, logLoss, quantile, rocAuc } from './metrics';

describe('rocAuc', () => {
  it('is the share of positive–negative pairs ranked correctly (hand-computed: 3 of 4 pairs)', () => {
    // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 0.35 > 0.1, 0.35 < 0.4, 0.8 > both.
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
  });

  it('counts a tie between a positive and a negative as half a pair (hand-computed: 2.5 of 4)', () => {
    // Positive 0.2 ties negative 0.2 (½) and loses to 0.5 (0); positive 0.9 beats both (2).
    expect(rocAuc([0, 1, 0, 1], [0.2, 0.2, 0.5, 0.9])).toBe(0.625);
  });

  it('is 0.5 when every score is the same, 1 for a perfect ranking and 0 for a reversed one', () => {
    expect(rocAuc([0, 1, 0, 1], [0.3, 0.3, 0.3, 0.3])).toBe(0.5);
    expect(rocAuc([0, 0, 1], [0.1, 0.2, 0.9])).toBe(1);
    expect(rocAuc([1, 1, 0], [0.1, 0.2, 0.9])).toBe(0);
  });

  it('does not depend on row order', () => {
    expect(rocAuc([1, 0, 1, 0], [0.8, 0.4, 0.35, 0.1])).toBe(0.75);
  });

  it('is NaN when one class is absent', () => {
    expect(rocAuc([1, 1], [0.2, 0.4])).toBeNaN();
  });
});

describe('logLoss and brierScore', () => {
  const y = [0, 0, 1, 1];
  const p = [0.1, 0.4, 0.35, 0.8];

  it('log-loss is the mean of −ln(p) for churners and −ln(1 − p) for the others (hand-computed)', () => {
    // (−ln 0.9 − ln 0.6 − ln 0.35 − ln 0.8) / 4 = (0.1053605 + 0.5108256 + 1.0498221 + 0.2231436) / 4
    expect(logLoss(y, p)).toBeCloseTo(0.4722879538, 9);
  });

  it('log-loss stays finite for a confident wrong prediction (p clipped to 1e-15)', () => {
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(1e-15), 9);
  });

  it('Brier is the mean squared difference (hand-computed)', () => {
    // (0.1² + 0.4² + 0.65² + 0.2²) / 4 = (0.01 + 0.16 + 0.4225 + 0.04) / 4
    expect(brierScore(y, p)).toBeCloseTo(0.158125, 12);
  });
});

describe('quantile', () => {
  it('interpolates linearly between order statistics like numpy.percentile', () => {
    const sorted = [1, 2, 4, 8];
    expect(quantile(sorted, 0)).toBe(1);
    expect(quantile(sorted, 1)).toBe(8);
    expect(quantile(sorted, 0.5)).toBe(3); // position 1.5
    expect(quantile(sorted, 0.25)).toBe(1.75); // position 0.75
  });
});

describe('calibrationTable', () => {
  it('bins by prediction quantiles and reports each bin’s mean prediction and churn rate (hand-computed)', () => {
    // Edges at the 0, ½, 1 quantiles of p: the inner edge is 0.45 (between 0.4 and 0.5).
    const table = calibrationTable([0, 1, 0, 1, 1, 0], [0.1, 0.2, 0.4, 0.5, 0.7, 0.9], 2);
    expect(table).toEqual([
      { bin: 1, count: 3, meanPredicted: expect.closeTo(0.7 / 3, 12), observedRate: 1 / 3 },
      { bin: 2, count: 3, meanPredicted: expect.closeTo(0.7, 12), observedRate: 2 / 3 },
    ]);
  });

  it('keeps equal predictions in one bin, leaving an empty bin numbered in place', () => {
    const table = calibrationTable([0, 1, 0, 1], [0.3, 0.3, 0.3, 0.9], 2);
    expect(table.map((b) => b.count)).toEqual([3, 1]);
    const tied = calibrationTable([0, 1, 0, 1], [0.3, 0.3, 0.3, 0.3], 3);
    expect(tied.map((b) => b.count)).toEqual([4, 0, 0]);
    expect(tied[1].meanPredicted).toBeNaN();
  });

  it('adds up: counts to n, count × mean prediction to Σp, count × rate to the churners', () => {
    const y = Array.from({ length: 97 }, (_, i): number => ((i * 7) % 3 === 0 ? 1 : 0));
    const p = Array.from({ length: 97 }, (_, i) => ((i * 37) % 97) / 97);
    const table = calibrationTable(y, p, 10);
    expect(table.reduce((s, b) => s + b.count, 0)).toBe(97);
    expect(table.reduce((s, b) => s + b.count * b.meanPredicted, 0)).toBeCloseTo(
      p.reduce((s, v) => s + v, 0),
      10,
    );
    expect(table.reduce((s, b) => s + b.count * b.observedRate, 0)).toBeCloseTo(
      y.reduce((s, v) => s + v, 0),
      10,
    );
  });

  it('expected calibration error weighs each bin’s |prediction − rate| by its size (hand-computed)', () => {
    const table = calibrationTable([0, 1, 0, 1, 1, 0], [0.1, 0.2, 0.4, 0.5, 0.7, 0.9], 2);
    // ½ · |0.2333 − 0.3333| + ½ · |0.7 − 0.6667| = ½ · 0.1 + ½ · 0.0333
    expect(expectedCalibrationError(table)).toBeCloseTo(0.5 * 0.1 + 0.5 * (0.7 - 2 / 3), 12);
  });
});
