/**
 * Integer key → dense index by open addressing with linear probing over typed arrays. A JS Map of
 * millions of numbers (a file's order ids) costs seconds and hundreds of megabytes; this costs 12 bytes
 * a slot and one multiply per lookup.
 */
export class IntegerIndex {
  private keys = new Float64Array(1 << 12);
  private values = new Int32Array(1 << 12).fill(-1);
  private count = 0;

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
    return this.values[this.slot(key, this.keys, this.values)];
  }

  set(key: number, value: number): void {
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
    let slots = this.keys.length;
    while (slots < 2 * keys) slots *= 2;
    if (slots > this.keys.length) this.resize(slots);
  }

  private resize(slots: number): void {
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
