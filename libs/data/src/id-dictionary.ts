import { IntegerIndex } from './integer-index';
import { StringTable } from './string-table';

/**
 * Customer and order ids: integers (`17850`, `17850.0`) are keyed by number, ids that are the dictionary's prefix then
 * an integer (a cancellation's `C536379`) by that integer, other ids by text.
 */
export class IdDictionary {
  /**
   * The ids by index: integer ids as numbers (no string each), a prefixed id's integer n as -1 - n, NaN where the id
   * is text (then in `texts`, in order).
   */
  private numbers = new Float64Array(1 << 10);
  private readonly texts: string[] = [];
  private count = 0;
  /** The string table as {@link tableAhead} left it, in room for more ids (null: none yet). */
  private room: TableSoFar | null = null;
  /** How far {@link tableAhead} touched the room of the ids to come. */
  private touchedTo = 0;
  private readonly byNumber = new IntegerIndex();
  private readonly byPrefixed = new IntegerIndex();
  private readonly byText = new Map<string, number>();

  /** `prefix`: of the ids keyed by their integer (see {@link prefixed}); none by default. */
  constructor(private readonly prefix: Uint8Array = new Uint8Array(0)) {}

  number(key: number): number {
    let index = this.byNumber.get(key);
    if (index === -1) {
      index = this.push(key);
      this.byNumber.set(key, index);
    }
    return index;
  }

  /** The index of the id that is the prefix then the digits of `n` (see parsePrefixedId). */
  prefixed(n: number): number {
    let index = this.byPrefixed.get(n);
    if (index === -1) {
      index = this.push(-1 - n);
      this.byPrefixed.set(n, index);
    }
    return index;
  }

  text(key: string): number {
    let index = this.byText.get(key);
    if (index === undefined) {
      index = this.push(Number.NaN);
      this.texts.push(key);
      this.byText.set(key, index);
    }
    return index;
  }

  private push(key: number): number {
    if (this.count === this.numbers.length) this.grow(2 * this.count);
    this.numbers[this.count] = key;
    return this.count++;
  }

  private grow(length: number): void {
    const numbers = new Float64Array(length);
    numbers.set(this.numbers.subarray(0, this.count));
    this.numbers = numbers;
  }

  get size(): number {
    return this.count;
  }

  /** Room for `ids` ids (an estimate), so millions of them are not copied and rehashed at every doubling. */
  reserve(ids: number): void {
    this.byNumber.reserve(ids);
    if (ids > this.numbers.length) this.grow(ids);
  }

  /**
   * Writes the string table of the ids so far, `ids` more of them a call, in room for as many ids as there is room
   * for (as long as the last one so far), then makes ready the memory the next ids take; false once done. A thread
   * about to wait for the other parts of a file does it meanwhile, a slice at a time, instead of after it merges them
   * ({@link stringTable} goes on from where it got); where first touching memory is slow, the room is touched too.
   */
  tableAhead(ids: number): boolean {
    if (this.count === 0) return false;
    if (this.room === null) {
      const last = this.numbers[this.count - 1];
      const idBytes = last === last ? this.keyBytes(last) : 16;
      const length = this.numbers.length;
      this.room = { ends: new Uint32Array(length), bytes: new Uint8Array(length * idBytes), ids: 0, texts: 0 };
    }
    const room = this.room;
    if (room.ids < this.count) {
      this.room = this.writeTable(room, Math.min(this.count, room.ids + ids));
      return true;
    }
    // The room of the ids to come, `ids` of them a call too: touched at once, the room of millions of ids holds the
    // thread for a quarter of a second, in which the other parts' rows may be waiting to be merged.
    const length = Math.min(this.numbers.length, room.ends.length);
    const from = Math.max(this.count, this.touchedTo);
    if (from >= length) return false;
    if (from === this.count) this.byNumber.reserve(this.numbers.length);
    const to = Math.min(length, from + ids);
    // In proportion to the room, never below the bytes written: ids wider than the last one may have taken more.
    const bytesAt = (i: number) => Math.max(room.ends[this.count - 1], Math.floor((room.bytes.length * i) / length));
    this.numbers.fill(0, from, to);
    room.ends.fill(1, from, to);
    room.bytes.fill(1, bytesAt(from), to === length ? room.bytes.length : bytesAt(to));
    this.touchedTo = to;
    return true;
  }

  /**
   * The ids as a {@link StringTable}, written from the numbers (decimal digits, as `String` writes an integer below
   * 2^53) without a string per id: what a table of millions of order ids is stored as.
   */
  stringTable(): StringTable {
    const { ends, bytes } = this.writeTable(
      this.room ?? { ends: new Uint32Array(0), bytes: new Uint8Array(0), ids: 0, texts: 0 },
    );
    this.room = null;
    const total = this.count === 0 ? 0 : ends[this.count - 1];
    return new StringTable(ends.subarray(0, this.count), bytes.subarray(0, total));
  }

