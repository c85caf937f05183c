import type { DateFormat } from './bytes';
import { CsvTokenizer } from './csv';
import type { TransactionIngestOptions } from './transaction-ingest-options';
import { resolveTransactionMapping } from './transaction-mapping';
import { RowIngest } from './transaction-rows';

const NOW = new Date('2024-01-01T00:00:00Z');

/**
 * Everything a RowIngest ends with, after reading `data` (records without a header line) in chunks of `chunk`
 * bytes; with `plain`, runs without quotes are read in one pass ({@link RowIngest.plain}), else every record is
 * tokenized first and read by `add`: the reference the one-pass reader must equal.
 */
function read(
  data: string,
  headers: string[],
  chunk: number,
  plain: boolean,
  options: TransactionIngestOptions = {},
  dateFormat: DateFormat = 'YYYY-MM-DD',
) {
  const resolved = resolveTransactionMapping(headers, options.mapping);
  const rows = new RowIngest(headers, resolved, dateFormat, { now: NOW, ...options });
  const tokenizer = new CsvTokenizer(options.delimiter ?? ',');
  const bytes = Buffer.from(data, 'utf8');
  for (let at = 0; at < bytes.length; at += chunk)
    rows.add(tokenizer.push(bytes.subarray(at, at + chunk), plain ? rows.plain : undefined), 0);
  const nextLine = tokenizer.nextLine;
  rows.add(tokenizer.end(), 0);
  const table = rows.table();
  return {
    table: {
      ...table,
      customerIds: Array.from({ length: table.customerIds.length }, (_, i) => table.customerIds.at(i) as string),
      orderIds: Array.from({ length: table.orderIds.length }, (_, i) => table.orderIds.at(i) as string),
    },
    problems: rows.problems,
    rejectedByReason: rows.rejectedByReason,
    counts: [rows.rowsRead, rows.rejected, rows.returnRows, rows.returnsExcluded, rows.zeroAmountRows],
    nextLine,
  };
}

/** Reads `data` in one pass in chunks of every size up to its length, each time as the reference reads it whole. */
function expectSameAsTokenized(data: string, headers: string[], options: TransactionIngestOptions = {}) {
  const reference = read(data, headers, data.length + 1, false, options);
  for (let chunk = 1; chunk <= data.length + 1; chunk++) {
    expect({ chunk, ...read(data, headers, chunk, true, options) }).toEqual({ chunk, ...reference });
  }
  return reference;
}

const HEADERS = ['InvoiceNo', 'CustomerID', 'InvoiceDate', 'Amount'];

