/** One parsed record and the 1-based line of the file it starts on (quoted newlines make the two differ). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * An incremental RFC 4180 CSV parser: feed it chunks as they arrive, get back the records they
 * complete. Handles quoted fields with embedded delimiters, newlines and doubled quotes, CRLF and
 * LF endings, and a UTF-8 byte order mark. It never holds more than one unfinished record.
 *
 * @example
 * const parser = new CsvParser();
 * for await (const chunk of stream) for (const r of parser.push(chunk)) handle(r);
 * for (const r of parser.end()) handle(r);
 */
export class CsvParser {
  private field = '';
  private fields: string[] = [];
  private inQuotes = false;
  /** A quote seen inside a quoted field: either the closing quote or the first of a doubled pair. */
  private quotePending = false;
  private line = 1;
  private recordLine = 1;
  private started = false;
  private lastWasCr = false;

  constructor(private readonly delimiter = ',') {}

  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let text = chunk;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (this.lastWasCr) {
        this.lastWasCr = false;
        if (c === '\n') continue;
      }
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (c === '"') {
            this.field += '"';
            continue;
          }
          this.inQuotes = false; // that quote closed the field; c is handled below as unquoted
        } else if (c === '"') {
          this.quotePending = true;
          continue;
        } else {
          if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) this.line++;
          this.field += c;
          continue;
        }
      }
      if (c === this.delimiter) {
        this.fields.push(this.field);
        this.field = '';
      } else if (c === '\n' || c === '\r') {
        this.lastWasCr = c === '\r';
        this.finishRecord(out);
        this.line++;
        this.recordLine = this.line;
      } else if (c === '"' && this.field === '') {
        this.inQuotes = true;
      } else {
        this.field += c;
      }
    }
    return out;
  }

  /** Flushes the last record when the input does not end with a newline. */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.inQuotes && !this.quotePending) {
      throw new Error(`line ${this.recordLine}: a quoted field is never closed (missing '"')`);
    }
    this.inQuotes = false;
    this.quotePending = false;
    if (this.field !== '' || this.fields.length > 0) this.finishRecord(out);
    return out;
  }

  private finishRecord(out: CsvRecord[]): void {
    this.fields.push(this.field);
    this.field = '';
    // A blank line is not a record.
    if (!(this.fields.length === 1 && this.fields[0] === '')) out.push({ line: this.recordLine, fields: this.fields });
    this.fields = [];
  }
}

/** Parses a whole CSV text. */
export function parseCsv(text: string, delimiter = ','): CsvRecord[] {
  const parser = new CsvParser(delimiter);
  return [...parser.push(text), ...parser.end()];
}
