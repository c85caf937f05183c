import {
  FeatureRequirementError,
  fillValue,
  IMPUTE_HINT,
  type FeatureFrame,
  type ImputeMethod,
} from '@workbench/plugin-sdk';

/** A numeric feature, standardised as (x − mean) / std with the training rows' mean and population std. */
export interface NumericEncoding {
  name: string;
  kind: 'numeric';
  mean: number;
  std: number;
  /**
   * What a missing value becomes, in original units (absent: missing values are refused): the training rows'
   * median or mean, or 0, per the `impute` param; with 'drop' the training mean (standardised 0).
   */
  fill?: number;
}

/** A categorical feature, one-hot encoded over the levels seen in the training rows (others encode as all zeros). */
export interface CategoricalEncoding {
  name: string;
  kind: 'categorical';
  levels: string[];
}

export type FeatureEncoding = NumericEncoding | CategoricalEncoding;

/** How a frame becomes the model's input matrix; stored in the artifact so `assign` encodes new data the same way. */
export interface Preprocessing {
  features: FeatureEncoding[];
  /** Columns of the encoded matrix: 1 per numeric feature, one per level of each categorical. */
  width: number;
}

/** Names of the encoded columns, in matrix order (`tenure`, `Contract=One year`, ...). */
export function encodedColumnNames(prep: Preprocessing): string[] {
  return prep.features.flatMap((f) => (f.kind === 'numeric' ? [f.name] : f.levels.map((l) => `${f.name}=${l}`)));
}

/** The features to use: those named, or every column except the label, in frame order. */
export function resolveFeatures(features: readonly string[], label: string, frame: FeatureFrame): string[] {
  if (features.includes(label))
    throw new FeatureRequirementError(`feature '${label}' is the label; a model must not read its own label`);
  const names = features.length > 0 ? [...features] : Object.keys(frame.columns).filter((name) => name !== label);
  if (names.length === 0)
    throw new FeatureRequirementError(
      `predictor-churn needs at least one feature besides the label '${label}', and the data has none`,
    );
  for (const name of names) {
    if (!frame.columns[name]) {
      throw new FeatureRequirementError(
        `feature '${name}' is not in the data (available: ${Object.keys(frame.columns).join(', ')})`,
      );
    }
  }
  return names;
}

function column(frame: FeatureFrame, name: string) {
  const c = frame.columns[name];
  if (!c)
    throw new FeatureRequirementError(
      `feature '${name}' is not in the data (available: ${Object.keys(frame.columns).join(', ')})`,
    );
  return c;
}

function checkNumeric(frame: FeatureFrame, name: string, values: Float64Array): void {
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) {
      throw new FeatureRequirementError(
        `feature '${name}' is missing for customer '${frame.ids[i]}' (row ${i + 1}); ${IMPUTE_HINT}`,
      );
    }
  }
}

/**
 * Fits the encoding on the rows `fitRows` of `frame` (the training split, so the holdout does not leak into
 * it). Without `impute` a missing numeric value is refused, naming the customer; with it, the fill value is
 * taken over `fitRows` first and the mean and std over the filled values (as sklearn's SimpleImputer before
 * StandardScaler). With 'drop', `fitRows` must hold only complete rows.
 */
export function fitPreprocessing(
  frame: FeatureFrame,
  features: readonly string[],
  fitRows: ArrayLike<number>,
  impute?: ImputeMethod,
): Preprocessing {
  const encodings = features.map((name): FeatureEncoding => {
    const c = column(frame, name);
    if (c.kind === 'numeric') {
      if (impute === undefined) checkNumeric(frame, name, c.values);
      const fill = impute === undefined || impute === 'drop' ? undefined : fillValue(c.values, impute, fitRows, name);
      const value = (i: number) => (fill !== undefined && Number.isNaN(c.values[i]) ? fill : c.values[i]);
      let sum = 0;
      for (let t = 0; t < fitRows.length; t++) sum += value(fitRows[t]);
      const mean = sum / fitRows.length;
      let squares = 0;
      for (let t = 0; t < fitRows.length; t++) squares += (value(fitRows[t]) - mean) ** 2;
      const std = Math.sqrt(squares / fitRows.length);
      const encoding: NumericEncoding = { name, kind: 'numeric', mean, std: std > 0 ? std : 1 };
      if (impute !== undefined) encoding.fill = fill ?? mean;
      return encoding;
    }
    const seen = new Array<boolean>(c.levels.length).fill(false);
    for (let t = 0; t < fitRows.length; t++) {
      const code = c.codes[fitRows[t]];
      if (code >= 0) seen[code] = true;
    }
    return { name, kind: 'categorical', levels: c.levels.filter((_, code) => seen[code]) };
  });
  return {
    features: encodings,
    width: encodings.reduce((w, f) => w + (f.kind === 'numeric' ? 1 : f.levels.length), 0),
  };
}

