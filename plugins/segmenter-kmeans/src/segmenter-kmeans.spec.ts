import {
  createFeatureFrame,
  FeatureRequirementError,
  numeric,
  ParamsValidationError,
  validateParams,
} from '@workbench/plugin-sdk';
import { createTestRunContext, describeSegmentationModelConformance } from '@workbench/plugin-sdk/testing';
import { mallCustomersFrame } from '../test/mall-customers';
import { decodeArtifact } from './artifact';
import plugin from './index';
import { KMeansParams } from './internal';

const frame = mallCustomersFrame();
const features = ['annual_income', 'spending_score'];
const params = (raw: Partial<KMeansParams> = {}) => validateParams('segmenter-kmeans', KMeansParams, raw);

describeSegmentationModelConformance(plugin, { frame, params: { features } });

describe('segmenter-kmeans training', () => {
  it('orders segments by size, largest first, labelled Cluster 1..k', async () => {
    const trained = await plugin.train(
      { params: params({ features, k: 5, nInit: 10 }), frame },
      createTestRunContext(),
    );
    const sizes = trained.segments.map((s) => s.size);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(trained.segments.map((s) => s.label)).toEqual([
      'Cluster 1',
      'Cluster 2',
      'Cluster 3',
      'Cluster 4',
      'Cluster 5',
    ]);
  });

  it('profiles each segment by its mean in original units and its share of customers', async () => {
    const trained = await plugin.train(
      { params: params({ features, k: 5, nInit: 10 }), frame },
      createTestRunContext(),
    );
    const income = (frame.columns.annual_income as { values: Float64Array }).values;
    const largest = trained.segments[0];
    const members = [...trained.assignments.segment.keys()].filter((i) => trained.assignments.segment[i] === 0);
    const meanIncome = members.reduce((s, i) => s + income[i], 0) / members.length;
    expect(largest.profile.annual_income).toBeCloseTo(meanIncome, 10);
    expect(largest.profile.share).toBe(largest.size / frame.rowCount);
  });

  it('reports the chosen k, inertia, silhouette and one silhouette per candidate k', async () => {
    const trained = await plugin.train(
      { params: params({ features, kMin: 3, kMax: 6 }), frame },
      createTestRunContext(),
    );
    expect(Object.keys(trained.metrics).filter((m) => m.startsWith('silhouette_k'))).toEqual([
      'silhouette_k3',
      'silhouette_k4',
      'silhouette_k5',
      'silhouette_k6',
    ]);
    const best = Math.max(...[3, 4, 5, 6].map((k) => trained.metrics[`silhouette_k${k}`]));
    expect(trained.metrics.silhouette).toBe(best);
    expect(trained.metrics[`silhouette_k${trained.metrics.k}`]).toBe(best);
    expect(trained.metrics.converged).toBe(1);
  });

  it('reports progress after every restart of every candidate k, then 1', async () => {
    const ctx = createTestRunContext();
    await plugin.train({ params: params({ features, kMin: 2, kMax: 4, nInit: 2 }), frame }, ctx);
    expect(ctx.progressReports.map((p) => p.fraction)).toEqual([1 / 7, 2 / 7, 3 / 7, 4 / 7, 5 / 7, 6 / 7, 1]);
  });

  it('uses every numeric column, in frame order, when no feature is named', async () => {
    const trained = await plugin.train({ params: params({ k: 3 }), frame }, createTestRunContext());
    expect(decodeArtifact(trained.artifact).features).toEqual(['age', 'annual_income', 'spending_score']);
  });

  it('computes the silhouette on a sample when the data is larger than silhouetteSampleSize', async () => {
    const trained = await plugin.train(
      { params: params({ features, k: 5, silhouetteSampleSize: 50 }), frame },
      createTestRunContext(),
    );
    expect(trained.metrics.silhouette_sample_size).toBe(50);
    expect(trained.metrics.silhouette).toBeGreaterThan(0.3);
  });

  it('fits a given k the same whether it was given or found by the search', async () => {
    const given = await plugin.train({ params: params({ features, k: 5 }), frame }, createTestRunContext({ seed: 3 }));
    const searched = await plugin.train(
      { params: params({ features, kMin: 4, kMax: 6 }), frame },
      createTestRunContext({ seed: 3 }),
    );
    expect(searched.metrics.k).toBe(5);
    expect(Buffer.from(searched.artifact.bytes).equals(Buffer.from(given.artifact.bytes))).toBe(true);
  });
});

