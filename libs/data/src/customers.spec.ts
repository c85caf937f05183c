import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingestCustomersCsv, IngestError, MAX_CUSTOMER_ID_LENGTH } from './index';

const sample = join(__dirname, '../../../samples/online-retail-customers.csv');

function errorOf(fn: () => unknown): IngestError {
  try {
    fn();
  } catch (e) {
    if (e instanceof IngestError) return e;
    throw e;
  }
  throw new Error('expected an IngestError');
}

describe('customer table ingest', () => {
  it('reads the shipped Online Retail customer sample', () => {
    const text = readFileSync(sample, 'utf8');
    const table = ingestCustomersCsv(text);
    // Independent count: data lines of the file (one customer each, no quoted newlines in it).
    const dataLines = text.trim().split('\n').length - 1;
    expect(table.frame.rowCount).toBe(dataLines);
    expect(table.frame.rowCount).toBe(4338);
    expect(table.schema.map((c) => `${c.name}:${c.type}`)).toEqual([
      'country:categorical',
      'first_purchase:categorical',
      'last_purchase:categorical',
      'recency_days:numeric',
      'frequency:numeric',
      'monetary:numeric',
    ]);
    expect(table.frame.ids[0]).toBe('12346');
    expect(table.schema.filter((c) => c.role === 'revenue').map((c) => c.name)).toEqual(['monetary']);
    const monetary = table.stats.find((s) => s.name === 'monetary');
    expect(monetary?.type === 'numeric' && monetary.max).toBe(280206.02);
  });

  it('normalises float-formatted ids and feature names', () => {
    const table = ingestCustomersCsv('CustomerID,Annual Income (k$)\r\n17850.0,15\r\n13047.0,\r\n');
    expect(table.frame.ids).toEqual(['17850', '13047']);
    const income = table.frame.columns.annual_income_k;
    expect(income.kind === 'numeric' && Array.from(income.values)).toEqual([15, NaN]);
  });

  it('refuses a mapped revenue column that is not numeric', () => {
    expect(errorOf(() => ingestCustomersCsv('id,plan\n1,gold\n', { revenueColumn: 'plan' })).message).toBe(
      "the mapped revenue column 'plan' is not numeric (first value: 'gold')",
    );
  });

  it('uses the mapped id column', () => {
    expect(ingestCustomersCsv('code,x\nA,1\nB,2\n', { customerIdColumn: 'code' }).frame.ids).toEqual(['A', 'B']);
  });

  it('rejects the whole file on a bad row under the reject policy, naming line and field', () => {
    const error = errorOf(() => ingestCustomersCsv('id,x\n1,5\n,6\n1,7\n2\n'));
    expect(error.message).toBe(
      "3 of 4 rows are invalid (first: line 3, id: customer id is empty); fix them or upload with the 'skip' policy",
    );
    expect(error.report?.problems).toEqual([
      { line: 3, field: 'id', message: 'customer id is empty' },
      { line: 4, field: 'id', message: "duplicate customer id '1' (first on line 2)" },
      { line: 5, field: '(row)', message: 'expected 2 fields, found 1' },
    ]);
  });

  it('refuses a customer id over 255 characters, naming the line and the limit; 255 characters of any width pass', () => {
    const longest = 'é'.repeat(MAX_CUSTOMER_ID_LENGTH);
    const error = errorOf(() =>
      ingestCustomersCsv(`id,x\n${longest},5\n${'a'.repeat(MAX_CUSTOMER_ID_LENGTH + 1)},6\n`),
    );
    expect(error.message).toBe(
      `1 of 2 rows are invalid (first: line 3, id: customer id is 256 characters long; the limit is 255); fix them or upload with the 'skip' policy`,
    );
    expect(ingestCustomersCsv(`id,x\n${longest},5\n`).frame.ids).toEqual([longest]);
  });

  it('keeps the good rows and reports the bad ones under the skip policy', () => {
    const table = ingestCustomersCsv('id,x\n1,5\n,6\n2,7\n', { policy: 'skip' });
    expect(table.frame.ids).toEqual(['1', '2']);
    expect(table.report).toMatchObject({ rowsRead: 3, rowsAccepted: 2, rowsRejected: 1 });
  });

  it('counts every problem but keeps only the first ones', () => {
    const rows = Array.from({ length: 50 }, () => ',1').join('\n');
    const error = errorOf(() => ingestCustomersCsv(`id,x\n${rows}\n`, { maxProblems: 5 }));
    expect(error.report?.rowsRejected).toBe(50);
    expect(error.report?.problems).toHaveLength(5);
  });

  it.each([
    ['', 'the file is empty'],
    ['id,x\0\n', 'the file is binary, not CSV text (it contains NUL bytes)'],
    ['id;x\n1;2\n', "the header has only one column ('id;x'); is the delimiter ',' right?"],
    ['id,x\n', 'the file has a header but no data rows'],
    ['name,x\nA,1\n', 'no customer id column found'],
  ])('refuses an unreadable file %j with one clear error', (text, message) => {
    expect(errorOf(() => ingestCustomersCsv(text)).message).toContain(message);
  });

  it('names a mapped column that is not in the header', () => {
    expect(errorOf(() => ingestCustomersCsv('id,x\n1,2\n', { customerIdColumn: 'CustomerID' })).message).toBe(
      "the mapped customer id column 'CustomerID' is not in the header (columns: id, x)",
    );
  });
});

