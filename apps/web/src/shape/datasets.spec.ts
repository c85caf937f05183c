import { describe, expect, it } from 'vitest';
import type { DatasetPreview, DatasetVersion } from '../api/types';
import {
  datasetNameOf,
  kindOf,
  mappedValue,
  previewFields,
  problemsCsv,
  uploadFields,
  versionFigures,
  type UploadChoices,
} from './datasets';

const version = (over: Partial<DatasetVersion>): DatasetVersion => ({
  id: 'v',
  dataset: 'd',
  version: 1,
  contentHash: 'ab'.repeat(32),
  kind: 'transactions',
  table: null,
  rowCount: 22189,
  rejectedCount: 1,
  schema: [],
  stats: { customers: 4372 },
  report: {
    rowsRead: 22190,
    rowsAccepted: 22189,
    rowsRejected: 1,
    problems: [],
    policy: 'skip',
    returns: 'net',
    zeroAmounts: 'keep',
    mapping: { customerId: 'customer_id', timestamp: 'invoice_date', amount: 'amount', orderId: 'invoice_no' },
    dateFormat: 'YYYY-MM-DD',
  },
  sourceName: 'invoices.csv',
  createdAt: '2026-12-03T12:00:00Z',
  ...over,
});

const preview: DatasetPreview = {
  columns: ['invoice_no', 'invoice_date', 'customer_id', 'amount'],
  rows: [],
  complete: false,
  kind: 'transactions',
  transactions: {
    fields: {
      orderIdColumn: 'invoice_no',
      timestampColumn: 'invoice_date',
      customerIdColumn: 'customer_id',
      amountColumn: 'amount',
      dateFormat: 'YYYY-MM-DD',
    },
    problem: null,
  },
  customers: { fields: { customerIdColumn: 'customer_id' }, problem: null },
};

const choices = (over: Partial<UploadChoices> = {}): UploadChoices => ({
  name: 'shop',
  policy: 'reject',
  returns: 'net',
  delimiter: ',',
  encoding: 'utf-8',
  edited: {},
  ...over,
});

describe('versionFigures', () => {
  it('reads rows, kept, rejected and customers of a transactions version, and its options in the upload fields', () => {
    expect(versionFigures(version({}))).toEqual({
      read: 22190,
      kept: 22189,
      rejected: 1,
      customers: 4372,
      options: [
        'policy skip',
        'returns net',
        'zero amounts keep',
        'customerIdColumn=customer_id',
        'timestampColumn=invoice_date',
        'amountColumn=amount',
        'orderIdColumn=invoice_no',
        'dateFormat=YYYY-MM-DD',
      ],
    });
  });

  it('says how many rows an option left out: the gap between rows read and kept beside the rejected ones', () => {
    const excluded = version({
      rowCount: 18536,
      rejectedCount: 0,
      report: {
        ...version({}).report,
        rowsRead: 22190,
        returns: 'exclude',
        returnsExcluded: 3654,
        zeroAmountsExcluded: 0,
      },
    });
    expect(versionFigures(excluded).options.slice(0, 3)).toEqual([
      'policy skip',
      'returns exclude (3,654 left out)',
      'zero amounts keep',
    ]);
  });

  it('counts a customers table by its rows and names its revenue column; an extra table has no customers', () => {
    const customers = version({
      kind: 'customers',
      rowCount: 4338,
      rejectedCount: 0,
      stats: { columns: [] },
      schema: [{ name: 'monetary', source: 'monetary', type: 'numeric', role: 'revenue' }],
      report: { rowsRead: 4338, rowsAccepted: 4338, rowsRejected: 0, problems: [], policy: 'reject' },
    });
    expect(versionFigures(customers)).toMatchObject({
      customers: 4338,
      options: ['policy reject', 'revenueColumn=monetary'],
    });
    expect(versionFigures({ ...customers, kind: 'table', table: 'survey', schema: [] })).toMatchObject({
      customers: null,
      options: ['policy reject', 'table=survey'],
    });
  });
});

describe('the upload form fields', () => {
  it('previews with the reading options only until a kind is fixed, then with the mapping edited for that kind', () => {
    expect(previewFields(choices())).toEqual([
      ['delimiter', ','],
      ['encoding', 'utf-8'],
    ]);
    expect(
      previewFields(
        choices({ kind: 'customers', edited: { revenueColumn: 'amount', timestampColumn: 'invoice_date' } }),
      ),
    ).toEqual([
      ['delimiter', ','],
      ['encoding', 'utf-8'],
      ['kind', 'customers'],
      ['revenueColumn', 'amount'],
    ]);
  });

  it('uploads the mapping as the form shows it: the detected fields, each edit over them', () => {
    const c = choices({
      policy: 'skip',
      returns: 'exclude',
      edited: { dateFormat: 'YYYY-MM-DD', amountColumn: 'customer_id' },
    });
    expect(kindOf(c, preview)).toBe('transactions');
    expect(mappedValue('timestampColumn', 'transactions', c, preview)).toBe('invoice_date');
    expect(mappedValue('quantityColumn', 'transactions', c, preview)).toBe('');
    expect(uploadFields(c, preview)).toEqual([
      ['name', 'shop'],
      ['kind', 'transactions'],
      ['policy', 'skip'],
      ['problems', 'all'],
      ['delimiter', ','],
      ['encoding', 'utf-8'],
      ['returns', 'exclude'],
      ['customerIdColumn', 'customer_id'],
      ['timestampColumn', 'invoice_date'],
      ['amountColumn', 'customer_id'],
      ['orderIdColumn', 'invoice_no'],
      ['dateFormat', 'YYYY-MM-DD'],
    ]);
    expect(uploadFields(choices({ kind: 'table', table: 'survey' }), preview)).toEqual([
      ['name', 'shop'],
      ['kind', 'table'],
      ['policy', 'reject'],
      ['problems', 'all'],
      ['delimiter', ','],
      ['encoding', 'utf-8'],
      ['table', 'survey'],
    ]);
  });

  it('names a dataset after its file within the API name rule', () => {
    expect(datasetNameOf('Online Retail (2011).csv')).toBe('Online-Retail-2011');
    expect(datasetNameOf('online-retail-invoices.csv')).toBe('online-retail-invoices');
    expect(datasetNameOf('__.csv')).toBe('dataset');
  });
});

describe('problemsCsv', () => {
  it('writes line, field and reason, quoting reasons with commas and quotes', () => {
    expect(
      problemsCsv([
        { line: 7, field: 'amount', message: "'abc' is not a number" },
        { line: 9, field: '(row)', message: 'expected 4 fields, found 5, "x"' },
      ]),
    ).toBe(`line,field,reason\n7,amount,'abc' is not a number\n9,(row),"expected 4 fields, found 5, ""x"""\n`);
  });
});
