// Text encodings of input files. Everything past this point works on UTF-8 bytes, so a file is either
// valid UTF-8 (checked, never repaired: a U+FFFD that was not in the file is never stored) or decoded
// from the single-byte encoding the user names.
import { isAscii, isUtf8 } from 'node:buffer';
import { IngestError } from './ingest-errors';

/** Encodings ingest reads. `latin1` is ISO-8859-1; `windows-1252` differs from it in 0x80–0x9F (€, curly quotes, …). */
export type TextEncodingName = 'utf-8' | 'latin1' | 'windows-1252';
export const TEXT_ENCODINGS: readonly TextEncodingName[] = ['utf-8', 'latin1', 'windows-1252'];

/** Windows-1252 code points of bytes 0x80–0x9F (the five undefined bytes keep their C1 code point, as WHATWG maps them). */
const WINDOWS_1252 = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/**
 * UTF-8 bytes of a chunk in a single-byte encoding (every byte is one character, so chunks can be
 * converted independently). Node's TextDecoder decodes 'windows-1252' as Latin-1, hence the table.
 */
export function singleByteToUtf8(chunk: Uint8Array, encoding: 'latin1' | 'windows-1252'): Buffer {
  const input = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (isAscii(input)) return input;
  const out = Buffer.allocUnsafe(input.length * 3);
  let o = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    const code = c >= 0x80 && c < 0xa0 && encoding === 'windows-1252' ? WINDOWS_1252[c - 0x80] : c;
    if (code < 0x80) out[o++] = code;
    else if (code < 0x800) {
      out[o++] = 0xc0 | (code >> 6);
      out[o++] = 0x80 | (code & 0x3f);
    } else {
      out[o++] = 0xe0 | (code >> 12);
      out[o++] = 0x80 | ((code >> 6) & 0x3f);
      out[o++] = 0x80 | (code & 0x3f);
    }
  }
  return out.subarray(0, o);
}

/** Length of the UTF-8 sequence a lead byte starts (0: not a lead byte). */
function sequenceLength(c: number): number {
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) return 2;
  if (c >= 0xe0 && c <= 0xef) return 3;
  if (c >= 0xf0 && c <= 0xf4) return 4;
  return 0;
}

/** Offset of the first byte of `b` that does not start or continue a valid UTF-8 sequence; -1 when all are valid. */
export function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const n = sequenceLength(b[i]);
    if (n === 0 || i + n > b.length) return i;
    // One-character check of the sequence (overlong forms, surrogates and ranges included).
    if (n > 1 && !isUtf8(b.subarray(i, i + n))) return i;
    i += n;
  }
  return -1;
}

function countLines(b: Uint8Array, end: number): number {
  let lines = 0;
  for (let i = b.indexOf(10); i >= 0 && i < end; i = b.indexOf(10, i + 1)) lines++;
  return lines;
}

/** The one message for bytes that are not UTF-8, with the option that reads them. */
export function invalidUtf8Error(line: number, byteOffset: number, byte: number): IngestError {
  return new IngestError(
    `line ${line}, byte offset ${byteOffset}: invalid UTF-8 (byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')}); ` +
      `if the file is Latin-1 or Windows-1252, say so: CLI --encoding latin1|windows-1252, API field encoding`,
  );
}

/**
 * Checks a stream of chunks for valid UTF-8, without copying them: a sequence split between two chunks
 * is checked when its end arrives. On the first invalid byte it throws naming the line and the byte
 * offset in the file; the caller passes the line the chunk starts on.
 */
export class Utf8Checker {
  private carry = Buffer.alloc(0);
  private offset = 0;

  /** `lineAt(k)`: the 1-based line of byte `k` of this chunk. */
  check(chunk: Uint8Array, lineAt: (k: number) => number, final = false): void {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    if (this.carry.length > 0) {
      // Complete the sequence the previous chunk ended in.
      const need = sequenceLength(this.carry[0]) - this.carry.length;
      if (b.length < need && !final) {
        this.carry = Buffer.concat([this.carry, b]);
        this.offset += b.length;
        return;
      }
      if (!isUtf8(Buffer.concat([this.carry, b.subarray(0, need)])))
        throw invalidUtf8Error(lineAt(0), this.offset - this.carry.length, this.carry[0]);
      start = need;
      this.carry = Buffer.alloc(0);
    }
    // A sequence cut off at the end of the chunk waits for the next one.
    let end = b.length;
    if (!final) {
      for (let k = 1; k <= 3 && end - k >= start; k++) {
        const c = b[end - k];
        if (c < 0x80) break;
        if (c >= 0xc0) {
          if (sequenceLength(c) > k) end -= k;
          break;
        }
      }
    }
    const body = b.subarray(start, end);
    if (!isUtf8(body)) {
      const at = start + firstInvalidUtf8(body);
      throw invalidUtf8Error(lineAt(at), this.offset + at, b[at]);
    }
    this.carry = Buffer.from(b.subarray(end));
    this.offset += b.length;
  }
}

/**
 * A whole file's text: UTF-8 bytes checked (an invalid byte is an error naming its line and offset, never
 * a U+FFFD), or single-byte bytes decoded. A leading UTF-8 byte order mark is dropped.
 */
export function decodeText(bytes: Uint8Array | string, encoding: TextEncodingName = 'utf-8'): string {
  if (typeof bytes === 'string') return bytes;
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (encoding !== 'utf-8') return singleByteToUtf8(b, encoding).toString('utf8');
  if (!isUtf8(b)) {
    const at = firstInvalidUtf8(b);
    throw invalidUtf8Error(1 + countLines(b, at), at, b[at]);
  }
  return b.toString('utf8').replace(/^\ufeff/, '');
}

/** Line of byte `k` of `b`, when the bytes start on line `first`. */
export function lineOfByte(b: Uint8Array, k: number, first: number): number {
  return first + countLines(b, k);
}
