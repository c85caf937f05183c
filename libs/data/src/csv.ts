// The one CSV reader of this library. It works on bytes: it scans for delimiter, quote and newline
// bytes and records where each field starts and ends, so callers decode only the fields they need
// (numbers and dates are parsed straight from the bytes; see bytes.ts). `CsvParser` wraps it for
// callers that want strings.

const LF = 10;
const CR = 13;
const QUOTE = 34;
const SPACE = 32;
const TAB = 9;

/** A record longer than this is almost always an unclosed quote swallowing the rest of the file. */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** Field delimiter: one byte (`,` `;` `\t` `|`) or `whitespace` (runs of spaces/tabs, no quoting, as in CDNOW_master.txt). */
export type CsvDelimiter = string;

/**
 * The records completed by one push, as offsets into `bytes`. Record `r` has the fields
 * `fieldIndex[r] .. fieldIndex[r + 1] - 1`; field `f` is `bytes[starts[f]] .. bytes[ends[f] - 1]`,
 * without its surrounding quotes. `quoting[f]` is 0 (unquoted), 1 (quoted) or 2 (quoted with `""`
 * escapes still in the bytes; use {@link fieldText}). Valid only until the next push.
 */
export interface CsvBatch {
  bytes: Buffer;
  count: number;
  fieldIndex: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
  quoting: Uint8Array;
  /** 1-based line of the file each record starts on (quoted newlines make lines and records differ). */
  lines: Int32Array;
}

/**
 * A reader of whole records without quotes (so every field is unquoted), given as bytes `[start, end)` ending with a
 * LF; `line` is the line of the first byte. It reads records as {@link CsvTokenizer} would: fields split at the
 * delimiter, a record ended by LF, CRLF or CR, blank lines skipped. Returns the lines read (one per LF, CRLF or CR).
 */
export type PlainRecords = (bytes: Buffer, start: number, end: number, line: number) => number;

/** Decodes field `f` of a batch as UTF-8 text, undoing `""` escapes. */
export function fieldText(batch: CsvBatch, f: number): string {
  const text = batch.bytes.toString('utf8', batch.starts[f], batch.ends[f]);
  return batch.quoting[f] === 2 ? text.replace(/""/g, '"') : text;
}

/**
 * Incremental RFC 4180 tokenizer over bytes: quoted fields with embedded delimiters, newlines and
 * doubled quotes; CRLF, LF or CR endings; a UTF-8 byte order mark; blank lines skipped (but counted).
 * It holds at most one unfinished record between pushes.
 *
 * @example
 * const tokenizer = new CsvTokenizer(',');
 * for await (const chunk of stream) handle(tokenizer.push(chunk));
 * handle(tokenizer.end());
 */
export class CsvTokenizer {
  private leftover: Buffer | null = null;
  private joined = Buffer.alloc(0);
  private line = 1;
  private started = false;
  private readonly delimiter: number;
  private readonly whitespace: boolean;
  private fieldIndex = new Int32Array(1024);
  private starts = new Int32Array(8192);
  private ends = new Int32Array(8192);
  private quoting = new Uint8Array(8192);
  private lines = new Int32Array(1024);

  constructor(delimiter: CsvDelimiter = ',') {
    this.whitespace = delimiter === 'whitespace';
    if (!this.whitespace && Buffer.byteLength(delimiter) !== 1) {
      throw new Error(`the delimiter must be one character or 'whitespace' (got '${delimiter}')`);
    }
    this.delimiter = this.whitespace ? SPACE : delimiter.charCodeAt(0);
  }

  /** The 1-based line of the next byte pushed (the unfinished record's line plus the newlines it holds so far). */
  get nextLine(): number {
    let line = this.line;
    const rest = this.leftover;
    if (rest) for (let i = rest.indexOf(LF); i >= 0; i = rest.indexOf(LF, i + 1)) line++;
    return line;
  }

  /** Whether an unfinished record waits for more bytes (false: everything pushed so far ended a record). */
  get pending(): boolean {
    return this.leftover !== null && this.leftover.length > 0;
  }

