import { ParamsValidationError, validateParams } from '@workbench/plugin-sdk';
import { KMeansParams, restartsFor } from './kmeans-params';

function problemsOf(raw: unknown): { path: string; message: string }[] {
  try {
    validateParams('segmenter-kmeans', KMeansParams, raw);
  } catch (e) {
    if (e instanceof ParamsValidationError) return e.problems;
    throw e;
  }
  throw new Error('expected a ParamsValidationError');
}

describe('KMeansParams', () => {
  it('fills the documented defaults', () => {
    const params = validateParams('segmenter-kmeans', KMeansParams, {});
    expect({ ...params }).toEqual({
      features: [],
      logFeatures: [],
      kMin: 2,
      kMax: 8,
      maxIterations: 300,
      tolerance: 1e-6,
      silhouetteSampleSize: 2000,
      standardize: 'zscore',
      engine: 'fast',
    });
    expect(params.k).toBeUndefined();
    expect(params.nInit).toBeUndefined();
    expect(params.impute).toBeUndefined();
    expect(params.threads).toBeUndefined();
  });

  it('refuses k = 1, naming k', () => {
    expect(problemsOf({ k: 1 })).toEqual([{ path: 'k', message: 'k must not be less than 2' }]);
  });

  it('refuses a fractional k, naming k', () => {
    expect(problemsOf({ k: 2.5 }).map((p) => p.path)).toEqual(['k']);
  });

  it('refuses kMax below kMin, naming kMax and both values', () => {
    expect(problemsOf({ kMin: 6, kMax: 4 })).toEqual([{ path: 'kMax', message: 'kMax (4) must be at least kMin (6)' }]);
  });

  it('refuses a feature list with a duplicate or a non-string, naming features', () => {
    expect(problemsOf({ features: ['age', 'age'] }).map((p) => p.path)).toEqual(['features']);
    expect(problemsOf({ features: ['age', 3] }).map((p) => p.path)).toContain('features');
  });

  it('refuses a negative tolerance and nInit = 0, naming each', () => {
    expect(
      problemsOf({ tolerance: -1, nInit: 0 })
        .map((p) => p.path)
        .sort(),
    ).toEqual(['nInit', 'tolerance']);
  });

  it('refuses an unknown engine and a thread count of 0, naming each', () => {
    expect(
      problemsOf({ engine: 'elkan', threads: 0 })
        .map((p) => p.path)
        .sort(),
    ).toEqual(['engine', 'threads']);
  });

  it('refuses an unknown standardize or impute method, naming each', () => {
    expect(
      problemsOf({ standardize: 'robust', impute: 'knn' })
        .map((p) => p.path)
        .sort(),
    ).toEqual(['impute', 'standardize']);
  });

  it('takes 10 restarts up to 10,000 rows and 1 above when nInit is absent, and nInit when given', () => {
    expect([
      restartsFor(undefined, 200),
      restartsFor(undefined, 10_000),
      restartsFor(undefined, 10_001),
      restartsFor(3, 200),
    ]).toEqual([10, 10, 1, 3]);
  });

  it('refuses an unknown field so a typo is not ignored', () => {
    expect(problemsOf({ nClusters: 5 })).toEqual([
      { path: 'nClusters', message: 'property nClusters should not exist' },
    ]);
  });
});
