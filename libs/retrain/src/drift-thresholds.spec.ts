import { driftLevel } from './drift-thresholds';

describe('driftLevel', () => {
  it('uses the conventional 0.1 / 0.25 bounds, inclusive', () => {
    expect([0.0999, 0.1, 0.2499, 0.25, null].map((p) => driftLevel(p))).toEqual([
      'stable',
      'moderate',
      'moderate',
      'significant',
      'unknown',
    ]);
  });
});
