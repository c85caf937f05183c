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
