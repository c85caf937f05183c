import { statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { IngestError } from './ingest-errors';
import type { TransactionIngestOptions } from './transaction-ingest-options';

/** A file path, the whole content, or a stream of chunks (e.g. a `Readable`). */
export type TransactionSource = string | Uint8Array | AsyncIterable<Uint8Array | string>;

/**
 * The source's chunks; for a file path, up to byte `end` (exclusive) when given: the first part of a file read in
 * parts. A file's chunks are one buffer filled again: each is valid until the next is asked for.
 */
export function chunksOf(
  source: TransactionSource,
  options: TransactionIngestOptions,
  end?: number,
): AsyncIterator<Uint8Array | string> {
  if (typeof source === 'string') {
    let size: number;
    try {
      const stat = statSync(source);
      if (stat.isDirectory()) throw new IngestError(`'${source}' is a directory; give the path of a file`);
      size = stat.size;
    } catch (e) {
      if (e instanceof IngestError) throw e;
      throw new IngestError(
        `cannot read '${source}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
      );
    }
    if (options.maxBytes !== undefined && size > options.maxBytes) {
      throw new IngestError(`the file is ${size} bytes, over the size limit of ${options.maxBytes} bytes`);
    }
    return fileChunks(source, options.chunkBytes ?? 1 << 20, 0, end ?? Number.POSITIVE_INFINITY);
  }
  if (source instanceof Uint8Array) return [source][Symbol.iterator]() as unknown as AsyncIterator<Uint8Array>;
  return source[Symbol.asyncIterator]();
}

export const asBytes = (chunk: Uint8Array | string): Uint8Array =>
  typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;

/**
 * Bytes `[start, end)` of a file (`end` may be infinite: to its end) in chunks of `chunkBytes`, read into one buffer again and again (each chunk is valid
 * until the next is asked for): a new buffer per chunk, as a read stream makes, is fresh memory for every byte of
 * the file, and first touching a page costs more than reading it.
 */
export async function* fileChunks(
  path: string,
  chunkBytes: number,
  start: number,
  end: number,
): AsyncGenerator<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(chunkBytes, end - start)));
    for (let position = start; position < end; ) {
      // From the start, in order (no position): a named pipe has no positions to read at.
      const at = start === 0 ? null : position;
      const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, end - position), at);
      if (bytesRead === 0) break;
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}
