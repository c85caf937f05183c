import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FIXTURES_DIR } from '@workbench/plugin-sdk/testing';
import {
  IngestError,
  ingestTransactions,
  MAX_CUSTOMER_ID_LENGTH,
  transactionsHash,
  transactionStats,
  type IdList,
  type TransactionIngestOptions,
} from './index';

const fixtures = FIXTURES_DIR;
const reference = JSON.parse(readFileSync(join(__dirname, '../test/reference/reference.json'), 'utf8'));
const NOW = new Date('2024-01-01T00:00:00Z');

const ingest = (text: string, options: TransactionIngestOptions = {}) =>
  ingestTransactions(Buffer.from(text, 'utf8'), { now: NOW, ...options });

const ids = (list: IdList) => Array.from({ length: list.length }, (_, i) => list.at(i));

async function errorOf(promise: Promise<unknown>): Promise<IngestError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof IngestError) return e;
    throw e;
  }
  throw new Error('expected an IngestError');
}

const RETAIL_HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';

describe('transactions ingest: mapping', () => {
  it('detects the Online Retail columns and computes amount as quantity × unit price', async () => {
    const { table, mapping, dateFormat } = await ingest(
      `${RETAIL_HEADER}\n536365,85123A,"HEART, WHITE",6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n`,
    );
    expect(mapping).toEqual({
      customerId: 'CustomerID',
      timestamp: 'InvoiceDate',
      orderId: 'InvoiceNo',
      quantity: 'Quantity',
      unitPrice: 'UnitPrice',
    });
    expect(dateFormat).toBe('YYYY-MM-DD');
    expect(ids(table.customerIds)).toEqual(['17850']);
    expect(ids(table.orderIds)).toEqual(['536365']);
    expect(table.amount[0]).toBe(6 * 2.55);
    expect(new Date(table.timestamp[0]).toISOString()).toBe('2010-12-01T08:26:00.000Z');
  });

  it('lets the user override a detected column', async () => {
    const { table, mapping } = await ingest('masterid,sampleid,date,cds,sales\n4,1,19970101,2,29.33\n', {
      mapping: { customerId: 'sampleid' },
    });
    expect(mapping).toEqual({ customerId: 'sampleid', timestamp: 'date', amount: 'sales', quantity: 'cds' });
    expect(ids(table.customerIds)).toEqual(['1']);
  });

  it('names a mapped column missing from the header and lists the header', async () => {
    const error = await errorOf(
      ingest('customer_id,date,amount\n1,2020-01-01,5\n', { mapping: { timestamp: 'InvoiceDate' } }),
    );
    expect(error.message).toBe(
      "the mapped timestamp column 'InvoiceDate' is not in the header (columns: customer_id, date, amount)",
    );
  });

  it('says which role it could not detect', async () => {
    const error = await errorOf(ingest('customer_id,when,amount\n1,2020-01-01,5\n'));
    expect(error.message).toBe(
      'no timestamp column found (looked for invoicedate, orderdate, transactiondate, purchasedate, date, datetime, timestamp, time, createdat); map it with mapping.timestamp (columns: customer_id, when, amount)',
    );
  });
});

