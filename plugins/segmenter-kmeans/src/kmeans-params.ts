import {
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  Min,
  MinLength,
  Validate,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';

/** Largest k the plugin fits: segments beyond this are not something a person reads. */
export const MAX_K = 50;

/** The k-means implementations: the plugin's own (default) and ml-kmeans, kept as a reference. */
export const KMEANS_ENGINES = ['fast', 'ml-kmeans'] as const;
export type KMeansEngine = (typeof KMEANS_ENGINES)[number];

/** Most threads a fit may use. */
export const MAX_THREADS = 64;

@ValidatorConstraint({ name: 'kMaxNotBelowKMin' })
class KMaxNotBelowKMin implements ValidatorConstraintInterface {
  validate(kMax: unknown, args: ValidationArguments): boolean {
    const kMin = (args.object as KMeansParams).kMin;
    return typeof kMax !== 'number' || typeof kMin !== 'number' || kMin <= kMax;
  }
  defaultMessage(args: ValidationArguments): string {
    return `kMax (${String(args.value)}) must be at least kMin (${String((args.object as KMeansParams).kMin)})`;
  }
}

/**
 * Parameters of segmenter-kmeans. Property initialisers are the defaults.
 *
 * @example
 * { features: ['annual_income', 'spending_score'], k: 5, nInit: 10 }   // fixed k
 * { features: ['recency_days', 'frequency', 'monetary'], kMin: 2, kMax: 8 } // k chosen by silhouette
 */
export class KMeansParams {
  /** Numeric features to cluster on; empty means every numeric column of the frame, in frame order. */
  @IsArray()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @ArrayUnique()
  features: string[] = [];

  /**
   * Features clustered on log(1 + x) instead of x: for heavy-tailed amounts such as spend or order
   * counts, where a few very large customers would otherwise form clusters of their own. Each must
   * be one of `features` (or a numeric column when `features` is empty) with values above -1.
   */
  @IsArray()
  @IsString({ each: true })
  @ArrayUnique()
  logFeatures: string[] = [];

  /** Number of clusters. When absent, k is searched over kMin..kMax and the best silhouette wins. */
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(MAX_K)
  k?: number;

  /** Smallest k of the search (ignored when k is given). */
  @IsInt()
  @Min(2)
  @Max(MAX_K)
  kMin = 2;

  /** Largest k of the search (ignored when k is given); clipped to rows − 1 because silhouette needs k < n. */
  @IsInt()
  @Min(2)
  @Max(MAX_K)
  @Validate(KMaxNotBelowKMin)
  kMax = 8;

  /** Lloyd iterations per fit. */
  @IsInt()
  @Min(1)
  @Max(10_000)
  maxIterations = 300;

  /** Stop when no centroid moves by more than this squared distance (in z-score units) in one iteration (ml-kmeans' criterion). */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  tolerance = 1e-6;

  /** Silhouette is O(n²): above this many rows it is computed on a seeded random sample of this size. */
  @IsInt()
  @Min(10)
  @Max(20_000)
  silhouetteSampleSize = 2000;

  /** Seeded k-means++ restarts per k; the fit with the lowest inertia is kept. */
  @IsInt()
  @Min(1)
  @Max(100)
  nInit = 1;

  /**
   * 'fast': the plugin's engine (flat arrays, greedy k-means++, Hamerly's bounds, worker threads);
   * 'ml-kmeans': the ml-kmeans library, slower, kept as the reference the fast engine is tested against.
   */
  @IsIn(KMEANS_ENGINES)
  engine: KMeansEngine = 'fast';

  /**
   * Threads of the fast engine, capped to one per 25,000 rows (below 50,000 rows a fit is single-threaded).
   * Absent = the machine's available parallelism, capped to one per 250,000 rows, where a worker pays
   * for its start. Results do not depend on it.
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_THREADS)
  threads?: number;
}