  /**
   * Tokenizes a chunk; the records it completes are returned (the batch, its bytes included, is reused by the next
   * call). The chunk is not kept: the caller may fill it again once this returns.
   *
   * With `plain`, bytes without a quote are not tokenized here: their records up to the last LF go to `plain` as one
   * run (and the batch returned is empty), so a reader that parses fields as it finds them reads each byte once.
   */
  push(chunk: Uint8Array, plain?: PlainRecords): CsvBatch {
    let bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.leftover) bytes = this.join(this.leftover, bytes);
    if (plain && this.started && !this.whitespace && bytes.indexOf(QUOTE) < 0) {
      const end = bytes.lastIndexOf(LF) + 1;
      if (end > 0) {
        this.line += plain(bytes, 0, end, this.line);
        this.keep(bytes, end);
        return this.batch(bytes, 0);
      }
    }
    return this.scan(bytes, false);
  }

  /**
   * The unfinished record and the next chunk, in one buffer kept from push to push: fresh memory for every chunk
   * (a new buffer each time) costs more than the tokenizing where first touching a page is slow.
   */
  private join(leftover: Buffer, chunk: Buffer): Buffer {
    const need = leftover.length + chunk.length;
    if (this.joined.length < need) this.joined = Buffer.allocUnsafe(Math.max(need, 2 * this.joined.length));
    leftover.copy(this.joined, 0);
    chunk.copy(this.joined, leftover.length);
    return this.joined.subarray(0, need);
  }

  /** Tokenizes a last chunk (if any) and flushes the last record when the input does not end with a newline. */
  end(chunk?: Uint8Array): CsvBatch {
    let bytes = this.leftover ?? Buffer.alloc(0);
    if (chunk) bytes = Buffer.concat([bytes, chunk]);
    this.leftover = null;
    return this.scan(bytes, true);
  }

  private scan(bytes: Buffer, final: boolean): CsvBatch {
    let p = 0;
    if (!this.started) {
      if (bytes.length < 3 && !final) {
        this.leftover = Buffer.from(bytes);
        return this.batch(bytes, 0);
      }
      this.started = true;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) p = 3;
    }
    const result = this.whitespace ? this.scanWhitespace(bytes, p, final) : this.scanDelimited(bytes, p, final);
    this.keep(bytes, result.consumed);
    return this.batch(bytes, result.count);
  }

  /** Keeps the bytes from `rest` on as the unfinished record. */
  private keep(bytes: Buffer, rest: number): void {
    if (rest < bytes.length) {
      if (bytes.length - rest > MAX_RECORD_BYTES) {
        throw new Error(
          `line ${this.line}: a record is longer than ${MAX_RECORD_BYTES / 1024 / 1024} MB; is a quote left unclosed?`,
        );
      }
      this.leftover = Buffer.from(bytes.subarray(rest));
    } else {
      this.leftover = null;
    }
  }

  private batch(bytes: Buffer, count: number): CsvBatch {
    return {
      bytes,
      count,
      fieldIndex: this.fieldIndex,
      starts: this.starts,
      ends: this.ends,
      quoting: this.quoting,
      lines: this.lines,
    };
  }

  private growFields(need: number): void {
    if (need <= this.starts.length) return;
    let size = this.starts.length;
    while (size < need) size *= 2;
    const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.starts = grow(this.starts, (n) => new Int32Array(n));
    this.ends = grow(this.ends, (n) => new Int32Array(n));
    this.quoting = grow(this.quoting, (n) => new Uint8Array(n));
  }

  private growRecords(need: number): void {
    if (need < this.fieldIndex.length && need < this.lines.length) return;
    let size = this.fieldIndex.length;
    while (size <= need) size *= 2;
    const fieldIndex = new Int32Array(size);
    fieldIndex.set(this.fieldIndex);
    this.fieldIndex = fieldIndex;
    const lines = new Int32Array(size);
    lines.set(this.lines);
    this.lines = lines;
  }

  private scanDelimited(b: Buffer, from: number, final: boolean): { consumed: number; count: number } {
    const len = b.length;
    const delim = this.delimiter;
    let p = from;
    let count = 0;
    let nFields = 0;
    let line = this.line;
    this.fieldIndex[0] = 0;
    outer: while (p < len) {
      const recordStart = p;
      const recordLine = line;
      let c = b[p];
      if (c === LF) {
        p++;
        line++;
        continue;
      }
      if (c === CR) {
        if (p + 1 >= len && !final) break;
        p += b[p + 1] === LF ? 2 : 1;
        line++;
        continue;
      }
      for (;;) {
        if (nFields + 1 >= this.starts.length) this.growFields(nFields + 2);
        if (b[p] === QUOTE) {
          let q = p + 1;
          let quoting = 1;
          let close = -1;
          while (close < 0) {
            const at = b.indexOf(QUOTE, q);
            if (at < 0 || (at === len - 1 && !final)) {
              if (final && at < 0) throw new Error(`line ${recordLine}: a quoted field is never closed (missing '"')`);
              if (!final) {
                line = recordLine;
                nFields = this.fieldIndex[count];
                p = recordStart;
                break outer;
              }
            }
            if (at + 1 < len && b[at + 1] === QUOTE) {
              quoting = 2;
              q = at + 2;
            } else {
              close = at;
            }
          }
          for (let k = p + 1; k < close; k++) {
            const d = b[k];
            if (d === LF || (d === CR && b[k + 1] !== LF)) line++;
          }
          this.starts[nFields] = p + 1;
          this.ends[nFields] = close;
          this.quoting[nFields] = quoting;
          nFields++;
          // Text between the closing quote and the next delimiter (not RFC 4180) is dropped.
          p = close + 1;
          while (p < len) {
            c = b[p];
            if (c === delim || c === LF || c === CR) break;
            p++;
          }
        } else {
          let q = p;
          while (q < len) {
            c = b[q];
            if (c === delim || c === LF || c === CR) break;
            q++;
          }
          this.starts[nFields] = p;
          this.ends[nFields] = q;
          this.quoting[nFields] = 0;
          nFields++;
          p = q;
        }
        if (p >= len) {
          if (!final) {
            line = recordLine;
            nFields = this.fieldIndex[count];
            p = recordStart;
            break outer;
          }
        } else {
          c = b[p];
          if (c === delim) {
            p++;
            if (p < len || final) continue;
            line = recordLine;
            nFields = this.fieldIndex[count];
            p = recordStart;
            break outer;
          }
          if (c === CR) {
            if (p + 1 >= len && !final) {
              line = recordLine;
              nFields = this.fieldIndex[count];
              p = recordStart;
              break outer;
            }
            p += b[p + 1] === LF ? 2 : 1;
          } else {
            p++;
          }
        }
        line++;
        if (count + 1 >= this.fieldIndex.length) this.growRecords(count + 2);
        this.lines[count] = recordLine;
        count++;
        this.fieldIndex[count] = nFields;
        break;
      }
    }
    this.line = line;
    return { consumed: p, count };
  }

  private scanWhitespace(b: Buffer, from: number, final: boolean): { consumed: number; count: number } {
    const len = b.length;
    let p = from;
    let count = 0;
    let nFields = 0;
    let line = this.line;
    this.fieldIndex[0] = 0;
    while (p < len) {
      const recordStart = p;
      const recordFields = nFields;
      let c = b[p];
      while ((c === SPACE || c === TAB) && p < len) c = b[++p];
      while (p < len && c !== LF && c !== CR) {
        if (nFields + 1 >= this.starts.length) this.growFields(nFields + 2);
        const start = p;
        while (p < len && c !== SPACE && c !== TAB && c !== LF && c !== CR) c = b[++p];
        this.starts[nFields] = start;
        this.ends[nFields] = p;
        this.quoting[nFields] = 0;
        nFields++;
        while ((c === SPACE || c === TAB) && p < len) c = b[++p];
      }
      if (p >= len || (c === CR && p + 1 >= len)) {
        if (!final) {
          nFields = recordFields;
          p = recordStart;
          break;
        }
      }
      if (p < len) p += c === CR && b[p + 1] === LF ? 2 : 1;
      if (nFields > recordFields) {
        if (count + 1 >= this.fieldIndex.length) this.growRecords(count + 2);
        this.lines[count] = line;
        count++;
        this.fieldIndex[count] = nFields;
      }
      line++;
    }
    this.line = line;
    return { consumed: p, count };
  }
}

