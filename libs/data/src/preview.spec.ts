import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HEAD_BYTES, IngestError, ingestCustomersCsv, ingestTransactions, previewCsv } from './index';

const SAMPLES = join(__dirname, '../../../samples');
const invoices = readFileSync(join(SAMPLES, 'online-retail-invoices.csv'));
const customers = readFileSync(join(SAMPLES, 'online-retail-customers.csv'));

describe('the upload preview', () => {
  it('shows the head of the invoices sample with the mapping and date format the ingest then uses', async () => {
    const preview = previewCsv(invoices.subarray(0, HEAD_BYTES), false);
    const ingested = await ingestTransactions(invoices, { now: new Date('2024-01-01') });
    expect(preview.kind).toBe('transactions');
    expect(preview.complete).toBe(false);
    expect(preview.columns).toEqual(['invoice_no', 'invoice_date', 'customer_id', 'amount']);
    expect(preview.transactions).toEqual({ mapping: ingested.mapping, dateFormat: ingested.dateFormat });
    expect(preview.rows).toHaveLength(20);
    const lines = invoices.toString('utf8').split('\n');
    expect(preview.rows[0]).toEqual({ line: 2, fields: lines[1].split(',') });
    expect(preview.rows[19]).toEqual({ line: 21, fields: lines[20].split(',') });
  });

  it('takes the customers sample for a customers table, with the id column the ingest picks', () => {
    const preview = previewCsv(customers.subarray(0, HEAD_BYTES), false);
    expect(preview.kind).toBe('customers');
    expect('problem' in preview.transactions && preview.transactions.problem).toContain('no timestamp column found');
    expect(preview.customers).toEqual({ customerIdColumn: 'customer_id', revenueColumn: 'monetary' });
    const small = customers.toString('utf8').split('\n').slice(0, 30).join('\n');
    const table = ingestCustomersCsv(small);
    expect(table.schema.find((c) => c.role === 'revenue')?.source).toBe('monetary');
  });

  it('follows the options the user edits: a named mapping and a date format replace detection', () => {
    const preview = previewCsv(invoices.subarray(0, 2000), false, {
      mapping: { customerId: 'invoice_no' },
      dateFormat: 'YYYY-MM-DD',
      kind: 'transactions',
    });
    expect(preview.transactions).toEqual({
      mapping: { customerId: 'invoice_no', timestamp: 'invoice_date', amount: 'amount' },
      dateFormat: 'YYYY-MM-DD',
    });
    const missing = previewCsv(invoices.subarray(0, 2000), false, { mapping: { amount: 'Amount' } });
    expect(missing.transactions).toEqual({
      problem:
        "the mapped amount column 'Amount' is not in the header (columns: invoice_no, invoice_date, customer_id, amount)",
    });
    expect(missing.kind).toBe('customers');
  });

  it('reads a whole small file, last line without a newline included, and drops a cut last line otherwise', () => {
    const text = Buffer.from('customer_id,monetary\n1,10\n2,20');
    expect(previewCsv(text, true).rows.map((r) => r.fields)).toEqual([
      ['1', '10'],
      ['2', '20'],
    ]);
    expect(previewCsv(text, false).rows.map((r) => r.fields)).toEqual([['1', '10']]);
  });

  it('refuses what the ingest refuses before any row: binary, empty, repeated header names, bad UTF-8', () => {
    const message = (bytes: Buffer) => {
      try {
        previewCsv(bytes, true);
      } catch (e) {
        if (e instanceof IngestError) return e.message;
        throw e;
      }
      return 'no error';
    };
    expect(message(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]))).toBe(
      'the file is binary, not CSV text (it contains NUL bytes)',
    );
    expect(message(Buffer.from('\n\n'))).toBe('the file is empty');
    expect(message(Buffer.from('id,amount,amount\n1,2,3\n'))).toContain("the header repeats 'amount' (columns 2, 3)");
    expect(message(Buffer.from('customer_id,city\n1,K\xf6ln\n', 'latin1'))).toContain(
      'line 2, byte offset 20: invalid UTF-8 (byte 0xF6)',
    );
    expect(
      previewCsv(Buffer.from('customer_id,city\n1,K\xf6ln\n', 'latin1'), true, { encoding: 'latin1' }).rows,
    ).toEqual([{ line: 2, fields: ['1', 'Köln'] }]);
  });
});
