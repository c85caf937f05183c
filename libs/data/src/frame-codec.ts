import { createHash } from 'node:crypto';
import { createFeatureFrame, type FeatureColumn, type FeatureFrame } from '@workbench/plugin-sdk';
import {
  align8,
  copyOf,
  readHead,
  readHeaderJson,
  sectionIn,
  sectionParts,
  type Section,
  type SectionHeader,
} from './sections';
import { StringTable } from './string-table';

// Layout 'WBF2' (see sections.ts): the ids as a binary string table (u32 end offsets, then the UTF-8 bytes back to
// back), then each column's values (float64) or codes (int32) with, for a categorical column, its levels as a
// string table too. The header holds names, kinds and the layout only: no JSON of row-sized data (a million ids
// as one JSON string is slow to build and parse, and tens of millions exceed what V8 can hold in one string).
// 'WBF1' (ids and levels as JSON in the header) is still read: artifacts stored before WBF2 load as they were.
const MAGIC = 'WBF2';
const MAGIC_V1 = 'WBF1';

interface ColumnHeader {
  name: string;
  kind: 'numeric' | 'categorical';
}
interface Header {
  rowCount: number;
  columns: ColumnHeader[];
  /** Sections named `ids.ends`, `ids.bytes`, `<i>.values`, `<i>.levels.ends`, `<i>.levels.bytes` (i: column). */
  sections: SectionHeader[];
}

/** What WBF1 wrote: everything but the columns' typed arrays in the header JSON. */
interface HeaderV1 {
  rowCount: number;
  ids: string[];
  columns: {
    name: string;
    kind: 'numeric' | 'categorical';
    levels?: readonly string[];
    offset: number;
    byteLength: number;
  }[];
}

/**
 * The encoding of a frame as parts (the head, then views of the ids, values and levels): stored or hashed as their
 * concatenation without building it. Equal frames give equal bytes, so the bytes' hash identifies the content.
 * `ids`, when given, are the frame's ids already as a table (e.g. a run input's), which spares encoding them again.
 */
export function encodeFrameParts(frame: FeatureFrame, ids?: StringTable): Uint8Array[] {
  return encodeColumnParts(ids ?? StringTable.of(frame.ids), frame.columns);
}

/** The encoding of a frame given as its ids (a table) and its columns: what {@link encodeFrameParts} writes. */
export function encodeColumnParts(
  ids: StringTable,
  frameColumns: Readonly<Record<string, FeatureColumn>>,
): Uint8Array[] {
  const sections: [string, SectionHeader['type'], Section][] = [
    ['ids.ends', 'uint32', ids.ends],
    ['ids.bytes', 'uint8', ids.bytes],
  ];
  const columns: ColumnHeader[] = [];
  Object.entries(frameColumns).forEach(([name, column], i) => {
    const length = column.kind === 'numeric' ? column.values.length : column.codes.length;
    if (length !== ids.length) throw new Error(`column '${name}' has ${length} values but there are ${ids.length} ids`);
    columns.push({ name, kind: column.kind });
    if (column.kind === 'numeric') sections.push([`${i}.values`, 'float64', column.values]);
    else {
      const levels = StringTable.of(column.levels);
      sections.push(
        [`${i}.values`, 'int32', column.codes],
        [`${i}.levels.ends`, 'uint32', levels.ends],
        [`${i}.levels.bytes`, 'uint8', levels.bytes],
      );
    }
  });
  return sectionParts(MAGIC, sections, (layout): Header => ({ rowCount: ids.length, columns, sections: layout }));
}

/** Serialises a frame to bytes. Equal frames give equal bytes, so the bytes' hash identifies the content. */
export function encodeFrame(frame: FeatureFrame, ids?: StringTable): Uint8Array {
  return Buffer.concat(encodeFrameParts(frame, ids));
}

/**
 * A stored frame as read: its columns, and its ids as the table they were stored as, which joins on ids use
 * without a string per id. The ids are decoded to strings, for the {@link FeatureFrame}, only when it is asked for.
 */
