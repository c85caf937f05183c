import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import {
  assertValidManifest,
  categorical,
  createFeatureFrame,
  defineSegmentationModel,
  FeatureRequirementError,
  numeric,
  numericMatrix,
  paramsJsonSchema,
  resolveColumnName,
  ParamsValidationError,
  PluginDefinitionError,
  sampleIndices,
  seededRandom,
  validateParams,
  type PluginManifest,
} from './index';

class DemoParams {
  @IsInt() @Min(2) @Max(10) k = 3;
  @IsOptional() @IsInt() maxIterations?: number;
}

const manifest = (): PluginManifest<DemoParams> => ({
  name: 'segmenter-demo',
  version: '1.0.0',
  kind: 'segmenter',
  sdk: '^1.0.0',
  description: 'a demo',
  params: DemoParams,
  requires: [],
});

describe('manifest validation', () => {
  it('accepts a complete manifest', () => {
    expect(() => assertValidManifest(manifest())).not.toThrow();
  });

  it('refuses a version with a trailing space, naming the field', () => {
    expect(() => assertValidManifest({ ...manifest(), version: '1.0.0 ' })).toThrow(
      /manifest.version "1.0.0 " must be an exact semver/,
    );
  });

  it('refuses an unknown kind, a bad name and a bad sdk range together', () => {
    const bad = {
      ...manifest(),
      name: 'Bad Name',
      kind: 'clusterer',
      sdk: 'latest',
    } as unknown as PluginManifest<object>;
    const error = (() => {
      try {
        assertValidManifest(bad);
      } catch (e) {
        return e as PluginDefinitionError;
      }
      throw new Error('expected a PluginDefinitionError');
    })();
    expect(error).toBeInstanceOf(PluginDefinitionError);
    expect(error.problems).toHaveLength(3);
    expect(error.message).toContain('manifest.kind "clusterer" must be one of segmenter, predictor, kpi');
  });

  it('refuses an example that its own params class rejects', () => {
    expect(() => assertValidManifest({ ...manifest(), examples: [{ k: 1 }] })).toThrow(
      /manifest.examples\[0\] is invalid: .*k: k must not be less than 2/,
    );
  });

  it('refuses a model definition without train and assign', () => {
    const definition = {
      contractVersion: 1,
      manifest: { ...manifest(), artifactFormat: 'x/1', producesScores: false },
    };
    expect(() => defineSegmentationModel(definition as never)).toThrow(
      "plugin 'segmenter-demo' is invalid: train must be a function; assign must be a function",
    );
  });

  it('refuses a prepare that is not a function', () => {
    const definition = {
      contractVersion: 1,
      manifest: { ...manifest(), artifactFormat: 'x/1', producesScores: false },
      train: async () => undefined,
      assign: async () => undefined,
      prepare: 'yes',
    };
    expect(() => defineSegmentationModel(definition as never)).toThrow(
      "plugin 'segmenter-demo' is invalid: prepare, when given, must be a function",
    );
  });
});

describe('params validation', () => {
  it('fills defaults', () => {
    expect(validateParams('p', DemoParams, {}).k).toBe(3);
  });

  it('refuses unknown fields so a typo is not silently ignored', () => {
    expect(() => validateParams('p', DemoParams, { kk: 4 })).toThrow(
      "invalid params for 'p': kk: property kk should not exist",
    );
  });

  it('names each bad field', () => {
    try {
      validateParams('p', DemoParams, { k: 1.5, maxIterations: 'many' });
      throw new Error('expected a ParamsValidationError');
    } catch (e) {
      expect(e).toBeInstanceOf(ParamsValidationError);
      expect([...new Set((e as ParamsValidationError).problems.map((p) => p.path))].sort()).toEqual([
        'k',
        'maxIterations',
      ]);
    }
  });

  it('refuses params that are not an object', () => {
    expect(() => validateParams('p', DemoParams, [1])).toThrow('params must be a JSON object');
  });
});

