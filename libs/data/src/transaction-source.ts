import { createReadStream, statSync } from 'node:fs';
import { IngestError } from './ingest-errors';
import type { TransactionIngestOptions } from './transaction-ingest-options';

/** A file path, the whole content, or a stream of chunks (e.g. a `Readable`). */
export type TransactionSource = string | Uint8Array | AsyncIterable<Uint8Array | string>;

/** The source's chunks; for a file path, up to byte `end` (exclusive) when given: the first part of a file read in parts. */
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
    return createReadStream(source, {
      highWaterMark: options.chunkBytes ?? 1 << 20,
      ...(end === undefined ? {} : { end: end - 1 }),
    })[Symbol.asyncIterator]();
  }
  if (source instanceof Uint8Array) return [source][Symbol.iterator]() as unknown as AsyncIterator<Uint8Array>;
  return source[Symbol.asyncIterator]();
}

export const asBytes = (chunk: Uint8Array | string): Uint8Array =>
  typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
