/**
 * Longest customer id, in characters: the database stores ids as varchar(255) (PostgreSQL refuses longer
 * ones), so a longer id is refused at ingest, naming its line, rather than failing every run later.
 */
export const MAX_CUSTOMER_ID_LENGTH = 255;

/** The problem with a customer id longer than {@link MAX_CUSTOMER_ID_LENGTH}, or null. `bytes` (its UTF-8 length, ≥ its characters) spares counting short ids. */
export function customerIdLengthProblem(id: string, bytes = Buffer.byteLength(id)): string | null {
  if (bytes <= MAX_CUSTOMER_ID_LENGTH) return null;
  const characters = [...id].length;
  return characters > MAX_CUSTOMER_ID_LENGTH
    ? `customer id is ${characters} characters long; the limit is ${MAX_CUSTOMER_ID_LENGTH}`
    : null;
}

/** One rejected row: its line in the file, the field and what was expected. */
export interface RowProblem {
  line: number;
  field: string;
  message: string;
}

export interface IngestReport {
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  /** The first problems found (at most `maxProblems` of the options); `rowsRejected` counts them all. */
  problems: RowProblem[];
  /** Rejected rows whose problem is not in `problems` (they are counted in `rowsRejected`). */
  problemsOmitted?: number;
  policy: 'reject' | 'skip';
}

/** The file cannot be accepted; nothing from it is stored. `report` is set when rows were read. */
export class IngestError extends Error {
  override readonly name = 'IngestError';
  constructor(
    message: string,
    readonly report?: IngestReport,
  ) {
    super(message);
  }
}