describe('feature frames', () => {
  const frame = createFeatureFrame(['a', 'b', 'c'], {
    x: numeric([1, 2, 3]),
    y: numeric([10, null, 30]),
    country: categorical(['UK', 'FR', 'UK']),
  });

  it('encodes categories with sorted levels', () => {
    const country = frame.columns.country;
    expect(country.kind === 'categorical' && Array.from(country.codes)).toEqual([1, 0, 1]);
  });

  it('builds a row-major matrix', () => {
    const f = createFeatureFrame(['a', 'b'], { x: numeric([1, 2]), z: numeric([5, 6]) });
    expect(Array.from(numericMatrix(f, ['x', 'z']))).toEqual([1, 5, 2, 6]);
  });

  it('names the customer and row of a missing value', () => {
    expect(() => numericMatrix(frame, ['y'])).toThrow("feature 'y' is missing for customer 'b' (row 2)");
  });

  it('names a feature that is absent or categorical', () => {
    expect(() => numericMatrix(frame, ['income'])).toThrow(FeatureRequirementError);
    expect(() => numericMatrix(frame, ['country'])).toThrow("feature 'country' is categorical");
  });

  it('refuses columns whose length differs from the ids', () => {
    expect(() => createFeatureFrame(['a'], { x: numeric([1, 2]) })).toThrow(
      "column 'x' has 2 values but the frame has 1 rows",
    );
  });
});

describe('seeded randomness', () => {
  it('repeats for the same seed and differs for another', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const seqA = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(seqA);
    expect([c(), c(), c()]).not.toEqual(seqA);
    seqA.forEach((v) => expect(v >= 0 && v < 1).toBe(true));
  });

  it('samples distinct indices', () => {
    const s = sampleIndices(100, 30, seededRandom(1));
    expect(new Set(s).size).toBe(30);
    expect(Math.max(...s)).toBeLessThan(100);
  });
});

describe('params JSON schema', () => {
  class Modes {
    @IsInt() @Min(2) @Max(10) k = 3;
    @IsOptional() @IsInt() maxIterations?: number;
    @IsIn(['fast', 'exact']) mode!: string;
  }

  it('describes types, bounds, enums and defaults from the decorators', () => {
    const schema = paramsJsonSchema(Modes);
    expect(schema.properties.k).toEqual({ type: 'integer', minimum: 2, maximum: 10, default: 3 });
    expect(schema.properties.maxIterations).toEqual({ type: 'integer' });
    expect(schema.properties.mode).toEqual({ type: 'string', enum: ['fast', 'exact'] });
    expect(schema.required).toEqual(['mode']);
  });
});

describe('a plugin without params', () => {
  class NoParams {}

  it('accepts empty params and refuses any field', () => {
    expect(() => validateParams('p', NoParams, {})).not.toThrow();
    expect(() => validateParams('p', NoParams, { k: 3 })).toThrow(
      "invalid params for 'p': k: property k should not exist",
    );
  });
});

describe('resolveColumnName', () => {
  const frame = createFeatureFrame(['a'], {
    churn: numeric([1]),
    monthlycharges: numeric([2]),
    annual_income_k: numeric([3]),
    score: numeric([4]),
    Score: numeric([5]),
  });

  it('finds a column as the file spells it, ignoring case and punctuation, when only one matches', () => {
    expect(
      ['Churn', 'MonthlyCharges', 'Annual Income (k$)', 'churn', 'score', 'Score'].map((n) =>
        resolveColumnName(frame, n, 'features'),
      ),
    ).toEqual(['churn', 'monthlycharges', 'annual_income_k', 'churn', 'score', 'Score']);
  });

  it('takes the column names as a list too', () => {
    expect(resolveColumnName(['recency_days', 'monetary'], 'Recency Days', 'features')).toBe('recency_days');
  });

  it('refuses a name no column matches, naming the param, the name and the columns there are', () => {
    expect(() => resolveColumnName(frame, 'tenure', 'label')).toThrow(
      new FeatureRequirementError(
        "label: 'tenure' is not in the data, even ignoring case, spaces and punctuation (available: churn, monthlycharges, annual_income_k, score, Score)",
      ),
    );
  });

  it('refuses a name several columns match, naming them', () => {
    expect(() => resolveColumnName(frame, 'SCORE', 'features')).toThrow(
      new FeatureRequirementError("features: 'SCORE' could mean any of the columns 'score', 'Score'; name one exactly"),
    );
  });
});
