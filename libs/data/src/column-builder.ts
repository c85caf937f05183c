import { isSharedArrayBuffer } from 'node:util/types';

/** The arrays of a {@link ColumnBuilder} (views of a range of rows). */
export interface Columns {
  customer: Int32Array;
  order: Int32Array;
  timestamp: Float64Array;
  amount: Float64Array;
  quantity: Float64Array;
  isReturn: Uint8Array;
}

/** Typed-array columns that grow by doubling. */
export class ColumnBuilder implements Columns {
  size = 0;
  customer: Int32Array = new Int32Array(1 << 16);
  order: Int32Array = new Int32Array(1 << 16);
  timestamp: Float64Array = new Float64Array(1 << 16);
  amount: Float64Array = new Float64Array(1 << 16);
  /** Empty (and never grown) when the file has no quantity column: 8 bytes a row neither written nor copied. */
  quantity: Float64Array;
  isReturn: Uint8Array = new Uint8Array(1 << 16);

  constructor(readonly hasQuantity: boolean) {
    this.quantity = new Float64Array(hasQuantity ? 1 << 16 : 0);
  }

  /** Makes room for `rows` rows at once (an estimate from the file size), so a large file is not copied at every doubling. */
  reserve(rows: number): void {
    if (rows > this.customer.length) this.resize(rows);
  }

  /**
   * Makes room for `rows` rows in memory other threads can write (SharedArrayBuffers), this builder's room the first
   * `own` of them; the others are for the rows of a file's later parts, which their threads write in place (see
   * {@link roomAt}) instead of in columns of their own that this thread would then copy. Growing past `own` moves
   * this builder's rows to memory of its own.
   */
  reserveShared(rows: number, own: number): void {
    this.resize(rows, true);
    this.useRange(0, own);
  }

  /** Views of rows `[from, to)` of the shared room (see {@link reserveShared}), for another thread's rows. */
  roomAt(from: number, to: number): Columns {
    const whole = this.whole();
    return {
      customer: whole.customer.subarray(from, to),
      order: whole.order.subarray(from, to),
      timestamp: whole.timestamp.subarray(from, to),
      amount: whole.amount.subarray(from, to),
      quantity: whole.quantity.subarray(from, to),
      isReturn: whole.isReturn.subarray(from, to),
    };
  }

  /** The rows written are in shared memory, and the shared room past them is another thread's to write. */
  get shared(): boolean {
    return isSharedArrayBuffer(this.customer.buffer);
  }

  /** Rows of shared room in all (see {@link reserveShared}). */
  get sharedRoom(): number {
    return this.shared ? this.customer.buffer.byteLength / 4 : 0;
  }

  /** Takes `columns` (e.g. another thread's {@link roomAt}) as this builder's room; it holds no rows yet. */
  adopt(columns: Columns): void {
    ({ customer: this.customer, order: this.order, timestamp: this.timestamp, amount: this.amount } = columns);
    ({ quantity: this.quantity, isReturn: this.isReturn } = columns);
  }

  /** This builder's room: all of the shared room (its rows first, then those of the file's other parts). */
  useWhole(): void {
    this.adopt(this.whole());
  }

  private useRange(from: number, to: number): void {
    this.adopt(this.roomAt(from, to));
  }

  /** Views of all of the shared room. */
  private whole(): Columns {
    return {
      customer: new Int32Array(this.customer.buffer),
      order: new Int32Array(this.order.buffer),
      timestamp: new Float64Array(this.timestamp.buffer),
      amount: new Float64Array(this.amount.buffer),
      quantity: new Float64Array(this.quantity.buffer),
      isReturn: new Uint8Array(this.isReturn.buffer),
    };
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

  private resize(n: number, shared = false): void {
    const room = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    const copy = <T extends Int32Array | Float64Array | Uint8Array>(a: T, b: T): T => {
      b.set(a.subarray(0, this.size));
      return b;
    };
    this.customer = copy(this.customer, new Int32Array(room(4 * n)));
    this.order = copy(this.order, new Int32Array(room(4 * n)));
    this.timestamp = copy(this.timestamp, new Float64Array(room(8 * n)));
    this.amount = copy(this.amount, new Float64Array(room(8 * n)));
    if (this.hasQuantity) this.quantity = copy(this.quantity, new Float64Array(room(8 * n)));
    else this.quantity = new Float64Array(room(0));
    this.isReturn = copy(this.isReturn, new Uint8Array(room(n)));
  }
}
