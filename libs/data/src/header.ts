// What ingest of every kind needs to know about a file's columns, and the words its messages use for the options.
import { hasCurrencySymbol } from './bytes';
import { IngestError } from './ingest-errors';

/** How to name the columns of a header-less file, in the words of the CLI and of the API. */
export const NO_HEADER_HINT =
  'if the file has no header, name its columns: CLI --no-header --columns a,b,c; API fields header=false and columns=a,b,c';

/**
 * The column names of a file: its first line, or `columns` (which, with a header, replace the file's
 * names). Names must be unique: a mapping names columns, and a duplicated name would silently mean the first.
 */
export function headerOf(
  firstLine: readonly string[],
  hasHeader: boolean,
  columns: readonly string[] | undefined,
  delimiter: string,
): { headers: string[]; dataFrom: number } {
  const given = columns?.map((c) => c.trim());
  if (!hasHeader && (!given || given.length === 0)) {
    throw new IngestError(
      `a file without a header needs its column names: CLI --columns a,b,c; API field columns=a,b,c (the first line has ${firstLine.length} fields)`,
    );
  }
  if (hasHeader && firstLine.length < 2 && !given) {
    throw new IngestError(`the header has only one column ('${firstLine[0]}'); is the delimiter '${delimiter}' right?`);
  }
  if (given && given.length > 0 && given.length !== firstLine.length) {
    throw new IngestError(
      `${given.length} column names were given (${given.join(', ')}) but the first line has ${firstLine.length} fields`,
    );
  }
  const headers = given && given.length > 0 ? given : firstLine.map((h) => h.trim());
  const seen = new Map<string, number[]>();
  headers.forEach((h, i) => seen.set(h, [...(seen.get(h) ?? []), i + 1]));
  const duplicated = [...seen].filter(([, at]) => at.length > 1);
  if (duplicated.length > 0) {
    const list = duplicated.map(([name, at]) => `'${name}' (columns ${at.join(', ')})`).join(', ');
    throw new IngestError(
      given
        ? `the column names given repeat ${list}; each column needs its own name`
        : `the header repeats ${list}; a mapping could not tell them apart. Name every column instead: CLI --columns a,b,c; API field columns=a,b,c (they replace the header's names)`,
    );
  }
  return { headers, dataFrom: hasHeader ? 1 : 0 };
}

/** What would read a number the parser refused: the options for currency symbols and thousands separators. */
export function numberHint(raw: string, options: { currency?: boolean; thousands?: string }): string {
  if (!options.currency && hasCurrencySymbol(raw))
    return ' (to strip currency symbols: CLI --currency, API field currency=true)';
  if (!options.thousands && /^[^,.' ]*\d[,.' ]\d{3}/.test(raw))
    return " (for thousands separators: CLI --thousands ',', API field thousands)";
  return '';
}