describe('transactions ingest: files that cannot be read', () => {
  it('refuses an empty file', async () => {
    expect((await errorOf(ingest(''))).message).toBe('the file is empty');
    expect((await errorOf(ingest('\ufeff \r\n'))).message).toBe('the file is empty');
  });

  it('refuses a binary file', async () => {
    const error = await errorOf(ingestTransactions(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x41]), {}));
    expect(error.message).toBe('the file is binary, not CSV text (it contains NUL bytes)');
  });

  it('refuses a file read with the wrong delimiter', async () => {
    const error = await errorOf(ingest('customer_id;date;amount\n1;2020-01-01;5\n'));
    expect(error.message).toBe(
      "the header has only one column ('customer_id;date;amount'); is the delimiter ',' right?",
    );
  });

  it('refuses a file whose first line is data, saying how the CLI and the API name the columns', async () => {
    const error = await errorOf(ingest('4,1,19970101,2,29.33\n4,1,19970118,2,29.73\n'));
    expect(error.message).toBe(
      "the first line looks like data, not a header ('4,1,19970101,2,29.33'); if the file has no header, name its columns: CLI --no-header --columns a,b,c; API fields header=false and columns=a,b,c",
    );
  });

  it('asks for column names when there is no header', async () => {
    expect((await errorOf(ingest('4,1,19970101,2,29.33\n', { header: false }))).message).toBe(
      'a file without a header needs its column names: CLI --columns a,b,c; API field columns=a,b,c (the first line has 5 fields)',
    );
    expect((await errorOf(ingest('4,1,19970101,2,29.33\n', { header: false, columns: ['a', 'b'] }))).message).toBe(
      '2 column names were given (a, b) but the first line has 5 fields',
    );
  });

  it('refuses a header that repeats a name, and reads it once the columns are named', async () => {
    const text = 'customer_id,date,amount,date\n1,2020-01-01,5,2021-06-30\n';
    expect((await errorOf(ingest(text))).message).toBe(
      "the header repeats 'date' (columns 2, 4); a mapping could not tell them apart. Name every column instead: CLI --columns a,b,c; API field columns=a,b,c (they replace the header's names)",
    );
    const { table, mapping } = await ingest(text, {
      columns: ['customer_id', 'ordered', 'amount', 'shipped'],
      mapping: { timestamp: 'shipped' },
    });
    expect(mapping.timestamp).toBe('shipped');
    expect(new Date(table.timestamp[0]).toISOString()).toBe('2021-06-30T00:00:00.000Z');
  });

  it('names a directory given as the file', async () => {
    expect((await errorOf(ingestTransactions(fixtures, {}))).message).toBe(
      `'${fixtures}' is a directory; give the path of a file`,
    );
  });

  it('refuses a header without rows', async () => {
    expect((await errorOf(ingest('customer_id,date,amount\n'))).message).toBe('the file has a header but no data rows');
  });

  it('refuses a file over the size limit', async () => {
    const error = await errorOf(ingestTransactions(join(fixtures, 'cdnowElog.csv'), { maxBytes: 1000 }));
    expect(error.message).toBe('the file is 186936 bytes, over the size limit of 1000 bytes');
  });

  it('refuses a stream over the size limit', async () => {
    const error = await errorOf(
      ingestTransactions(Readable.from([Buffer.from('customer_id,date,amount\n'), Buffer.from('1,2020-01-01,5\n')]), {
        maxBytes: 30,
      }),
    );
    expect(error.message).toBe('the file is over the size limit of 30 bytes');
  });

  it('names the line of a quote that is never closed', async () => {
    const error = await errorOf(ingest('customer_id,date,amount,note\n1,2020-01-01,5,"oops\n2,2020-01-02,6,x\n'));
    expect(error.message).toBe(`line 2: a quoted field is never closed (missing '"')`);
  });
});