describe('segmenter-kmeans assignment', () => {
  it('puts new customers into the segment of the nearest centroid in the training z-scores', async () => {
    const trained = await plugin.train(
      { params: params({ features, k: 5, nInit: 10 }), frame },
      createTestRunContext(),
    );
    const rich = trained.segments.find(
      (s) => (s.profile.annual_income as number) > 80 && (s.profile.spending_score as number) > 70,
    )!;
    const newcomers = createFeatureFrame(['n1'], {
      annual_income: numeric([rich.profile.annual_income as number]),
      spending_score: numeric([rich.profile.spending_score as number]),
    });
    const assigned = await plugin.assign(trained.artifact, newcomers, createTestRunContext());
    expect(Array.from(assigned.segment)).toEqual([rich.key]);
  });

  it('names a feature the new data lacks', async () => {
    const trained = await plugin.train({ params: params({ features, k: 3 }), frame }, createTestRunContext());
    const partial = createFeatureFrame(['n1'], { annual_income: numeric([50]) });
    await expect(plugin.assign(trained.artifact, partial, createTestRunContext())).rejects.toThrow(
      "feature 'spending_score' is not in the data",
    );
  });

  it('refuses an artifact of another format', async () => {
    await expect(
      plugin.assign({ format: 'rules-json/1', bytes: new Uint8Array() }, frame, createTestRunContext()),
    ).rejects.toThrow("segmenter-kmeans reads 'kmeans-json/1' artifacts, not 'rules-json/1'");
  });
});

describe('segmenter-kmeans input errors', () => {
  it('names an unknown feature', async () => {
    await expect(
      plugin.train({ params: params({ features: ['annual_income', 'income'] }), frame }, createTestRunContext()),
    ).rejects.toThrow(
      new FeatureRequirementError(
        "features: 'income' is not in the data, even ignoring case, spaces and punctuation (available: genre, age, annual_income, spending_score)",
      ),
    );
  });

  it("finds features and logFeatures as the file spells them, and trains the same model as with the data's names", async () => {
    const exact = await plugin.train(
      { params: params({ features, logFeatures: ['annual_income'], k: 5 }), frame },
      createTestRunContext({ seed: 4 }),
    );
    const asWritten = await plugin.train(
      {
        params: params({ features: ['Annual Income', 'Spending_Score'], logFeatures: ['ANNUAL INCOME'], k: 5 }),
        frame,
      },
      createTestRunContext({ seed: 4 }),
    );
    expect(decodeArtifact(asWritten.artifact)).toMatchObject({ features, logFeatures: ['annual_income'] });
    expect(Buffer.from(asWritten.artifact.bytes).equals(Buffer.from(exact.artifact.bytes))).toBe(true);
  });

  it('names the param, the name and the columns when a log feature matches no column, or several', async () => {
    await expect(
      plugin.train({ params: params({ features, logFeatures: ['income'] }), frame }, createTestRunContext()),
    ).rejects.toThrow(
      new FeatureRequirementError(
        "logFeatures: 'income' is not in the data, even ignoring case, spaces and punctuation (available: genre, age, annual_income, spending_score)",
      ),
    );
    const twice = createFeatureFrame(frame.ids, { ...frame.columns, Age: frame.columns.age });
    await expect(
      plugin.train({ params: params({ features: ['AGE'] }), frame: twice }, createTestRunContext()),
    ).rejects.toThrow(
      new FeatureRequirementError("features: 'AGE' could mean any of the columns 'age', 'Age'; name one exactly"),
    );
  });

  it('names a categorical feature', async () => {
    await expect(
      plugin.train({ params: params({ features: ['genre'] }), frame }, createTestRunContext()),
    ).rejects.toThrow("feature 'genre' is categorical");
  });

  it('refuses a k larger than the number of rows, naming k', async () => {
    const tiny = createFeatureFrame(['a', 'b', 'c'], { x: numeric([1, 2, 3]) });
    await expect(plugin.train({ params: params({ k: 4 }), frame: tiny }, createTestRunContext())).rejects.toThrow(
      new ParamsValidationError('segmenter-kmeans', [
        { path: 'k', message: 'k (4) must not exceed the number of rows (3)' },
      ]),
    );
  });

  it('clips the k search to rows − 1', async () => {
    const tiny = createFeatureFrame(['a', 'b', 'c', 'd'], { x: numeric([1, 2, 10, 11]) });
    const trained = await plugin.train({ params: params(), frame: tiny }, createTestRunContext());
    expect(Object.keys(trained.metrics).filter((m) => m.startsWith('silhouette_k'))).toEqual([
      'silhouette_k2',
      'silhouette_k3',
    ]);
    expect(trained.metrics.k).toBe(2);
  });
});
