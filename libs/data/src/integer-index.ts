/** Keys a direct table may span whatever their count: 4 Mi slots (16 MiB), e.g. a million customer ids 10,000,000-10,999,999 in any order. */
const DENSE_MIN_SPAN = 1 << 22;
/** Beyond that, a direct table may span this many slots per key (counted or reserved): no more memory than hashing them. */
const DENSE_SLOTS_PER_KEY = 4;

/**
 * Integer key → dense index. Ids in files are mostly close together (invoice numbers counting up, customer numbers
 * from one range): while the keys fit a range not much wider than their count, a key's index is read straight from
 * a table over that range (one memory access, in order when the keys come in order). Keys spread wider switch it,
 * once and for good, to open addressing with linear probing over typed arrays. A JS Map of millions of numbers (a
 * file's order ids) costs seconds and hundreds of megabytes; either way this costs at most 24 bytes a key.
 */
export class IntegerIndex {
  /** Direct mode: the index of key `base + i` is `direct[i]` (-1: absent); null once hashed. */
  private direct: Int32Array | null = new Int32Array(0);
  private base = 0;
  private keys = new Float64Array(0);
  private values = new Int32Array(0);
  private count = 0;
  private reserved = 0;
  private lastKey = 0;

  private slot(key: number, keys: Float64Array, values: Int32Array): number {
    const mask = keys.length - 1;
    // Mix both 32-bit halves (ids can exceed 2^32), then probe linearly.
    const high = Math.floor(key / 4294967296) | 0;
    let h = Math.imul((key | 0) ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
    h = (h ^ (h >>> 15)) & mask;
    while (values[h] !== -1 && keys[h] !== key) h = (h + 1) & mask;
    return h;
  }

  /** The index of `key`, or -1. */
  get(key: number): number {
    const direct = this.direct;
    if (direct !== null) {
      const i = key - this.base;
      return i >= 0 && i < direct.length ? direct[i] : -1;
    }
    return this.values[this.slot(key, this.keys, this.values)];
  }

  set(key: number, value: number): void {
    if (this.direct !== null) {
      let i = key - this.base;
      if (i < 0 || i >= this.direct.length) {
        if (this.widen(key)) i = key - this.base;
        else this.hash();
      }
      const direct = this.direct;
      if (direct !== null) {
        if (direct[i] === -1) this.count++;
        direct[i] = value;
        this.lastKey = key;
        return;
      }
    }
    if (2 * (this.count + 1) > this.keys.length) this.resize(this.keys.length * 2);
    const h = this.slot(key, this.keys, this.values);
    if (this.values[h] === -1) this.count++;
    this.keys[h] = key;
    this.values[h] = value;
  }

  /**
   * Makes room for `keys` keys at once (an estimate), so a table of millions is not rehashed at every doubling and
   * never holds the old and the new slots of a late doubling together. Indexes do not depend on the room.
   */
  reserve(keys: number): void {
    this.reserved = Math.max(this.reserved, keys);
    if (this.direct === null) this.resize(this.slotsFor(keys));
    // A direct table that already holds keys (a file's head) spans them at once, on the side the keys went: doubling
    // its way there fills and copies as many slots again.
    else if (this.count > 0 && keys > this.direct.length) {
      const upward = this.lastKey - this.base >= this.direct.length / 2;
      this.widen(upward ? this.base + keys - 1 : this.base + this.direct.length - keys);
    }
  }

  /** Grows the direct table to hold `key` (at least doubling it); false when the range would be too wide for its keys. */
  private widen(key: number): boolean {
    const direct = this.direct as Int32Array;
    const empty = this.count === 0;
    const from = empty ? key : Math.min(this.base, key);
    const to = empty ? key + 1 : Math.max(this.base + direct.length, key + 1);
    const limit = Math.max(DENSE_MIN_SPAN, DENSE_SLOTS_PER_KEY * Math.max(this.count + 1, this.reserved));
    if (!Number.isSafeInteger(key) || to - from > limit) return false;
    // The first key gets room for as many keys as are reserved, counting up from it (as ids in files mostly do): a
    // table that doubles its way there fills and copies as many slots again.
    const length = Math.min(limit, Math.max(to - from, 2 * direct.length, empty ? this.reserved : 0, 1024));
    // Room on the side the table grew towards: keys counting down are as common as keys counting up.
    const base = key < this.base && !empty ? to - length : from;
    const grown = new Int32Array(length).fill(-1);
    if (!empty) grown.set(direct, this.base - base);
    this.direct = grown;
    this.base = base;
    return true;
  }

  /** Leaves direct mode for good: every key moves to hashed slots. */
  private hash(): void {
    const direct = this.direct as Int32Array;
    this.direct = null;
    this.resize(this.slotsFor(Math.max(this.count + 1, this.reserved)));
    for (let i = 0; i < direct.length; i++) {
      if (direct[i] === -1) continue;
      const h = this.slot(this.base + i, this.keys, this.values);
      this.keys[h] = this.base + i;
      this.values[h] = direct[i];
    }
  }

  /** Slots for `keys` keys: a power of two, at least twice the keys. */
  private slotsFor(keys: number): number {
    let slots = Math.max(this.keys.length, 1 << 12);
    while (slots < 2 * keys) slots *= 2;
    return slots;
  }

  private resize(slots: number): void {
    if (slots <= this.keys.length) return;
    const keys = new Float64Array(slots);
    const values = new Int32Array(slots).fill(-1);
    for (let i = 0; i < this.keys.length; i++) {
      if (this.values[i] === -1) continue;
      const h = this.slot(this.keys[i], keys, values);
      keys[h] = this.keys[i];
      values[h] = this.values[i];
    }
    this.keys = keys;
    this.values = values;
  }
}