describe('transactions ingest: coercion', () => {
  it('reads YYYYMMDD, DD/MM/YYYY and MM/DD/YYYY dates', async () => {
    const day = async (date: string, options: TransactionIngestOptions = {}) =>
      new Date((await ingest(`customer_id,date,amount\n1,${date},5\n`, options)).table.timestamp[0]).toISOString();
    expect(await day('19970101')).toBe('1997-01-01T00:00:00.000Z');
    expect(await day('2011-03-04')).toBe('2011-03-04T00:00:00.000Z');
    expect(await day('2011-03-04T10:20:30Z')).toBe('2011-03-04T10:20:30.000Z');
    expect(await day('25/12/2010')).toBe('2010-12-25T00:00:00.000Z');
    expect(await day('12/25/2010 14:05')).toBe('2010-12-25T14:05:00.000Z');
    expect(await day('04/03/2011', { dateFormat: 'DD/MM/YYYY' })).toBe('2011-03-04T00:00:00.000Z');
    expect(await day('04/03/2011', { dateFormat: 'MM/DD/YYYY' })).toBe('2011-04-03T00:00:00.000Z');
  });

  it('refuses to guess between day-first and month-first dates', async () => {
    const error = await errorOf(ingest('customer_id,date,amount\n1,04/03/2011,5\n2,01/02/2011,5\n'));
    expect(error.message).toBe(
      "the dates in column 'date' are ambiguous: '04/03/2011' could be DD/MM/YYYY or MM/DD/YYYY (no day above 12 in the first 2 rows); set dateFormat: 'DD/MM/YYYY' or 'MM/DD/YYYY'",
    );
  });

  it('quotes the date that differs when a column mixes formats, not a valid one', async () => {
    const error = await errorOf(
      ingest('customer_id,date,amount\n1,2011-03-04,5\n2,2011-03-05,5\n3,05/03/2011,5\n4,2011-03-06,5\n'),
    );
    expect(error.message).toBe(
      "the dates in column 'date' mix formats: line 4: '05/03/2011' is not in the format of the others (e.g. '2011-03-04'); fix the file or set dateFormat to one of YYYY-MM-DD, YYYYMMDD, DD/MM/YYYY, MM/DD/YYYY",
    );
  });

  it('refuses dates that mix day-first and month-first values', async () => {
    const error = await errorOf(ingest('customer_id,date,amount\n1,25/03/2011,5\n2,03/25/2011,5\n'));
    expect(error.message).toBe(
      "the dates in column 'date' mix day-first ('25/03/2011') and month-first ('03/25/2011') values; fix the file or set dateFormat to one of YYYY-MM-DD, YYYYMMDD, DD/MM/YYYY, MM/DD/YYYY",
    );
  });

  it('reads decimal commas, currency symbols and thousands separators when asked to', async () => {
    const text =
      'customer_id;date;amount\n1;2020-01-01;"£1.234,5"\n2;2020-01-01;€3,10\n3;2020-01-01;-$2,5\n4;2020-01-01; 7 €\n';
    const { table } = await ingest(text, { delimiter: ';', decimal: ',', currency: true, thousands: '.' });
    expect(Array.from(table.amount)).toEqual([1234.5, 3.1, -2.5, 7]);
    // Without the thousands option that row is rejected, not read as 1.2345.
    const { report } = await ingest(text, { delimiter: ';', decimal: ',', currency: true, policy: 'skip' });
    expect(report.problems).toEqual([
      {
        line: 2,
        field: 'amount',
        message: "'£1.234,5' is not a number (for thousands separators: CLI --thousands ',', API field thousands)",
      },
    ]);
  });

  it('names the line, column and value of a bad number, and the option that would read it', async () => {
    const error = await errorOf(
      ingest('customer_id,date,amount\n1,2020-01-01,12.5\n2,2020-01-01,£30\n3,2020-01-01,"1,234.00"\n'),
    );
    expect(error.message).toBe(
      "2 of 3 rows are invalid (first: line 3, amount: '£30' is not a number (to strip currency symbols: CLI --currency, API field currency=true)); fix them or ingest with the 'skip' policy",
    );
    expect(error.report?.problems[1]).toEqual({
      line: 4,
      field: 'amount',
      message: "'1,234.00' is not a number (for thousands separators: CLI --thousands ',', API field thousands)",
    });
    const { table } = await ingest(
      'customer_id,date,amount\n1,2020-01-01,12.5\n2,2020-01-01,£30\n3,2020-01-01,"1,234.00"\n',
      { currency: true, thousands: ',' },
    );
    expect(Array.from(table.amount)).toEqual([12.5, 30, 1234]);
  });

  it('reads a whitespace-separated file with a header (CDNOW_master.txt)', async () => {
    const text =
      ' customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n 00002 19970112  1   12.00\r\n 00002 19970112  5   77.00\r\n';
    const { table, mapping } = await ingest(text, { delimiter: 'whitespace' });
    expect(mapping).toEqual({
      customerId: 'customer_id',
      timestamp: 'date',
      amount: 'dollar_value',
      quantity: 'number_of_cds',
    });
    expect(ids(table.customerIds)).toEqual(['00001', '00002']);
    expect(Array.from(table.amount)).toEqual([11.77, 12, 77]);
  });

  it('reads a whitespace-separated file without a header (CDNOW_sample.txt)', async () => {
    const text = ' 00004 0001 19970101  2   29.33\r\n 00004 0001 19970118  2   29.73\r\n';
    const columns = ['master_id', 'sample_id', 'date', 'cds', 'sales'];
    const { table } = await ingest(text, {
      delimiter: 'whitespace',
      header: false,
      columns,
      mapping: { customerId: 'sample_id' },
    });
    expect(ids(table.customerIds)).toEqual(['0001']);
    expect(table.rowCount).toBe(2);
  });

  it('gives the same table and hash whatever the line endings, BOM, quoting and chunking', async () => {
    const plain = 'customer_id,date,amount,note\n1,2020-01-01,5,a\n2.0,2020-01-02,6,b\n';
    const variant = '\ufeffcustomer_id,date,amount,note\r\n"1",2020-01-01,"5","a"\r\n2.0,"2020-01-02",6.0,"b"';
    const a = await ingest(plain);
    const b = await ingest(variant);
    const bytes = Buffer.from(variant, 'utf8');
    const c = await ingestTransactions(Readable.from(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1))), {
      now: NOW,
    });
    expect(transactionsHash(b.table)).toBe(transactionsHash(a.table));
    expect(transactionsHash(c.table)).toBe(transactionsHash(a.table));
  });
});

