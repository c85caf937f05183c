// The layout of the stored tables (transactions 'WBT2', frames 'WBF2'): magic (4 bytes) | u32 header length |
// header JSON (counts and the section layout: a few hundred bytes, whatever the row count) | zero padding to
// 8 bytes | sections (typed arrays), each 8-byte aligned, so a section read into aligned memory is its typed array
// as it is: loading is a copy (or a view), never a parse. No JSON holds row-sized data.

export type SectionType = 'int32' | 'uint32' | 'float64' | 'uint8';
export type Section = Int32Array | Uint32Array | Float64Array | Uint8Array;

export interface SectionHeader<Name extends string = string> {
  name: Name;
  type: SectionType;
  offset: number;
  byteLength: number;
}

const SIZE: Record<SectionType, number> = { int32: 4, uint32: 4, float64: 8, uint8: 1 };
const PADDING = new Uint8Array(8);

// Arithmetic, not `(n + 7) & ~7`: bitwise operators work on 32-bit integers, which turns a section of 2 GiB or more
// (300M float64 values) into a negative length.
export const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/**
 * The encoding as parts (the head, then views of the sections with padding between): stored or hashed as their
 * concatenation without building it. `header` gets the sections' layout and returns the header to write.
 */
export function sectionParts<Name extends string>(
  magic: string,
  sections: readonly (readonly [Name, SectionType, Section])[],
  header: (layout: SectionHeader<Name>[]) => object,
): Uint8Array[] {
  const layout: SectionHeader<Name>[] = [];
  let offset = 0;
  for (const [name, type, array] of sections) {
    layout.push({ name, type, offset, byteLength: array.byteLength });
    offset += align8(array.byteLength);
  }
  const json = Buffer.from(JSON.stringify(header(layout)), 'utf8');
  const head = new Uint8Array(align8(8 + json.length));
  head.set(Buffer.from(magic, 'latin1'), 0);
  new DataView(head.buffer).setUint32(4, json.length, true);
  head.set(json, 8);
  const parts: Uint8Array[] = [head];
  for (const [, , array] of sections) {
    parts.push(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    if (array.byteLength % 8) parts.push(PADDING.subarray(0, align8(array.byteLength) - array.byteLength));
  }
  return parts;
}

/** The magic and header length of a head of at least 8 bytes ('' and 0 when shorter). */
export function readHead(head: Uint8Array): { magic: string; headerLength: number } {
  if (head.length < 8) return { magic: '', headerLength: 0 };
  return {
    magic: Buffer.from(head.subarray(0, 4)).toString('latin1'),
    headerLength: new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(4, true),
  };
}

/** The header JSON that follows the head in `bytes`. */
export function readHeaderJson<T>(bytes: Uint8Array, headerLength: number): T {
  return JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString('utf8')) as T;
}

/** A typed array of `type` over `byteLength` bytes of `buffer` from `offset`. */
export function typedSection(type: SectionType, buffer: ArrayBufferLike, offset: number, byteLength: number): Section {
  const length = byteLength / SIZE[type];
  return type === 'int32'
    ? new Int32Array(buffer, offset, length)
    : type === 'uint32'
      ? new Uint32Array(buffer, offset, length)
      : type === 'float64'
        ? new Float64Array(buffer, offset, length)
        : new Uint8Array(buffer, offset, length);
}

/**
 * A section of `bytes` (whose header was `headerLength` bytes long): a view when the bytes are aligned for its type
 * (the usual case: tens of millions of rows exist once), a copy otherwise.
 */
export function sectionIn(bytes: Uint8Array, headerLength: number, c: SectionHeader): Section {
  const at = align8(8 + headerLength) + c.offset;
  const start = bytes.byteOffset + at;
  return start % SIZE[c.type] === 0
    ? typedSection(c.type, bytes.buffer, start, c.byteLength)
    : typedSection(c.type, copyOf(bytes, at, at + c.byteLength).buffer, 0, c.byteLength);
}

/** A copy of `bytes[start, end)` in a buffer of its own (`Buffer#slice` would give a view into the same memory). */
export function copyOf(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes, start, end);
}
