// Test-only: the specs build fixtures from the real files with the data lib, as the engine would; the plugin's src never imports it.
import { buildCustomerFeatures, ingestTransactions, type TransactionTable } from '@workbench/data';
import type { FeatureFrame, TransactionColumns } from '@workbench/plugin-sdk';
import { fixturePath, type FixtureName } from '@workbench/plugin-sdk/testing';

/** Ingest refuses dates after `now`; the fixtures are from 1997–2011. */
const NOW = new Date('2024-01-01T00:00:00Z');

export interface RealDataInput {
  frame: FeatureFrame;
  transactions: TransactionColumns;
  referenceDate: number;
  /** Segment = integer customer id mod 3, the rule pandas_reference.py applies. */
  segment: Int32Array;
}

/** Maps the ingested table onto the rows of the feature frame, as the engine does: rows of customers not in the frame get -1. */
function toColumns(table: TransactionTable, frame: FeatureFrame): TransactionColumns {
  const rowOfId = new Map(frame.ids.map((id, row) => [id, row]));
  const rowOfCustomer = Int32Array.from(
    { length: table.customerIds.length },
    (_, c) => rowOfId.get(table.customerIds.at(c) as string) ?? -1,
  );
  return {
    customerRow: Int32Array.from(table.customer, (c) => rowOfCustomer[c]),
    order: table.order,
    timestamp: table.timestamp,
    amount: table.amount,
    isReturn: table.isReturn,
  };
}

async function load(file: FixtureName, options: Parameters<typeof ingestTransactions>[1]): Promise<RealDataInput> {
  const { table } = await ingestTransactions(fixturePath(file), { ...options, now: NOW });
  const { frame, referenceDate } = buildCustomerFeatures(table, { featureSets: ['rfm'] });
  return {
    frame,
    transactions: toColumns(table, frame),
    referenceDate: referenceDate.getTime(),
    segment: Int32Array.from(frame.ids, (id) => Number(id) % 3),
  };
}

/** The first 19,999 rows of UCI Online Retail (order ids, cancellations), rows without a customer id skipped. */
export const onlineRetailSample = () => load('online-retail-sample.csv', { policy: 'skip', returns: 'net' });

/** The CDNOW 1/10th event log (no order ids: orders are purchase days), customers by sampleid. */
export const cdnowElog = () => load('cdnowElog.csv', { mapping: { customerId: 'sampleid' } });