describe('transactions ingest: validation', () => {
  const text = [
    'InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice',
    '1,17850.0,2010-12-01 08:26:00,6,2.55',
    '2,,2010-12-01 08:26:00,6,2.55',
    '3,17850.0,2010-13-01 08:26:00,6,2.55',
    '4,17850.0,2030-01-01 00:00:00,6,2.55',
    '5,17850.0,2010-12-01 08:26:00,six,2.55',
    '6,17850.0,2010-12-01 08:26:00,6,',
    ',17850.0,2010-12-01 08:26:00,6,2.55',
    '7,17850.0,2010-12-01 08:26:00,6',
    'C8,17850.0,2010-12-02 08:26:00,-2,2.55',
    '9,13047.0,2010-12-02 08:26:00,-1,1.00',
  ].join('\n');

  it('reports each rejected row with its line, field and reason under the skip policy', async () => {
    const { report, table } = await ingest(text, { policy: 'skip' });
    expect(report.problems).toEqual([
      { line: 3, field: 'CustomerID', message: 'customer id is empty' },
      { line: 4, field: 'InvoiceDate', message: "'2010-13-01 08:26:00' is not a date in YYYY-MM-DD format" },
      {
        line: 5,
        field: 'InvoiceDate',
        message: 'date 2030-01-01 00:00:00 is in the future (now: 2024-01-01 00:00:00)',
      },
      { line: 6, field: 'Quantity', message: "'six' is not a number" },
      { line: 7, field: 'UnitPrice', message: 'unit price is empty' },
      { line: 8, field: 'InvoiceNo', message: 'order id is empty' },
      { line: 9, field: '(row)', message: 'expected 5 fields, found 4' },
    ]);
    expect(report).toMatchObject({ rowsRead: 10, rowsAccepted: 3, rowsRejected: 7, returnRows: 2, returnsExcluded: 0 });
    expect(Array.from(table.isReturn)).toEqual([0, 1, 1]);
  });

  it('keeps the first problems only but counts them all', async () => {
    const { report } = await ingest(text, { policy: 'skip', maxProblems: 2 });
    expect(report.problems).toHaveLength(2);
    expect(report.rowsRejected).toBe(7);
    expect(report.problemsOmitted).toBe(5);
    expect(report.rejectedByReason).toEqual({
      'customer id is empty': 1,
      'invalid date': 1,
      'date in the future': 1,
      'invalid number': 2,
      'order id is empty': 1,
      'wrong field count': 1,
    });
  });

  it('refuses a customer id over 255 characters, naming the line and the limit, and counts it by reason', async () => {
    const header = text.split('\n')[0];
    const row = (id: string) => `536365,${id},2010-12-01 08:26:00,6,2.55`;
    const longId = `${header}\n${row('17850')}\n${row('ü'.repeat(MAX_CUSTOMER_ID_LENGTH + 1))}\n${row('ü'.repeat(MAX_CUSTOMER_ID_LENGTH))}\n`;
    const error = await errorOf(ingest(longId));
    expect(error.message).toBe(
      "1 of 3 rows are invalid (first: line 3, CustomerID: customer id is 256 characters long; the limit is 255); fix them or ingest with the 'skip' policy",
    );
    expect(error.report).toMatchObject({ rejectedByReason: { 'customer id too long': 1 } });
  });

  it('refuses the whole file under the reject policy', async () => {
    const error = await errorOf(ingest(text));
    expect(error.message).toBe(
      "7 of 10 rows are invalid (first: line 3, CustomerID: customer id is empty); fix them or ingest with the 'skip' policy",
    );
    expect(error.report?.rowsRejected).toBe(7);
  });

  it('drops and counts returns under returns: exclude', async () => {
    const { report, table } = await ingest(text, { policy: 'skip', returns: 'exclude' });
    expect(report).toMatchObject({ rowsAccepted: 1, returnRows: 2, returnsExcluded: 2 });
    expect(Array.from(table.amount)).toEqual([6 * 2.55]);
  });

  it('takes the injected now for the future check', async () => {
    const { report } = await ingest(text, { policy: 'skip', now: new Date('2031-01-01T00:00:00Z') });
    expect(report.rejectedByReason['date in the future']).toBeUndefined();
  });
});

