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
import { IMPUTE_METHODS, type ImputeMethod, Describe } from '@workbench/plugin-sdk';
import { STANDARDIZE_METHODS, type Standardize } from './scaling';

/** Largest k the plugin fits: segments beyond this are not something a person reads. */
export const MAX_K = 50;

/** The k-means implementations: the plugin's own (default) and ml-kmeans, kept as a reference. */
export const KMEANS_ENGINES = ['fast', 'ml-kmeans'] as const;
export type KMeansEngine = (typeof KMEANS_ENGINES)[number];

/** Most threads a fit may use. */
export const MAX_THREADS = 64;

/** Up to this many rows, an absent `nInit` means {@link SMALL_DATA_RESTARTS} restarts; above it, one. */
export const SMALL_DATA_ROWS = 10_000;
/** Restarts on small data: sklearn's classic `n_init=10`; enough that a 1-in-5 bad start is never kept (0.2¹⁰ ≈ 1e-7). */
export const SMALL_DATA_RESTARTS = 10;

/** The restarts per k a fit on `rows` rows makes: `nInit` when given, else 10 up to 10,000 rows and 1 above. */
export function restartsFor(nInit: number | undefined, rows: number): number {
  return nInit ?? (rows <= SMALL_DATA_ROWS ? SMALL_DATA_RESTARTS : 1);
}

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
  @Describe('Numeric features to cluster on; empty means every numeric column of the frame, in frame order.')
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
  @Describe(
    'Features clustered on log(1 + x) instead of x: for heavy-tailed amounts such as spend or order counts, where a few very large customers would otherwise form clusters of their own. Each must be one of `features` (or a numeric column when `features` is empty) with values above -1.',
  )
  @IsArray()
  @IsString({ each: true })
  @ArrayUnique()
  logFeatures: string[] = [];

  /** Number of clusters. When absent, k is searched over kMin..kMax and the best silhouette wins. */
  @Describe('Number of clusters. When absent, k is searched over kMin..kMax and the best silhouette wins.')
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(MAX_K)
  k?: number;

  /** Smallest k of the search (ignored when k is given). */
  @Describe('Smallest k of the search (ignored when k is given).')
  @IsInt()
  @Min(2)
  @Max(MAX_K)
  kMin = 2;

  /** Largest k of the search (ignored when k is given); clipped to rows − 1 because silhouette needs k < n. */
  @Describe('Largest k of the search (ignored when k is given); clipped to rows − 1 because silhouette needs k < n.')
  @IsInt()
  @Min(2)
  @Max(MAX_K)
  @Validate(KMaxNotBelowKMin)
  kMax = 8;

  /** Lloyd iterations per fit. */
  @Describe('Lloyd iterations per fit.')
  @IsInt()
  @Min(1)
  @Max(10_000)
  maxIterations = 300;

  /** Stop when no centroid moves by more than this squared distance (in z-score units) in one iteration (ml-kmeans' criterion). */
  @Describe(
    "Stop when no centroid moves by more than this squared distance (in z-score units) in one iteration (ml-kmeans' criterion).",
  )
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  tolerance = 1e-6;

  /** Silhouette is O(n²): above this many rows it is computed on a seeded random sample of this size. */
  @Describe('Silhouette is O(n²): above this many rows it is computed on a seeded random sample of this size.')
  @IsInt()
  @Min(10)
  @Max(20_000)
  silhouetteSampleSize = 2000;

  /**
   * Seeded k-means++ restarts per k; the fit with the lowest inertia is kept. Absent = 10 up to 10,000 rows
   * (one start in five lands in a worse optimum on small data such as Mall Customers at k = 5), 1 above,
   * where a restart costs a full pass and large data rarely has such traps. The run's `n_init` metric says
   * how many were made.
   */
  @Describe(
    "Seeded k-means++ restarts per k; the fit with the lowest inertia is kept. Absent = 10 up to 10,000 rows (one start in five lands in a worse optimum on small data such as Mall Customers at k = 5), 1 above, where a restart costs a full pass and large data rarely has such traps. The run's `n_init` metric says how many were made.",
  )
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  nInit?: number;

  /**
   * How features are scaled before clustering: 'zscore' (mean 0, population std 1), 'minmax' (0..1) or
   * 'none' (as they are). Inertia and silhouette are reported in this space and in original units.
   */
  @Describe(
    "How features are scaled before clustering: 'zscore' (mean 0, population std 1), 'minmax' (0..1) or 'none' (as they are). Inertia and silhouette are reported in this space and in original units.",
  )
  @IsIn(STANDARDIZE_METHODS)
  standardize: Standardize = 'zscore';

  /**
   * Missing values of a clustered feature: absent = refuse them, naming the customer; 'median' or 'mean' of
   * the feature's present values, or 'zero', fills them (and new data at assignment the same way); 'drop'
   * leaves those rows out of the fit, then puts them in the segment of the nearest centroid over the
   * features they have. The run reports `imputed_values` and `dropped_rows`.
   */
  @Describe(
    "Missing values of a clustered feature: absent = refuse them, naming the customer; 'median' or 'mean' of the feature's present values, or 'zero', fills them (and new data at assignment the same way); 'drop' leaves those rows out of the fit, then puts them in the segment of the nearest centroid over the features they have. The run reports `imputed_values` and `dropped_rows`.",
  )
  @IsOptional()
  @IsIn(IMPUTE_METHODS)
  impute?: ImputeMethod;

  /**
   * 'fast': the plugin's engine (flat arrays, greedy k-means++, Hamerly's bounds, worker threads);
   * 'ml-kmeans': the ml-kmeans library, slower, kept as the reference the fast engine is tested against.
   */
  @Describe(
    "'fast': the plugin's engine (flat arrays, greedy k-means++, Hamerly's bounds, worker threads); 'ml-kmeans': the ml-kmeans library, slower, kept as the reference the fast engine is tested against.",
  )
  @IsIn(KMEANS_ENGINES)
  engine: KMeansEngine = 'fast';

  /**
   * Threads of the fast engine, capped to one per 25,000 rows (below 50,000 rows a fit is single-threaded).
   * Absent = the machine's available parallelism, capped to one per 250,000 rows, where a worker pays
   * for its start. Results do not depend on it.
   */
  @Describe(
    "Threads of the fast engine, capped to one per 25,000 rows (below 50,000 rows a fit is single-threaded). Absent = the machine's available parallelism, capped to one per 250,000 rows, where a worker pays for its start. Results do not depend on it.",
  )
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_THREADS)
  threads?: number;
}
