import { FeatureRequirementError } from './errors';

/** A numeric column: one float per row; missing values are NaN. */
export interface NumericColumn {
  readonly kind: 'numeric';
  readonly values: Float64Array;
}

/** A categorical column: one code per row into `levels`; -1 means missing. */
export interface CategoricalColumn {
  readonly kind: 'categorical';
  readonly codes: Int32Array;
  readonly levels: readonly string[];
}

export type FeatureColumn = NumericColumn | CategoricalColumn;

/**
 * Typed columnar table of features, one row per customer. Columns are typed arrays so a million
 * rows cost a few megabytes and a pass over them is a tight loop, not object traversal.
 *
 * @example
 * const frame = createFeatureFrame(['c1', 'c2'], { recency_days: numeric([3, 40]) });
 * frame.columns.recency_days.kind === 'numeric';
 */
export interface FeatureFrame {
  /** Customer ids in row order. */
  readonly ids: readonly string[];
  readonly columns: Readonly<Record<string, FeatureColumn>>;
  readonly rowCount: number;
}

/** Wraps numbers as a numeric column (`null`/`undefined` become NaN). */
export function numeric(values: ArrayLike<number | null | undefined>): NumericColumn {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] ?? Number.NaN;
  return { kind: 'numeric', values: out };
}

/** Encodes strings as a categorical column; levels are sorted so the encoding does not depend on row order. */
export function categorical(values: ArrayLike<string | null | undefined>): CategoricalColumn {
  const levels = [...new Set(Array.from(values).filter((v): v is string => v != null && v !== ''))].sort();
  const index = new Map(levels.map((l, i) => [l, i]));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    codes[i] = v == null || v === '' ? -1 : (index.get(v) as number);
  }
  return { kind: 'categorical', codes, levels };
}

/** Builds a frame and checks that every column has one value per id. */
export function createFeatureFrame(ids: readonly string[], columns: Record<string, FeatureColumn>): FeatureFrame {
  for (const [name, column] of Object.entries(columns)) {
    const length = column.kind === 'numeric' ? column.values.length : column.codes.length;
    if (length !== ids.length) {
      throw new FeatureRequirementError(`column '${name}' has ${length} values but the frame has ${ids.length} rows`);
    }
  }
  return { ids, columns, rowCount: ids.length };
}

const looseName = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * The data's name for a column a user named in a param (a feature, a label, a rule's feature): `name` itself
 * when the data has it, else the one column whose name is the same ignoring case, spaces and punctuation
 * (`Churn` finds `churn`, `MonthlyCharges` finds `monthlycharges`, `Annual Income (k$)` finds
 * `annual_income_k`: ingest normalises a file's headers, users write them as the file does). Every shipped
 * plugin resolves the names its params give through this one function, so a name works the same everywhere.
 *
 * @param columns the frame, or its column names
 * @param name the name as the user gave it
 * @param param the param that gave it, as the error should name it (`label`, `features`, `rules.0.when.1.feature`)
 * @throws FeatureRequirementError naming the param, the name and the available columns when no column matches,
 *   or naming the candidates when several do. (A plugin that can do without the column catches it and says so,
 *   as kpi-standard's CAC does with the message as its "not available" note.)
 *
 * @example
 * const label = resolveColumnName(frame, params.label, 'label'); // 'Churn' → 'churn'
 * const features = params.features.map((f) => resolveColumnName(frame, f, 'features'));
 */
export function resolveColumnName(columns: FeatureFrame | readonly string[], name: string, param: string): string {
  const names: readonly string[] = isNameList(columns) ? columns : Object.keys(columns.columns);
  if (names.includes(name)) return name;
  const wanted = looseName(name);
  const matches = names.filter((column) => looseName(column) === wanted);
  if (matches.length > 1)
    throw new FeatureRequirementError(
      `${param}: '${name}' could mean any of the columns ${matches.map((m) => `'${m}'`).join(', ')}; name one exactly`,
    );
  if (matches.length === 1) return matches[0];
  throw new FeatureRequirementError(
    `${param}: '${name}' is not in the data, even ignoring case, spaces and punctuation (available: ${names.join(', ')})`,
  );
}

const isNameList = (columns: FeatureFrame | readonly string[]): columns is readonly string[] => Array.isArray(columns);

/** Names of the numeric columns, in frame order. */
export function numericColumnNames(frame: FeatureFrame): string[] {
  return Object.entries(frame.columns)
    .filter(([, c]) => c.kind === 'numeric')
    .map(([name]) => name);
}

/** How {@link numericMatrix} treats a missing (NaN) value. */
export interface NumericMatrixOptions {
  /** Per column (in `names` order), the value that replaces a missing one (see `fillValue`). */
  fill?: readonly number[];
  /** Leave missing values as NaN: the caller handles them (e.g. drops those rows). */
  allowMissing?: boolean;
  /** What the refusal of a missing value suggests (default: impute or drop it first). */
  hint?: string;
}

/**
 * Copies the named numeric columns into one row-major `rowCount × names.length` matrix, the layout
 * numerical code wants. Throws naming the column when one is absent or not numeric, and naming the
 * customer when a value is missing, unless `options` fills or keeps it.
 */
export function numericMatrix(
  frame: FeatureFrame,
  names: readonly string[],
  options: NumericMatrixOptions = {},
): Float64Array {
  const d = names.length;
  const out = new Float64Array(frame.rowCount * d);
  names.forEach((name, j) => {
    const column = frame.columns[name];
    if (!column) {
      throw new FeatureRequirementError(
        `feature '${name}' is not in the data (available: ${Object.keys(frame.columns).join(', ')})`,
      );
    }
    if (column.kind !== 'numeric')
      throw new FeatureRequirementError(`feature '${name}' is categorical; a numeric feature is required`);
    const values = column.values;
    const fill = options.fill?.[j];
    for (let i = 0; i < frame.rowCount; i++) {
      let v = values[i];
      if (Number.isNaN(v)) {
        if (fill !== undefined) v = fill;
        else if (!options.allowMissing) {
          throw new FeatureRequirementError(
            `feature '${name}' is missing for customer '${frame.ids[i]}' (row ${i + 1}); ${options.hint ?? 'impute or drop it first'}`,
          );
        }
      }
      out[i * d + j] = v;
    }
  });
  return out;
}