/** One parsed record and the 1-based line of the file it starts on (quoted newlines make the two differ). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

function records(batch: CsvBatch): CsvRecord[] {
  const out: CsvRecord[] = [];
  for (let r = 0; r < batch.count; r++) {
    const fields: string[] = [];
    for (let f = batch.fieldIndex[r]; f < batch.fieldIndex[r + 1]; f++) fields.push(fieldText(batch, f));
    out.push({ line: batch.lines[r], fields });
  }
  return out;
}

/**
 * Text-in, strings-out wrapper of {@link CsvTokenizer}: feed it chunks as they arrive, get back the
 * records they complete.
 *
 * @example
 * const parser = new CsvParser();
 * for await (const chunk of stream) for (const r of parser.push(chunk)) handle(r);
 * for (const r of parser.end()) handle(r);
 */
export class CsvParser {
  private readonly tokenizer: CsvTokenizer;

  constructor(delimiter: CsvDelimiter = ',') {
    this.tokenizer = new CsvTokenizer(delimiter);
  }

  push(chunk: string | Uint8Array): CsvRecord[] {
    return records(this.tokenizer.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk));
  }

  /** Flushes the last record when the input does not end with a newline. */
  end(): CsvRecord[] {
    return records(this.tokenizer.end());
  }
}

/** Parses a whole CSV text. */
export function parseCsv(text: string | Uint8Array, delimiter: CsvDelimiter = ','): CsvRecord[] {
  const parser = new CsvParser(delimiter);
  return [...parser.push(text), ...parser.end()];
}