describe('RowIngest.plain: records read in one pass equal the records tokenized first', () => {
  it('reads plain integer ids, dates and amounts, with LF, CRLF and CR endings and blank lines', () => {
    const data =
      '1001,17850,2023-01-02 09:14:04,111.07\n1001,17850,2023-01-02 09:14:04,-0.5\r\n\r\n1002,12,2023-01-03 10:00:00,5\r' +
      '\n\n1003,12,2023-01-03 10:00:00,.25\n1004,99,2023-01-04,-0\n';
    const { table, counts, nextLine } = expectSameAsTokenized(data, HEADERS);
    expect(Array.from(table.amount)).toEqual([111.07, -0.5, 5, 0.25, -0]);
    expect(Object.is(table.amount[4], -0)).toBe(true);
    expect(table.customerIds).toEqual(['17850', '12', '99']);
    expect(table.orderIds).toEqual(['1001', '1002', '1003', '1004']);
    expect(Array.from(table.isReturn)).toEqual([0, 1, 0, 0, 0]);
    expect(counts).toEqual([5, 0, 1, 0, 1]);
    expect(nextLine).toBe(8);
  });

  it('reads text ids, spaces, leading zeros, long ids and id fractions as the tokenized reader does', () => {
    const data =
      'C1001,17850,2023-01-02 09:14:04,-3\n 1002,00042,2023-01-02 09:14:04,4\n1003, 42 ,2023-01-02,5 \n' +
      '1234567890123456,1,2023-01-02,6\n12345678901234567,1,2023-01-02,6\n1005,17850.0,2023-01-02,7\n1006,A-7,2023-01-02,8\n0,0,2023-01-02,9\n';
    const { table } = expectSameAsTokenized(data, HEADERS);
    expect(table.orderIds).toEqual([
      'C1001',
      '1002',
      '1003',
      '1234567890123456',
      '12345678901234567',
      '1005',
      '1006',
      '0',
    ]);
    expect(table.customerIds).toEqual(['17850', '00042', '42', '1', 'A-7', '0']);
  });

  it("keys a cancellation's id (the prefix, then an integer as String writes it) by its integer, and writes it back byte for byte", () => {
    const data =
      'C536379,1,2023-01-02,-3\nC0,1,2023-01-02,-3\nC007,1,2023-01-02,-3\nC1.0,1,2023-01-02,-3\nC-5,1,2023-01-02,-3\n' +
      '536379,1,2023-01-02,3\nC536379,2,2023-01-03,-4\nc536379,1,2023-01-02,-3\nC1234567890123456,1,2023-01-02,-3\n' +
      'C0,3,2023-01-04,-1\n';
    for (const cancellationPrefix of ['C', 'C5', '']) {
      const { table } = expectSameAsTokenized(data, HEADERS, { cancellationPrefix });
      expect(table.orderIds).toEqual([
        'C536379',
        'C0',
        'C007',
        'C1.0',
        'C-5',
        '536379',
        'c536379',
        'C1234567890123456',
      ]);
      expect(Array.from(table.order)).toEqual([0, 1, 2, 3, 4, 5, 0, 6, 7, 1]);
    }
    expect(Array.from(read(data, HEADERS, 9, true, {}).table.isReturn)).toEqual([1, 1, 1, 1, 1, 0, 1, 1, 1, 1]);
  });

  it('marks cancellations by the prefix of text order ids, and leaves ids with other bytes to the tokenized reader', () => {
    const long = 'x'.repeat(256);
    const data =
      'C1001,A,2023-01-02,3\nC,B,2023-01-02,3\nCX9,C,2023-01-02,3\nX1,D,2023-01-02,3\nC1001,A,2023-01-02,3\n' +
      `1002,caf\u00e9,2023-01-02,3\n1003,${long},2023-01-02,3\n1004,${long.slice(1)},2023-01-02,3\n1005,B\u00a0,2023-01-02,3\n`;
    for (const cancellationPrefix of ['C', 'CX', '']) {
      const { table, counts } = expectSameAsTokenized(data, HEADERS, { cancellationPrefix, policy: 'skip' });
      expect(table.orderIds.slice(0, 4)).toEqual(['C1001', 'C', 'CX9', 'X1']);
      expect(table.customerIds).toContain('caf\u00e9');
      expect(counts[1]).toBe(1);
    }
    expect(Array.from(read(data, HEADERS, 7, true, { policy: 'skip' }).table.isReturn)).toEqual([
      1, 0, 1, 0, 1, 0, 0, 0,
    ]);
  });

  it('reports bad rows with their line and field, as the tokenized reader does', () => {
    const data = [
      '1001,17850,2023-01-02 09:14:04,111.07',
      '1002,,2023-01-02,1',
      '1003,5,2023-02-30,1',
      '1004,5,2029-01-01,1',
      '1005,5,2023-01-02,1e',
      '1006,5,2023-01-02,',
      '1007,5,2023-01-02',
      '1008,5,2023-01-02,1,extra',
      ',5,2023-01-02,1',
      '1009,5,,1',
      '1010,5,2023-01-02,£3',
      '1011,5,2023-01-02,1,234',
      '1012,5,2023-01-02 25:00:00,1',
      '   ',
      '1013,5,2023-01-02,+4',
      '1014,5,2023-01-02,1234567890123456.5',
      '',
    ].join('\n');
    const { problems, counts } = expectSameAsTokenized(data, HEADERS, { policy: 'skip' });
    expect(problems.map((p) => `${p.line} ${p.field}`)).toEqual([
      '2 CustomerID',
      '3 InvoiceDate',
      '4 InvoiceDate',
      '5 Amount',
      '6 Amount',
      '7 (row)',
      '8 (row)',
      '9 InvoiceNo',
      '10 InvoiceDate',
      '11 Amount',
      '12 (row)',
      '13 InvoiceDate',
      '14 (row)',
    ]);
    expect(counts[0]).toBe(16);
  });

  it('reads numbers as parseNumber does: the plain ones as they are scanned, the others through it', () => {
    const numbers = [
      '-.5',
      '5.',
      '0.1',
      '-0.0',
      '00012.50',
      '123456789012345',
      '1234567890123456',
      '12345678.9012345',
      '9007199254740993',
      '0.30000000000000004',
      '9.999999999999999',
      '1e5',
      ' 5',
      '5 ',
      '+5',
      '.',
      '-',
      '--5',
      '1.2.3',
      '1,5',
      '-5.25',
    ];
    const data = numbers.map((n, i) => `${1000 + i},7,2023-01-02,${n}`).join('\n') + '\n';
    const { table, problems } = expectSameAsTokenized(data, HEADERS, { policy: 'skip' });
    const valid = numbers.filter((n) => !['.', '-', '--5', '1.2.3', '1,5'].includes(n));
    expect(Array.from(table.amount)).toEqual(valid.map((n) => Number(n)));
    expect(problems).toHaveLength(numbers.length - valid.length);
  });

  it('reads quoted records (commas, doubled quotes, newlines in quotes) mixed with plain ones', () => {
    const plain = Array.from({ length: 30 }, (_, i) => `${2000 + i},${i % 7},2023-01-0${1 + (i % 9)} 10:00:00,${i}.5`);
    const data = [
      ...plain.slice(0, 10),
      '"3001","17,850","2023-01-02 09:14:04","1.5"',
      '3002,"say ""hi""",2023-01-02,2',
      '"3003\r\nx",7,2023-01-02,3',
      ...plain.slice(10),
      '',
    ].join('\r\n');
    const { table, counts } = expectSameAsTokenized(data, HEADERS);
    expect(counts[0]).toBe(33);
    expect(table.customerIds).toContain('17,850');
    expect(table.customerIds).toContain('say "hi"');
    expect(table.orderIds).toContain('3003\r\nx');
  });

  it('reads other layouts: extra columns, quantity × unit price, decimal commas, thousands, currency', () => {
    const retail = ['StockCode', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'InvoiceNo'];
    const rows = '85123A,6,2010-12-01 08:26:00,2.55,17850,536365\nX,-2,2010-12-01 08:26:00,1.5,17850,536366\n';
    expectSameAsTokenized(rows + 'Y,0,2010-12-01,4,12,536367\nZ,3,2010-12-01,x,12,536368\n', retail, {
      policy: 'skip',
      zeroAmounts: 'exclude',
      returns: 'exclude',
    });
    expectSameAsTokenized('1;5;2023-01-02;3,25\n2;5;2023-01-02;1.234,5\n3;6;2023-01-02;-7\n', HEADERS, {
      delimiter: ';',
      decimal: ',',
      thousands: '.',
    });
    expectSameAsTokenized('1\t5\t2023-01-02\t$3.25\n2\t5\t2023-01-02\t4 €\n3\t6\t2023-01-02\t7\n', HEADERS, {
      delimiter: '\t',
      currency: true,
    });
  });

  it('reads no run in one pass when the delimiter could be read as part of a number (decimal separator, -, digit)', () => {
    const resolved = resolveTransactionMapping(HEADERS);
    expect(new RowIngest(HEADERS, resolved, 'YYYY-MM-DD', { decimal: ',' }).plain).toBeUndefined();
    expect(new RowIngest(HEADERS, resolved, 'YYYY-MM-DD', { delimiter: '-' }).plain).toBeUndefined();
    expect(new RowIngest(HEADERS, resolved, 'YYYY-MM-DD', { delimiter: '7' }).plain).toBeUndefined();
    expect(new RowIngest(HEADERS, resolved, 'YYYY-MM-DD', { delimiter: '.', decimal: ',' }).plain).toBeDefined();
    expect(new RowIngest(HEADERS, resolved, 'YYYY-MM-DD', {}).plain).toBeDefined();
  });
});
