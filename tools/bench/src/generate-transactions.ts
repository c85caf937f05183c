/**
 * Writes a seeded Online-Retail-shaped transactions CSV with known structure, for the ingest benchmark:
 *
 *   node -r ./tools/register.js tools/bench/src/generate-transactions.ts <out.csv> [rows] [seed]
 *
 * Columns and formats are those of online_retail.csv (quoted descriptions with commas and `""`,
 * float-formatted customer ids, `YYYY-MM-DD HH:MM:SS`, `C`-prefixed cancellations with negative
 * quantities, invoices without a customer id). The counts it returns are what a correct ingest
 * under `policy: 'skip'` must find.
 */
import { createWriteStream } from 'node:fs';
import { seededRandom } from '@workbench/plugin-sdk';

export interface GeneratedCounts {
  rows: number;
  /** Rows whose CustomerID is empty (whole invoices without a customer). */
  emptyCustomerRows: number;
  /** Rows with a customer id whose invoice is a cancellation. */
  cancellationRows: number;
  customers: number;
  /** Distinct invoices among rows with a customer id. */
  orders: number;
  bytes: number;
}

const DESCRIPTIONS = [
  'WHITE HANGING HEART T-LIGHT HOLDER',
  'REGENCY CAKESTAND 3 TIER',
  '"JUMBO BAG RED RETROSPOT"',
  '"SET 3 RETROSPOT TEA, COFFEE, SUGAR"',
  '"12"" PINK FLOWER, BIRTHDAY CARD"',
  'PARTY BUNTING',
];
const COUNTRIES = ['United Kingdom', 'France', 'Germany', 'EIRE', 'Spain', 'Netherlands'];
const CUSTOMERS = 200_000;

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Writes `rows` data rows (plus a header) to `path`; resolves with the counts it wrote. */
export async function generateTransactionsCsv(path: string, rows: number, seed = 20240601): Promise<GeneratedCounts> {
  const rand = seededRandom(seed);
  const out = createWriteStream(path);
  const seen = new Uint8Array(CUSTOMERS);
  const counts: GeneratedCounts = {
    rows: 0,
    emptyCustomerRows: 0,
    cancellationRows: 0,
    customers: 0,
    orders: 0,
    bytes: 0,
  };
  let invoice = 500_000;
  let time = Date.UTC(2010, 0, 4, 8, 0, 0);
  let text = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n';
  const flush = async () => {
    counts.bytes += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    text = '';
  };
  while (counts.rows < rows) {
    invoice++;
    time += Math.floor(rand() * 600) * 1000;
    const lines = Math.min(rows - counts.rows, 1 + Math.floor(rand() * 20));
    const hasCustomer = rand() >= 0.2;
    const cancelled = rand() < 0.02;
    const customer = Math.floor(rand() * CUSTOMERS);
    const d = new Date(time);
    const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    const id = hasCustomer ? `${12000 + customer}.0` : '';
    const country = COUNTRIES[customer % COUNTRIES.length];
    for (let l = 0; l < lines; l++) {
      const quantity = (1 + Math.floor(rand() * 24)) * (cancelled ? -1 : 1);
      const price = (Math.floor(rand() * 2000) + 1) / 100;
      const description = DESCRIPTIONS[Math.floor(rand() * DESCRIPTIONS.length)];
      text += `${cancelled ? 'C' : ''}${invoice},${84000 + Math.floor(rand() * 3000)},${description},${quantity},${date},${price},${id},${country}\n`;
    }
    counts.rows += lines;
    if (hasCustomer) {
      counts.orders++;
      if (cancelled) counts.cancellationRows += lines;
      if (!seen[customer]) {
        seen[customer] = 1;
        counts.customers++;
      }
    } else counts.emptyCustomerRows += lines;
    if (text.length > 1 << 20) await flush();
  }
  await flush();
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return counts;
}

if (require.main === module) {
  const [path, rows = '5000000', seed = '20240601'] = process.argv.slice(2);
  if (!path) throw new Error('usage: generate-transactions.ts <out.csv> [rows] [seed]');
  generateTransactionsCsv(path, Number(rows), Number(seed)).then(
    (counts) => console.log(JSON.stringify(counts)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