export class DecodedFrame {
  private decoded?: FeatureFrame;
  private table?: StringTable;

  constructor(
    readonly rowCount: number,
    readonly columns: Record<string, FeatureColumn>,
    private readonly source: StringTable | readonly string[],
  ) {
    for (const [name, column] of Object.entries(columns)) {
      const length = column.kind === 'numeric' ? column.values.length : column.codes.length;
      if (length !== rowCount)
        throw new Error(`workbench frame: column '${name}' has ${length} values for ${rowCount} rows`);
    }
    if (source.length !== rowCount) throw new Error(`workbench frame: ${source.length} ids for ${rowCount} rows`);
  }

  get ids(): StringTable {
    return (this.table ??= StringTable.of(this.source));
  }

  get frame(): FeatureFrame {
    return (this.decoded ??= createFeatureFrame(
      this.source instanceof StringTable ? this.source.toArray() : this.source,
      this.columns,
    ));
  }
}

/**
 * Reads bytes written by {@link encodeFrame} (or by WBF1). Column data is copied out of `bytes`, unless `copy` is
 * false: then ids and columns are views into `bytes` (no second copy), for a caller that hands `bytes` over, e.g.
 * fresh from the artifact store, and so keeps the whole buffer alive as long as the frame.
 */
export function readFrame(bytes: Uint8Array, options: { copy?: boolean } = {}): DecodedFrame {
  const copy = options.copy ?? true;
  const { magic, headerLength } = readHead(bytes);
  if (magic === MAGIC_V1) return readV1(bytes, headerLength);
  if (magic !== MAGIC) throw new Error('not a workbench frame (bad magic bytes)');
  const header = readHeaderJson<Header>(bytes, headerLength);
  const layout = new Map(header.sections.map((s) => [s.name, s]));
  // slice(): a fresh copy, so the frame does not keep the whole artifact alive and a plugin's writes stay its own.
  const section = (name: string) => {
    const c = layout.get(name);
    if (!c) throw new Error(`workbench frame: section '${name}' is missing`);
    const view = sectionIn(bytes, headerLength, c);
    return copy ? view.slice() : view;
  };
  const table = (name: string) =>
    new StringTable(section(`${name}.ends`) as Uint32Array, section(`${name}.bytes`) as Uint8Array);
  const ids = table('ids');
  if (ids.length !== header.rowCount) throw new Error(`workbench frame: ${ids.length} ids for ${header.rowCount} rows`);
  const columns: Record<string, FeatureColumn> = {};
  header.columns.forEach((c, i) => {
    columns[c.name] =
      c.kind === 'numeric'
        ? { kind: 'numeric', values: section(`${i}.values`) as Float64Array }
        : {
            kind: 'categorical',
            codes: section(`${i}.values`) as Int32Array,
            levels: table(`${i}.levels`).toArray(),
          };
  });
  return new DecodedFrame(header.rowCount, columns, ids);
}

function readV1(bytes: Uint8Array, headerLength: number): DecodedFrame {
  const header = readHeaderJson<HeaderV1>(bytes, headerLength);
  const dataStart = align8(8 + headerLength);
  const columns: Record<string, FeatureColumn> = {};
  for (const c of header.columns) {
    // A copy in a fresh, aligned buffer of its own.
    const raw = copyOf(bytes, dataStart + c.offset, dataStart + c.offset + c.byteLength);
    columns[c.name] =
      c.kind === 'numeric'
        ? { kind: 'numeric', values: new Float64Array(raw.buffer, 0, c.byteLength / 8) }
        : { kind: 'categorical', codes: new Int32Array(raw.buffer, 0, c.byteLength / 4), levels: c.levels ?? [] };
  }
  return new DecodedFrame(header.rowCount, columns, header.ids);
}

/** Reads bytes written by {@link encodeFrame}, or by WBF1 (artifacts stored before WBF2). */
export function decodeFrame(bytes: Uint8Array): FeatureFrame {
  return readFrame(bytes).frame;
}

/** SHA-256 (hex) of bytes: the identity of a dataset version's content and of artifacts. */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
