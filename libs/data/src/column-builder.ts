/** Typed-array columns that grow by doubling. */
export class ColumnBuilder {
  size = 0;
  customer = new Int32Array(1 << 16);
  order = new Int32Array(1 << 16);
  timestamp = new Float64Array(1 << 16);
  amount = new Float64Array(1 << 16);
  /** Empty (and never grown) when the file has no quantity column: 8 bytes a row neither written nor copied. */
  quantity: Float64Array;
  isReturn = new Uint8Array(1 << 16);

  constructor(readonly hasQuantity: boolean) {
    this.quantity = new Float64Array(hasQuantity ? 1 << 16 : 0);
  }

  /** Makes room for `rows` rows at once (an estimate from the file size), so a large file is not copied at every doubling. */
  reserve(rows: number): void {
    if (rows > this.customer.length) this.resize(rows);
  }

  /** Rows of room touched ahead (see {@link touchRoom}). */
  private touched = 0;

  /**
   * Touches up to `rows` rows of the room past the rows (and past the room touched before); false once all of it is
   * touched. Where first touching memory is slow, a thread about to wait for the other parts of a file does it while
   * it waits instead of while it copies their rows in.
   */
  touchRoom(rows: number): boolean {
    const from = Math.max(this.size, this.touched);
    const to = Math.min(this.customer.length, from + rows);
    for (const column of [this.customer, this.order, this.timestamp, this.amount, this.quantity, this.isReturn])
      column.fill(0, from, to);
    this.touched = to;
    return to < this.customer.length;
  }

  grow(): void {
    this.resize(Math.ceil(this.customer.length * 1.5));
  }

  private resize(n: number): void {
    const copy = <T extends Int32Array | Float64Array | Uint8Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.customer = copy(this.customer, new Int32Array(n));
    this.order = copy(this.order, new Int32Array(n));
    this.timestamp = copy(this.timestamp, new Float64Array(n));
    this.amount = copy(this.amount, new Float64Array(n));
    if (this.hasQuantity) this.quantity = copy(this.quantity, new Float64Array(n));
    this.isReturn = copy(this.isReturn, new Uint8Array(n));
  }
}