  /** The bytes of the id of a number in `numbers` (an integer id, or a prefixed id's -1 - n). */
  private keyBytes(key: number): number {
    return key >= 0 ? decimalDigits(key) : this.prefix.length + decimalDigits(-1 - key);
  }

  /** Writes the ids after those `table` holds, up to `upTo`, in its room when they fit it (else in more room). */
  private writeTable(table: TableSoFar, upTo = this.count): TableSoFar {
    const from = table.ids;
    // The text ids among these, encoded (not all of them: a table written a slice at a time would encode the texts
    // of every slice again at each slice; 64k cancellations' ids took ~5 ms a slice).
    let textCount = 0;
    for (let i = from; i < upTo; i++) if (this.numbers[i] !== this.numbers[i]) textCount++;
    const texts = StringTable.of(this.texts.slice(table.texts, table.texts + textCount));
    let ends = table.ends;
    if (ends.length < upTo) {
      ends = new Uint32Array(this.count);
      ends.set(table.ends.subarray(0, from));
    }
    let total = from === 0 ? 0 : ends[from - 1];
    for (let i = from, t = 0; i < upTo; i++) {
      const key = this.numbers[i];
      total += key === key ? this.keyBytes(key) : texts.ends[t] - texts.start(t++);
      if (total > 0xffff_ffff)
        throw new Error(`a table of ${this.count} ids is larger than 4 GiB of text; ids that long are not supported`);
      ends[i] = total;
    }
    let bytes = table.bytes;
    if (bytes.length < total) {
      // As long a room for the ids to come as for these.
      bytes = new Uint8Array(Math.max(total, Math.ceil((total * ends.length) / upTo)));
      bytes.set(table.bytes.subarray(0, from === 0 ? 0 : ends[from - 1]));
    }
    let t = 0;
    for (let i = from, at = from === 0 ? 0 : ends[from - 1]; i < upTo; i++) {
      const end = ends[i];
      let key = this.numbers[i];
      if (key < 0) {
        // A prefixed id: the prefix, then the digits written below as an integer id's.
        bytes.set(this.prefix, at);
        at += this.prefix.length;
        key = -1 - key;
      }
      if (key <= 0x7fff_ffff) {
        // Small integer arithmetic: a double's % is a library call.
        for (let k = end - 1, v = key | 0; k >= at; k--) {
          const q = (v / 10) | 0;
          bytes[k] = 48 + v - 10 * q;
          v = q;
        }
      } else if (key === key) {
        for (let k = end - 1; k >= at; k--) {
          const digit = key % 10;
          bytes[k] = 48 + digit;
          key = (key - digit) / 10;
        }
      } else {
        bytes.set(texts.bytes.subarray(texts.start(t), texts.ends[t]), at);
        t++;
      }
      at = end;
    }
    return { ends, bytes, ids: upTo, texts: table.texts + t };
  }

  /**
   * The ids in index order, for another thread: integer ids as numbers (a prefixed id's n as -1 - n, NaN where the
   * id is text), text ids apart
   * in their order. Typed, so millions of order ids cross threads as one transferable buffer; a view of this
   * dictionary's own storage, so the dictionary is done with once they are handed over (a merge writes over them).
   */
  parts(): DictionaryParts {
    return { numbers: this.numbers.subarray(0, this.count), texts: this.texts };
  }

  /**
   * Adds another dictionary's ids (e.g. of the next part of a file) in its index order and returns where each of
   * them is here: ids new here get the next indexes in that order, which is the first-seen order of the whole file.
   * No room is reserved for them all: most of a part's customers are here already (a reserve would make room for
   * twice the customers, fresh memory that stays untouched), and the order ids' room was reserved for the whole file.
   * The result is written over the other's numbers (their dictionary is done with, see {@link parts}): a new array
   * would be fresh memory, 15 MB for a part's 3.8M orders, which costs more to touch here than the merge itself.
   */
  merge(other: DictionaryParts): Int32Array {
    const numbers = other.numbers;
    // at[i]'s bytes lie within numbers[0..i], all read by the time it is written.
    const at = new Int32Array(numbers.buffer, numbers.byteOffset, numbers.length);
    for (let i = 0, t = 0; i < at.length; i++) {
      const key = numbers[i];
      at[i] = key >= 0 ? this.number(key) : key < 0 ? this.prefixed(-1 - key) : this.text(other.texts[t++]);
    }
    return at;
  }
}

/** The digits of a non-negative integer below 2^53. */
function decimalDigits(key: number): number {
  let digits = 1;
  for (let bound = 10; bound <= key; bound *= 10) digits++;
  return digits;
}

/** A string table of a dictionary's first `ids` ids (`texts` of them text), in room for more. */
interface TableSoFar {
  ends: Uint32Array;
  bytes: Uint8Array;
  ids: number;
  texts: number;
}

/** A dictionary's ids as {@link IdDictionary.parts} gives them. */
export interface DictionaryParts {
  numbers: Float64Array;
  texts: string[];
}