/** The encoded matrix (row-major `rowCount × width`, float32 as the model takes it) and, per categorical feature, rows whose level the model never saw. */
export function encodeFrame(
  frame: FeatureFrame,
  prep: Preprocessing,
): { x: Float32Array; unseen: Record<string, number> } {
  const n = frame.rowCount;
  const w = prep.width;
  const x = new Float32Array(n * w);
  const unseen: Record<string, number> = {};
  let offset = 0;
  for (const f of prep.features) {
    const c = column(frame, f.name);
    if (f.kind === 'numeric') {
      if (c.kind !== 'numeric')
        throw new FeatureRequirementError(
          `feature '${f.name}' is categorical here but the model was trained on it as numeric`,
        );
      if (f.fill === undefined) checkNumeric(frame, f.name, c.values);
      const fill = f.fill ?? Number.NaN;
      for (let i = 0; i < n; i++)
        x[i * w + offset] = ((Number.isNaN(c.values[i]) ? fill : c.values[i]) - f.mean) / f.std;
      offset += 1;
    } else {
      if (c.kind !== 'categorical')
        throw new FeatureRequirementError(
          `feature '${f.name}' is numeric here but the model was trained on it as categorical`,
        );
      // Map this frame's codes to the model's level positions by name: the two frames may list levels differently.
      const position = c.levels.map((level) => f.levels.indexOf(level));
      let missed = 0;
      for (let i = 0; i < n; i++) {
        const code = c.codes[i];
        const j = code >= 0 ? position[code] : -1;
        if (j >= 0) x[i * w + offset + j] = 1;
        else missed++;
      }
      if (missed > 0) unseen[f.name] = missed;
      offset += f.levels.length;
    }
  }
  return { x, unseen };
}

/**
 * The label as 0/1 per row: a numeric column must hold only 0 and 1; a categorical one at most two
 * levels, `positiveLabel` meaning 1. Missing labels are refused, naming the customer.
 */
export function labelVector(frame: FeatureFrame, label: string, positiveLabel: string): Uint8Array {
  const c = frame.columns[label];
  if (!c)
    throw new FeatureRequirementError(
      `label '${label}' is not in the data (available: ${Object.keys(frame.columns).join(', ')})`,
    );
  const y = new Uint8Array(frame.rowCount);
  if (c.kind === 'numeric') {
    for (let i = 0; i < frame.rowCount; i++) {
      const v = c.values[i];
      if (v !== 0 && v !== 1) {
        throw new FeatureRequirementError(
          `label '${label}' is ${Number.isNaN(v) ? 'missing' : v} for customer '${frame.ids[i]}' (row ${i + 1}); a numeric label must be 0 or 1`,
        );
      }
      y[i] = v;
    }
    return y;
  }
  const positive = c.levels.indexOf(positiveLabel);
  if (c.levels.length > 2 || positive < 0) {
    throw new FeatureRequirementError(
      `label '${label}' must have two levels one of which is positiveLabel '${positiveLabel}'; it has ${c.levels.map((l) => `'${l}'`).join(', ')}`,
    );
  }
  for (let i = 0; i < frame.rowCount; i++) {
    if (c.codes[i] < 0)
      throw new FeatureRequirementError(`label '${label}' is missing for customer '${frame.ids[i]}' (row ${i + 1})`);
    y[i] = c.codes[i] === positive ? 1 : 0;
  }
  return y;
}
