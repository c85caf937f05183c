import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestTransactions, transactionsHash, type TransactionIngestOptions } from './index';

// Reading a file in parts on several threads must give exactly what one thread gives: the same table (so the same
// dataset version content hash), report (counts, problems with their lines, reasons), mapping, dates and stats.
// Small chunks make small files split (a part must be at least two chunks past the head).
jest.setTimeout(120_000);
const NOW = new Date('2030-01-01T00:00:00Z');
const sample = join(__dirname, '../../../samples/online-retail-invoices.csv');
const dir = mkdtempSync(join(tmpdir(), 'wb-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readWith(path: string, threads: number, options: TransactionIngestOptions = {}) {
  const result = await ingestTransactions(path, { now: NOW, chunkBytes: 16 * 1024, threads, ...options });
  const { table, parts, ...rest } = result;
  return { hash: transactionsHash(table), rows: table.rowCount, parts, ...rest };
}

async function errorOf(path: string, threads: number, options: TransactionIngestOptions = {}): Promise<string> {
  return readWith(path, threads, options).then(
    () => 'no error',
    (e: Error) => e.message,
  );
}

/** Lines with quoted newlines and commas, text and integer ids, returns, and bad rows of each kind, `n` records. */
function messyFile(n: number, middle = ''): string {
  const lines = ['InvoiceNo,CustomerID,InvoiceDate,Amount,Note'];
  for (let i = 0; i < n; i++) {
    if (i === Math.floor(n / 2) && middle) lines.push(middle);
    const customer = i % 5 === 0 ? `"客-${i % 97}"` : String(10_000 + (i % 613));
    const order = i % 50 === 0 ? `C${100_000 + i}` : String(100_000 + Math.floor(i / 3));
    const amount = i % 50 === 0 ? '-4.5' : (i % 17) + 0.25;
    const note = i % 7 === 0 ? `"line one\nline ""two"", with a comma"` : 'plain';
    if (i % 101 === 0)
      lines.push(`${order},${customer},2011-13-45 10:00:00,${amount},${note}`); // bad date
    else if (i % 103 === 0)
      lines.push(`${order},,2011-01-02 10:00:00,${amount},${note}`); // no customer
    else if (i % 107 === 0)
      lines.push(`${order},${customer},2011-01-02 10:00:00`); // too few fields
    else if (i % 109 === 0)
      lines.push(`${order},${customer},2011-01-02 10:00:00,abc,${note}`); // bad amount
    else lines.push(`${order},${customer},2011-0${1 + (i % 9)}-1${i % 10} 1${i % 10}:00:00,${amount},${note}`);
    if (i % 211 === 0) lines.push(''); // blank lines are counted, not read
  }
  return `${lines.join('\r\n')}\r\n`;
}

describe('reading a transactions file in parts on several threads', () => {
  it('gives the same table, report and stats as one thread on the Online Retail sample', async () => {
    const one = await readWith(sample, 1);
    expect(one.parts).toBe(1);
    for (const threads of [2, 3]) {
      const progress: { bytes: number; rows: number }[] = [];
      const many = await readWith(sample, threads, { onProgress: (p) => progress.push(p) });
      // Progress ends with the whole file and every row, as on one thread.
      expect(progress.at(-1)).toEqual({ bytes: statSync(sample).size, rows: one.report.rowsRead });
      expect(many.parts).toBe(threads);
      expect({ ...many, parts: 1 }).toEqual(one);
    }
  });

  it('gives the same with bad rows (skipped, their lines reported), quoted newlines, CRLF and blank lines', async () => {
    const path = join(dir, 'messy.csv');
    writeFileSync(path, messyFile(12_000));
    const one = await readWith(path, 1, { policy: 'skip', maxProblems: 1000 });
    expect(one.report.rowsRejected).toBeGreaterThan(300);
    expect(one.report.problems.at(-1)?.line).toBeGreaterThan(12_000);
    const two = await readWith(path, 2, { policy: 'skip', maxProblems: 1000 });
    expect(two.parts).toBe(2);
    expect({ ...two, parts: 1 }).toEqual(one);
    // And under the reject policy, the same error naming the same first bad line.
    expect(await errorOf(path, 2)).toBe(await errorOf(path, 1));
  });

  it('reads on one thread when the split would cut a record (a long quoted field across the middle)', async () => {
    const path = join(dir, 'cut.csv');
    const long = `999999,12345,2011-01-02 10:00:00,1.5,"${'a long note\n'.repeat(20_000)}"`;
    writeFileSync(path, messyFile(4000, long));
    const one = await readWith(path, 1, { policy: 'skip' });
    const two = await readWith(path, 2, { policy: 'skip' });
    expect(two.parts).toBe(1);
    expect(two).toEqual(one);
  });

  it('gives the same when a part has more rows than the head foretold (its room outgrown)', async () => {
    // The head's rows per byte size the room of every part; lines far shorter than the head's overfill it.
    const line = (k: number, note: string) =>
      `${100_000 + Math.floor(k / 3)},${10_000 + (k % 701)},2011-0${1 + (k % 9)}-1${k % 10} 10:00:00,${(k % 13) + 0.5},${note}\n`;
    const lines = (from: number, bytes: number, note: string) => {
      const out: string[] = [];
      for (let k = from, total = 0; total < bytes; k++) total += (out[out.length] = line(k, note)).length;
      return out.join('');
    };
    const long = 'n'.repeat(200);
    const header = 'InvoiceNo,CustomerID,InvoiceDate,Amount,Note\n';
    const layouts = {
      'a later part': header + lines(0, 300_000, long) + lines(50_000, 300_000, 'x'),
      'the first part': header + lines(0, 100_000, long) + lines(50_000, 200_000, 'x') + lines(90_000, 300_000, long),
    };
    for (const [name, text] of Object.entries(layouts)) {
      const path = join(dir, `outgrown-${name.replace(/\W+/g, '-')}.csv`);
      writeFileSync(path, text);
      const one = await readWith(path, 1);
      for (const threads of [2, 3]) {
        const many = await readWith(path, threads);
        expect([name, many.parts]).toEqual([name, threads]);
        expect({ ...many, parts: 1 }).toEqual(one);
      }
    }
  });

  it('reports a bad byte in a later part as one thread does, with its line', async () => {
    const path = join(dir, 'bad-utf8.csv');
    const text = Buffer.from(messyFile(8000));
    const at = text.indexOf('\n', Math.floor(text.length * 0.8)) + 9;
    text[at] = 0xff;
    writeFileSync(path, text);
    const message = await errorOf(path, 1, { policy: 'skip' });
    expect(message).toMatch(/line \d+/);
    expect(await errorOf(path, 2, { policy: 'skip' })).toBe(message);
  });
});

describe('a file split for two threads at each kind of row boundary', () => {
  /** Rows before and after the boundary row; the first newline past the file's middle is where it splits. */
  const rows = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => {
      const k = from + i;
      const note = k % 9 === 0 ? `"two\nlines, ""quoted"""` : 'plain';
      return `${100_000 + Math.floor(k / 3)},${10_000 + (k % 701)},2011-0${1 + (k % 9)}-1${k % 10} 10:00:00,${(k % 13) + 0.5},${note}\r\n`;
    }).join('');
  const header = 'InvoiceNo,CustomerID,InvoiceDate,Amount,Note\r\n';
  // Each boundary row; `|` marks the newline the split must fall on (removed from the file).
  const boundaries: Record<string, string> = {
    'after a CRLF row': '1,2,2011-01-02 10:00:00,3.5,plain\r|\n',
    'after an LF row': '1,2,2011-01-02 10:00:00,3.5,plain|\n',
    'after a row ending in a quoted field': '1,2,2011-01-02 10:00:00,3.5,"a ""b"", c"\r|\n',
    'after a blank line': '\r|\n',
    'inside a quoted field (LF)': '1,2,2011-01-02 10:00:00,3.5,"one|\ntwo"\r\n',
    'inside a quoted field (CRLF)': '1,2,2011-01-02 10:00:00,3.5,"one\r|\ntwo"\r\n',
  };

  it.each(Object.entries(boundaries))('%s: the same result as one thread', async (kind, marked) => {
    const before = header + rows(0, 4000);
    const after = rows(4000, 4000);
    const boundary = marked.replace('|', '');
    // Pad the rows after the boundary so that the file's middle falls just before the marked newline.
    const splitAt = before.length + marked.indexOf('|');
    const padLength = 2 * splitAt - (before.length + boundary.length + after.length) - 1;
    expect(padLength).toBeGreaterThan(0);
    const pad = `9,9,2011-01-02 10:00:00,1,"${'p'.repeat(padLength - '9,9,2011-01-02 10:00:00,1,""\r\n'.length)}"\r\n`;
    const text = before + boundary + after + pad;
    expect(text.indexOf('\n', Math.floor(text.length / 2))).toBe(splitAt);
    const path = join(dir, `boundary-${kind.replace(/\W+/g, '-')}.csv`);
    writeFileSync(path, text);
    const one = await readWith(path, 1, { policy: 'skip' });
    const two = await readWith(path, 2, { policy: 'skip' });
    // A split inside a quoted field cuts a record: that file is read on one thread.
    expect(two.parts).toBe(kind.startsWith('inside') ? 1 : 2);
    expect({ ...two, parts: 1 }).toEqual(one);
    expect(one.rows).toBe(8000 + (kind === 'after a blank line' ? 1 : 2));
  });
});
