import type { IngestReport } from './ingest-errors';
import type { TransactionIngestOptions } from './transaction-ingest-options';
import type { RowIngest } from './transaction-rows';

export interface TransactionIngestReport extends IngestReport {
  returns: 'net' | 'exclude';
  /** Returns and cancellations recognised among the valid rows (under `exclude` none of them is stored). */
  returnRows: number;
  returnsExcluded: number;
  zeroAmounts: 'keep' | 'exclude';
  /** Valid lines whose amount is 0 (under `exclude` none of them is stored). */
  zeroAmountRows: number;
  zeroAmountsExcluded: number;
  /** Rejected rows counted by reason. */
  rejectedByReason: Record<string, number>;
}

/** What the row loop read, accepted and rejected, under the options it was read with. */
export function transactionIngestReport(rows: RowIngest, options: TransactionIngestOptions): TransactionIngestReport {
  return {
    rowsRead: rows.rowsRead,
    rowsAccepted: rows.columns.size,
    rowsRejected: rows.rejected,
    problems: rows.problems,
    policy: options.policy ?? 'reject',
    returns: options.returns ?? 'net',
    returnRows: rows.returnRows,
    returnsExcluded: rows.returnsExcluded,
    zeroAmounts: options.zeroAmounts ?? 'keep',
    zeroAmountRows: rows.zeroAmountRows,
    zeroAmountsExcluded: rows.zeroAmountsExcluded,
    problemsOmitted: rows.rejected - rows.problems.length,
    rejectedByReason: rows.rejectedByReason,
  };
}