describe('customer table ingest: real files', () => {
  const spend = 'id,segment,spend\n1,a,12.5\n2,b,£30\n3,c,7\n4,d,\n';

  it('names the line, column and value of a bad cell in a numeric column instead of making the column text', () => {
    const error = errorOf(() => ingestCustomersCsv(spend));
    expect(error.message).toBe(
      "1 of 4 rows are invalid (first: line 3, spend: '£30' is not a number, in a numeric column (2 of 4 values are numbers) (to strip currency symbols: CLI --currency, API field currency=true)); fix them or upload with the 'skip' policy",
    );
    const skipped = ingestCustomersCsv(spend, { policy: 'skip' });
    expect(skipped.frame.ids).toEqual(['1', '3', '4']);
    expect(skipped.schema.find((c) => c.name === 'spend')?.type).toBe('numeric');
  });

  it('strips currency symbols and thousands separators when asked to', () => {
    const table = ingestCustomersCsv('id,spend\n1,"£1,250.50"\n2,$30\n', { currency: true, thousands: ',' });
    const column = table.frame.columns.spend;
    expect(column.kind === 'numeric' && Array.from(column.values)).toEqual([1250.5, 30]);
  });

  it('refuses a header that repeats a name, and takes the names given instead', () => {
    expect(errorOf(() => ingestCustomersCsv('id,score,score\n1,2,3\n')).message).toBe(
      "the header repeats 'score' (columns 2, 3); a mapping could not tell them apart. Name every column instead: CLI --columns a,b,c; API field columns=a,b,c (they replace the header's names)",
    );
    expect(
      Object.keys(
        ingestCustomersCsv('id,score,score\n1,2,3\n', { columns: ['id', 'score_2019', 'score_2020'] }).frame.columns,
      ),
    ).toEqual(['score_2019', 'score_2020']);
  });

  it('reads a file without a header from the names given, and says how when it meets one', () => {
    expect(errorOf(() => ingestCustomersCsv('1,2.5\n2,3\n')).message).toBe(
      "the first line looks like data, not a header ('1,2.5'); if the file has no header, name its columns: CLI --no-header --columns a,b,c; API fields header=false and columns=a,b,c",
    );
    expect(ingestCustomersCsv('1,2.5\n2,3\n', { header: false, columns: ['id', 'score'] }).frame.ids).toEqual([
      '1',
      '2',
    ]);
  });

  it('refuses bytes that are not UTF-8 with their line and offset, and decodes Latin-1 when told', () => {
    const bytes = Buffer.concat([Buffer.from('id,name\n1,M'), Buffer.from([0xfc]), Buffer.from('ller\n')]);
    expect(errorOf(() => ingestCustomersCsv(bytes)).message).toBe(
      'line 2, byte offset 11: invalid UTF-8 (byte 0xFC); if the file is Latin-1 or Windows-1252, say so: CLI --encoding latin1|windows-1252, API field encoding',
    );
    const names = ingestCustomersCsv(bytes, { encoding: 'latin1' }).frame.columns.name;
    expect(names.kind === 'categorical' && names.levels).toEqual(['Müller']);
  });
});

describe('an extra table without an id column', () => {
  it('numbers its rows by line and keeps every column as data', () => {
    const table = ingestCustomersCsv('channel,period,spend\nsearch,2011-01,1000\nsocial,2011-01,250.5\n', {
      rowIds: true,
    });
    expect(table.frame.ids).toEqual(['2', '3']);
    expect(table.schema.map((c) => `${c.name}:${c.type}`)).toEqual([
      'channel:categorical',
      'period:categorical',
      'spend:numeric',
    ]);
  });
});
