import { createHash } from 'node:crypto';
import { createFeatureFrame, type FeatureColumn, type FeatureFrame } from '@workbench/plugin-sdk';

// Layout: 'WBF1' | u32 header length | header JSON | zero padding to 8 bytes | column buffers (8-byte aligned).
// Columns are stored as their typed arrays so loading a version for training is a copy, not a parse.
const MAGIC = 'WBF1';

interface ColumnHeader {
  name: string;
  kind: 'numeric' | 'categorical';
  levels?: readonly string[];
  offset: number;
  byteLength: number;
}

const align8 = (n: number) => (n + 7) & ~7;

/** Serialises a frame to bytes. Equal frames give equal bytes, so the bytes' hash identifies the content. */
export function encodeFrame(frame: FeatureFrame): Uint8Array {
  const columns: ColumnHeader[] = [];
  let offset = 0;
  for (const [name, column] of Object.entries(frame.columns)) {
    const byteLength = column.kind === 'numeric' ? column.values.byteLength : column.codes.byteLength;
    columns.push({
      name,
      kind: column.kind,
      levels: column.kind === 'categorical' ? column.levels : undefined,
      offset,
      byteLength,
    });
    offset += align8(byteLength);
  }
  const header = Buffer.from(JSON.stringify({ rowCount: frame.rowCount, ids: frame.ids, columns }), 'utf8');
  const dataStart = align8(8 + header.length);
  const out = new Uint8Array(dataStart + offset);
  out.set(Buffer.from(MAGIC, 'latin1'), 0);
  new DataView(out.buffer).setUint32(4, header.length, true);
  out.set(header, 8);
  Object.values(frame.columns).forEach((column, i) => {
    const array = column.kind === 'numeric' ? column.values : column.codes;
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), dataStart + columns[i].offset);
  });
  return out;
}

/** Reads bytes written by {@link encodeFrame}. */
export function decodeFrame(bytes: Uint8Array): FeatureFrame {
  if (bytes.length < 8 || Buffer.from(bytes.subarray(0, 4)).toString('latin1') !== MAGIC) {
    throw new Error('not a workbench frame (bad magic bytes)');
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString('utf8')) as {
    rowCount: number;
    ids: string[];
    columns: ColumnHeader[];
  };
  const dataStart = align8(8 + headerLength);
  const columns: Record<string, FeatureColumn> = {};
  for (const c of header.columns) {
    // slice() copies into a fresh, aligned buffer.
    const raw = bytes.slice(dataStart + c.offset, dataStart + c.offset + c.byteLength);
    columns[c.name] =
      c.kind === 'numeric'
        ? { kind: 'numeric', values: new Float64Array(raw.buffer, 0, c.byteLength / 8) }
        : { kind: 'categorical', codes: new Int32Array(raw.buffer, 0, c.byteLength / 4), levels: c.levels ?? [] };
  }
  return createFeatureFrame(header.ids, columns);
}

/** SHA-256 (hex) of bytes: the identity of a dataset version's content and of artifacts. */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
