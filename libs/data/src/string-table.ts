/** The ids of a dictionary, by index: a `string[]`, or a stored table's ids decoded when asked for. */
export interface IdList {
  readonly length: number;
  at(index: number): string | undefined;
}

/**
 * Strings stored as one binary table: `ends[i]` is where string `i`'s UTF-8 bytes end in `bytes` (they start where
 * string `i − 1`'s end). This is how ids are stored (transactions, frames, assignments) and how they are joined:
 * a million ids cost their bytes and one u32 each instead of a V8 string each, two tables are compared with one
 * memcmp, and a {@link StringTableIndex} finds ids by their bytes. Strings are decoded only when asked for.
 */
export class StringTable implements IdList {
  constructor(
    readonly ends: Uint32Array,
    readonly bytes: Uint8Array,
  ) {}

  /** The table of `ids`, written id by id (never one joined string, which V8 caps at ~537M characters). */
  static of(ids: IdList | readonly string[]): StringTable {
    if (ids instanceof StringTable) return ids;
    const ends = new Uint32Array(ids.length);
    let total = 0;
    for (let i = 0; i < ids.length; i++) {
      total += utf8Length(ids.at(i) as string);
      if (total > 0xffff_ffff)
        throw new Error(`a table of ${ids.length} ids is larger than 4 GiB of text; ids that long are not supported`);
      ends[i] = total;
    }
    // A Uint8Array, with a Buffer view only for the strings that are not ASCII: filling a Buffer byte by byte was
    // measured 2.5 times slower under Jest (whose Buffer comes from another realm).
    const bytes = new Uint8Array(total);
    const text = Buffer.from(bytes.buffer, 0, total);
    for (let i = 0, at = 0; i < ids.length; i++) {
      const id = ids.at(i) as string;
      const end = ends[i];
      // Plain ASCII (the usual id) is copied char by char: a Buffer#write call per id costs more than the id.
      if (end - at === id.length) for (let k = 0; k < id.length; k++) bytes[at + k] = id.charCodeAt(k);
      else text.write(id, at, 'utf8');
      at = end;
    }
    return new StringTable(ends, bytes);
  }

  get length(): number {
    return this.ends.length;
  }

  /** Where string `i`'s bytes start in `bytes`. */
  start(i: number): number {
    return i === 0 ? 0 : this.ends[i - 1];
  }

  at(index: number): string | undefined {
    if (index < 0) index += this.ends.length;
    if (!(index >= 0 && index < this.ends.length)) return undefined;
    return this.text().toString('utf8', this.start(index), this.ends[index]);
  }

  /** Every string, decoded. */
  toArray(): string[] {
    const out = new Array<string>(this.ends.length);
    this.decodeInto(out, 0, this.ends.length);
    return out;
  }

  /**
   * `toArray` with a turn for the event loop after every `step` strings: in a server process, decoding millions of
   * ids in one call holds its other work (a database pool's timers, requests) for a second or more.
   */
  async toArrayYielding(step = 1 << 16): Promise<string[]> {
    const out = new Array<string>(this.ends.length);
    for (let from = 0; from < this.ends.length; from += step) {
      this.decodeInto(out, from, Math.min(this.ends.length, from + step));
      await new Promise(setImmediate);
    }
    return out;
  }

  private decodeInto(out: string[], from: number, to: number): void {
    const text = this.text();
    let start = this.start(from);
    for (let i = from; i < to; i++) {
      out[i] = text.toString('utf8', start, this.ends[i]);
      start = this.ends[i];
    }
  }

  /** The same strings in the same order (byte for byte): two runs of one dataset version list the same customers. */
  equals(other: StringTable): boolean {
    const view = (a: Uint32Array | Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    return (
      this.ends.length === other.ends.length &&
      view(this.ends).equals(view(other.ends)) &&
      view(this.bytes).equals(view(other.bytes))
    );
  }

  private text(): Buffer {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }
}

/** The UTF-8 length of `s` as `Buffer.byteLength` counts it (a lone surrogate is written as U+FFFD: 3 bytes). */
function utf8Length(s: string): number {
  let n = s.length;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && k + 1 < s.length && (s.charCodeAt(k + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a surrogate pair: 2 chars, 4 bytes
      k++;
    } else n += 2;
  }
  return n;
}

/** FNV-1a over a byte range: the index's hash (ids are short; a byte loop is as fast as anything here). */
// Bound once: a global looked up per byte is slow where globals go through a proxy (Jest's vm contexts).
const imul = Math.imul;

function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let k = start; k < end; k++) h = imul(h ^ bytes[k], 0x01000193);
  return h ^ (h >>> 15);
}

function sameBytes(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number): boolean {
  for (let k = 0; k < aEnd - aStart; k++) if (a[aStart + k] !== b[bStart + k]) return false;
  return true;
}

/**
 * The positions of a {@link StringTable}'s strings, by their bytes: open addressing with linear probing over one
 * typed array (a slot is the position and the hash side by side: one cache line per probe), so a join of a million
 * ids builds no Map and no string. Sized once for the table.
 */
export class StringTableIndex {
  /** Slot s: `slots[2s]` the position (-1: empty), `slots[2s + 1]` the full hash (compared before any byte). */
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(private readonly table: StringTable) {
    let size = 16;
    while (size < 2 * table.length) size *= 2;
    this.slots = new Int32Array(2 * size).fill(-1);
    this.mask = size - 1;
  }

  /**
   * Indexes string `i` of the table, unless an equal string is indexed already: then that one's position is
   * returned and nothing changes (the first of a repeated id keeps its place); -1 when `i` went in.
   */
  add(i: number): number {
    const { ends, bytes } = this.table;
    const start = i === 0 ? 0 : ends[i - 1];
    const h = hashBytes(bytes, start, ends[i]);
    const s = this.slot(bytes, start, ends[i], h);
    if (this.slots[s] >= 0) return this.slots[s];
    this.slots[s] = i;
    this.slots[s + 1] = h;
    return -1;
  }

  /** The position of the string held in `bytes[start, end)`, or -1. */
  find(bytes: Uint8Array, start: number, end: number): number {
    return this.slots[this.slot(bytes, start, end, hashBytes(bytes, start, end))];
  }

  /** The position of string `i` of `other` in this index's table, or -1. */
  findIn(other: StringTable, i: number): number {
    return this.find(other.bytes, i === 0 ? 0 : other.ends[i - 1], other.ends[i]);
  }

  /** The slot (its index in `slots`) holding the string, or the empty one where it would go. */
  private slot(bytes: Uint8Array, start: number, end: number, h: number): number {
    const { ends, bytes: own } = this.table;
    const slots = this.slots;
    const length = end - start;
    for (let k = h & this.mask; ; k = (k + 1) & this.mask) {
      const s = 2 * k;
      const p = slots[s];
      if (p < 0) return s;
      if (slots[s + 1] !== h) continue;
      const ownStart = p === 0 ? 0 : ends[p - 1];
      if (ends[p] - ownStart === length && sameBytes(bytes, start, end, own, ownStart)) return s;
    }
  }
}