describe('transactions ingest: real files against pandas', () => {
  it('reads the Online Retail sample with the counts pandas finds', async () => {
    const expected = reference.onlineRetailSample;
    const { report, table } = await ingestTransactions(join(fixtures, 'online-retail-sample.csv'), {
      policy: 'skip',
      returns: 'net',
      now: NOW,
    });
    const stats = await transactionStats(table);
    expect(report.rowsRead).toBe(expected.rowsRead);
    expect(report.rowsRejected).toBe(expected.emptyCustomerId);
    expect(report.rejectedByReason).toEqual({ 'customer id is empty': expected.emptyCustomerId });
    expect(report.problems[0]).toEqual({ line: 624, field: 'CustomerID', message: 'customer id is empty' });
    expect(report.rowsAccepted).toBe(expected.rowsAccepted);
    expect(report.returnRows).toBe(expected.returnRows);
    expect(stats.customers).toBe(expected.customers);
    expect(stats.orders).toBe(expected.orders);
    expect(stats.firstTimestamp).toBe(`${expected.firstTimestamp}.000Z`);
    expect(stats.lastTimestamp).toBe(`${expected.lastTimestamp}.000Z`);
    expect(stats.amount.type === 'numeric' && stats.amount.mean! * stats.amount.count).toBeCloseTo(
      expected.amountSum,
      6,
    );
  });

  it('reads the same Online Retail sample in 4 KB chunks', async () => {
    const path = join(fixtures, 'online-retail-sample.csv');
    const whole = await ingestTransactions(path, { policy: 'skip', now: NOW });
    const chunked = await ingestTransactions(path, { policy: 'skip', now: NOW, chunkBytes: 4096 });
    expect(transactionsHash(chunked.table)).toBe(transactionsHash(whole.table));
  });

  it('reads a named pipe to its end, as a file (its size is 0 and it has no positions to read at)', async () => {
    const path = join(fixtures, 'online-retail-sample.csv');
    const whole = await ingestTransactions(path, { policy: 'skip', now: NOW });
    const dir = mkdtempSync(join(tmpdir(), 'wb-fifo-'));
    try {
      const fifo = join(dir, 'transactions.csv');
      execFileSync('mkfifo', [fifo]);
      const writer = pipeline(createReadStream(path), createWriteStream(fifo));
      const piped = await ingestTransactions(fifo, { policy: 'skip', now: NOW, chunkBytes: 4096 });
      await writer;
      expect(piped.report).toEqual(whole.report);
      expect(transactionsHash(piped.table)).toBe(transactionsHash(whole.table));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports its progress chunk by chunk: bytes of the file and the data rows in them, up to the whole file', async () => {
    const path = join(__dirname, '../../../samples/online-retail-invoices.csv');
    const text = readFileSync(path);
    const seen: { bytes: number; rows: number }[] = [];
    const { report } = await ingestTransactions(path, {
      now: NOW,
      chunkBytes: 100_000,
      onProgress: (p) => seen.push(p),
    });
    // The 64 KiB head in 100 kB chunks is the first chunk, then one per chunk, then the end of the last line.
    const chunks = Math.ceil(text.length / 100_000);
    expect(seen).toHaveLength(chunks + 1);
    expect(seen.map((p) => p.bytes)).toEqual([
      ...Array.from({ length: chunks }, (_, i) => Math.min((i + 1) * 100_000, text.length)),
      text.length,
    ]);
    // Each count is the data lines that end in the bytes read so far (the last line ends the file).
    const linesIn = (bytes: number) => text.subarray(0, bytes).toString('latin1').split('\n').length - 2;
    expect(seen.map((p) => p.rows)).toEqual(
      seen.map((p, i) => (i === seen.length - 1 ? report.rowsRead : linesIn(p.bytes))),
    );
  });

  it('reads cdnowElog.csv with the counts pandas finds', async () => {
    const expected = reference.cdnowElog;
    const { table, dateFormat } = await ingestTransactions(join(fixtures, 'cdnowElog.csv'), { now: NOW });
    const stats = await transactionStats(table);
    expect(dateFormat).toBe('YYYYMMDD');
    expect(table.rowCount).toBe(expected.rowsRead);
    expect(stats.customers).toBe(expected.customers);
    expect(stats.quantity?.type === 'numeric' && Math.round(stats.quantity.mean! * stats.quantity.count)).toBe(
      expected.cdsSum,
    );
    expect(stats.amount.type === 'numeric' && stats.amount.mean! * stats.amount.count).toBeCloseTo(
      expected.salesSum,
      6,
    );
    expect(stats.firstTimestamp).toBe('1997-01-01T00:00:00.000Z');
    expect(stats.lastTimestamp).toBe('1998-06-30T00:00:00.000Z');
  });
});

describe('transactions ingest: encodings', () => {
  const latin1 = Buffer.concat([
    Buffer.from('customer_id,date,amount\n1,2020-01-01,5\nM'),
    Buffer.from([0xfc]),
    Buffer.from('ller,2020-01-02,6\n'),
  ]);

  it('refuses bytes that are not UTF-8, naming the line and byte offset, instead of storing U+FFFD', async () => {
    const error = await errorOf(ingestTransactions(latin1, { now: NOW }));
    expect(error.message).toBe(
      'line 3, byte offset 40: invalid UTF-8 (byte 0xFC); if the file is Latin-1 or Windows-1252, say so: CLI --encoding latin1|windows-1252, API field encoding',
    );
  });

  it('decodes Latin-1 and Windows-1252 when told', async () => {
    expect(ids((await ingestTransactions(latin1, { now: NOW, encoding: 'latin1' })).table.customerIds)).toEqual([
      '1',
      'Müller',
    ]);
    const cp1252 = Buffer.concat([
      Buffer.from('customer_id,date,amount\n'),
      Buffer.from([0x93, 0x41, 0x94, 0x80]),
      Buffer.from(',2020-01-01,5\n'),
    ]);
    expect(ids((await ingestTransactions(cp1252, { now: NOW, encoding: 'windows-1252' })).table.customerIds)).toEqual([
      '\u201cA\u201d€',
    ]);
  });

  it('reads UTF-8 characters split between chunks, and finds a bad byte past the head of a stream', async () => {
    const utf8 = Buffer.from('customer_id,date,amount\nMüller,2020-01-01,5\n€uro,2020-01-01,6\n', 'utf8');
    const oneByteChunks = Readable.from(Array.from(utf8, (_, i) => utf8.subarray(i, i + 1)));
    expect(ids((await ingestTransactions(oneByteChunks, { now: NOW })).table.customerIds)).toEqual(['Müller', '€uro']);
    const rows = Array.from({ length: 5000 }, (_, i) => `${i},2020-01-01,5`).join('\n');
    const bad = Buffer.concat([
      Buffer.from(`customer_id,date,amount\n${rows}\nX`),
      Buffer.from([0xe9]),
      Buffer.from(',2020-01-01,5\n'),
    ]);
    const chunks = Readable.from(
      Array.from({ length: Math.ceil(bad.length / 1000) }, (_, i) => bad.subarray(i * 1000, (i + 1) * 1000)),
    );
    const error = await errorOf(ingestTransactions(chunks, { now: NOW }));
    expect(error.message).toContain(`line 5002, byte offset ${bad.indexOf(0xe9)}: invalid UTF-8 (byte 0xE9)`);
  });
});

describe('transactions ingest: zero-value lines', () => {
  const text =
    'InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n1,7,2010-12-01,6,2.5\n1,7,2010-12-01,1,0\n2,8,2010-12-02,3,0.00\n3,8,2010-12-03,2,1\n';

  it('keeps them by default (they count as orders) and counts them', async () => {
    const { table, report } = await ingest(text);
    expect(table.rowCount).toBe(4);
    expect(ids(table.orderIds)).toEqual(['1', '2', '3']);
    expect(report).toMatchObject({ zeroAmounts: 'keep', zeroAmountRows: 2, zeroAmountsExcluded: 0 });
  });

  it('leaves them out with zeroAmounts: exclude, so an order of free lines only is no order', async () => {
    const { table, report } = await ingest(text, { zeroAmounts: 'exclude' });
    expect(Array.from(table.amount)).toEqual([15, 2]);
    expect(ids(table.orderIds)).toEqual(['1', '3']);
    expect(report).toMatchObject({
      zeroAmounts: 'exclude',
      zeroAmountRows: 2,
      zeroAmountsExcluded: 2,
      rowsRead: 4,
      rowsAccepted: 2,
      rowsRejected: 0,
    });
  });
});
