import { createFeatureFrame, numeric, type FeatureFrame, type TransactionColumns } from '@workbench/plugin-sdk';
import { readFixtureCsv } from '@workbench/plugin-sdk/testing';

/** One CDNOW calibration summary (see libs/plugin-sdk/test/fixtures/PROVENANCE.md); times in weeks. */
export interface CdnowSummary {
  ids: string[];
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  /** Mean repeat-transaction value z̄ ($); 0 for customers without repeat purchases. Only in the "with transactions" file. */
  meanSpend: Float64Array;
}

/** `cdnow_customers_summary.csv` (ID,frequency,recency,T): the input of every published BG/NBD value. */
export function cdnowSummary(): CdnowSummary {
  const rows = readFixtureCsv('cdnow_customers_summary.csv', 'ID,frequency,recency,T');
  return {
    ids: rows.map((r) => r[0]),
    frequency: Float64Array.from(rows, (r) => Number(r[1])),
    recency: Float64Array.from(rows, (r) => Number(r[2])),
    T: Float64Array.from(rows, (r) => Number(r[3])),
    meanSpend: new Float64Array(rows.length),
  };
}

/** `cdnow_customers_summary_with_transactions.csv` (ID,x,t_x,T,zbar): the input of the Gamma-Gamma and CLV values. */
export function cdnowSummaryWithSpend(): CdnowSummary {
  const rows = readFixtureCsv('cdnow_customers_summary_with_transactions.csv', 'ID,x,t_x,T,zbar');
  return {
    ids: rows.map((r) => r[0]),
    frequency: Float64Array.from(rows, (r) => Number(r[1])),
    recency: Float64Array.from(rows, (r) => Number(r[2])),
    T: Float64Array.from(rows, (r) => Number(r[3])),
    meanSpend: Float64Array.from(rows, (r) => Number(r[4])),
  };
}

/** The repeat customers (x > 0) of a summary, as the Gamma-Gamma model takes them. */
export function repeatCustomers(summary: CdnowSummary): { frequency: Float64Array; meanSpend: Float64Array } {
  const rows = [...summary.frequency.keys()].filter((i) => summary.frequency[i] > 0);
  return {
    frequency: Float64Array.from(rows, (i) => summary.frequency[i]),
    meanSpend: Float64Array.from(rows, (i) => summary.meanSpend[i]),
  };
}

/** The spend file (its first `customers` rows, all by default) as a feature frame with lifetimes' column names: frequency, recency, T, monetary_value. */
export function cdnowFrame(customers = Infinity): FeatureFrame {
  const s = cdnowSummaryWithSpend();
  const n = Math.min(customers, s.ids.length);
  return createFeatureFrame(s.ids.slice(0, n), {
    frequency: numeric(s.frequency.subarray(0, n)),
    recency: numeric(s.recency.subarray(0, n)),
    T: numeric(s.T.subarray(0, n)),
    monetary_value: numeric(s.meanSpend.subarray(0, n)),
  });
}

/**
 * `cdnowElog.csv` (BTYD's transaction log of the same 2,357 customers) as the host hands it to a KPI evaluator:
 * a frame with one row per customer in `ID` order 1..2357 (no feature columns) and its transactions.
 */
export function cdnowTransactions(): { frame: FeatureFrame; transactions: TransactionColumns } {
  const rows = readFixtureCsv('cdnowElog.csv', 'masterid,sampleid,date,cds,sales');
  const ids = [...new Set(rows.map((r) => r[1]))].sort((a, b) => Number(a) - Number(b));
  const rowOf = new Map(ids.map((id, i) => [id, i]));
  const timestamp = Float64Array.from(rows, (r) =>
    Date.UTC(Number(r[2].slice(0, 4)), Number(r[2].slice(4, 6)) - 1, Number(r[2].slice(6, 8))),
  );
  return {
    frame: createFeatureFrame(ids, {}),
    transactions: {
      customerRow: Int32Array.from(rows, (r) => rowOf.get(r[1]) as number),
      order: new Int32Array(rows.length).fill(-1),
      timestamp,
      amount: Float64Array.from(rows, (r) => Number(r[4])),
      isReturn: new Uint8Array(rows.length),
    },
  };
}
