import * as tf from '@tensorflow/tfjs';
import type { ModelArtifact } from '@workbench/plugin-sdk';
import type { ModelKind } from './churn-params';
import type { Preprocessing } from './preprocessing';

export const ARTIFACT_FORMAT = 'tfjs-layers/1';

/** Everything but the weights: the header of the artifact, UTF-8 JSON. */
export interface ChurnArtifactHeader {
  format: typeof ARTIFACT_FORMAT;
  label: string;
  /** For a categorical label, the level that means churn; null for a numeric 0/1 label. */
  positiveLabel: string | null;
  model: { kind: ModelKind; hiddenUnits: number[] };
  preprocessing: Preprocessing;
  /** Probability cuts where Medium and High risk start. */
  tierCuts: [number, number];
  tierLabels: string[];
  /** tfjs `model.json` fields: the Keras topology and the manifest of the weight bytes that follow the header. */
  tfjs: {
    modelTopology: tf.io.ModelArtifacts['modelTopology'];
    weightSpecs: tf.io.WeightsManifestEntry[];
    format?: string;
    generatedBy?: string;
    convertedBy?: string | null;
  };
}

/** A decoded artifact: the header and the weights as tfjs's `weights.bin` bytes. */
export interface ChurnArtifact {
  header: ChurnArtifactHeader;
  weights: ArrayBuffer;
}

/**
 * Byte layout of 'tfjs-layers/1': a 4-byte little-endian header length h, h bytes of header JSON,
 * then the float32 weights exactly as tfjs writes `weights.bin` (little-endian, in `weightSpecs` order).
 * The header's `tfjs` part plus the weights are a standard tfjs `model.json` + `weights.bin` pair.
 */
export function encodeArtifact(artifact: ChurnArtifact): ModelArtifact {
  const header = new TextEncoder().encode(JSON.stringify(artifact.header));
  const bytes = new Uint8Array(4 + header.length + artifact.weights.byteLength);
  new DataView(bytes.buffer).setUint32(0, header.length, true);
  bytes.set(header, 4);
  bytes.set(new Uint8Array(artifact.weights), 4 + header.length);
  return { format: ARTIFACT_FORMAT, bytes };
}

const BYTES_PER_DTYPE: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/** Reads the bytes back, refusing another format or bytes whose parts do not fit together. */
export function decodeArtifact(artifact: ModelArtifact): ChurnArtifact {
  if (artifact.format !== ARTIFACT_FORMAT) {
    throw new Error(`predictor-churn reads '${ARTIFACT_FORMAT}' artifacts, not '${artifact.format}'`);
  }
  const { bytes } = artifact;
  const malformed = (why: string) => new Error(`the '${ARTIFACT_FORMAT}' artifact is malformed: ${why}`);
  if (bytes.length < 4) throw malformed('it is shorter than its 4-byte header length');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + headerLength > bytes.length)
    throw malformed(`the header length ${headerLength} runs past the end (${bytes.length} bytes)`);
  let header: ChurnArtifactHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as ChurnArtifactHeader;
  } catch (e) {
    throw malformed(`the header is not JSON (${(e as Error).message})`);
  }
  if (
    header.format !== ARTIFACT_FORMAT ||
    !header.tfjs?.modelTopology ||
    !Array.isArray(header.tfjs.weightSpecs) ||
    !header.preprocessing
  ) {
    throw malformed('the header lacks its format, topology, weight manifest or preprocessing');
  }
  const expected = header.tfjs.weightSpecs.reduce(
    (sum, w) => sum + w.shape.reduce((a, b) => a * b, 1) * (BYTES_PER_DTYPE[w.dtype] ?? Number.NaN),
    0,
  );
  const weightBytes = bytes.length - 4 - headerLength;
  if (weightBytes !== expected)
    throw malformed(`the weight manifest needs ${expected} bytes but ${weightBytes} follow the header`);
  // A copy, so the weights are an ArrayBuffer of their own whatever buffer `bytes` is a view of.
  const weights = bytes.slice(4 + headerLength).buffer;
  return { header, weights };
}

/** The network's topology and weights from a trained tfjs model, via an in-memory save handler (no files: see STACK.md gotcha 9). */
export async function saveNetwork(
  model: tf.LayersModel,
): Promise<{ tfjs: ChurnArtifactHeader['tfjs']; weights: ArrayBuffer }> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  const a = saved as tf.io.ModelArtifacts;
  return {
    tfjs: {
      modelTopology: a.modelTopology,
      weightSpecs: a.weightSpecs ?? [],
      format: a.format,
      generatedBy: a.generatedBy,
      convertedBy: a.convertedBy ?? null,
    },
    weights: a.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(a.weightData),
  };
}

/** Rebuilds the trained network from a decoded artifact (`tf.io.fromMemory`). */
export function loadNetwork(artifact: ChurnArtifact): Promise<tf.LayersModel> {
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: artifact.header.tfjs.modelTopology,
      weightSpecs: artifact.header.tfjs.weightSpecs,
      weightData: artifact.weights,
    }),
  );
}
