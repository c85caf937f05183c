import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import * as harness from '../harness';

// Uploading a CSV from the browser: the server's preview and detected mapping, then one bad row under the
// reject policy (the report names its line; nothing is stored) and under skip (a version with 1 rejected row).

interface Version {
  version: number;
  rowCount: number;
  rejectedCount: number;
  report: { rowsRead: number; problems: { line: number; field: string; message: string }[] };
}

/** The real first half of 2011's invoices (samples/), with the amount of one row broken on purpose. */
export function invoicesWithOneBadRow(): { csv: Buffer; line: number; rows: number } {
  const lines = readFileSync(join(harness.ROOT, 'samples/online-retail-invoices-2011-h1.csv'), 'utf8')
    .trimEnd()
    .split('\n');
  const line = 101;
  const fields = lines[line - 1].split(',');
  fields[3] = 'twelve';
  lines[line - 1] = fields.join(',');
  return { csv: Buffer.from(`${lines.join('\n')}\n`), line, rows: lines.length - 1 };
}

async function versionCounts(server: harness.Server): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const d of await harness.api<{ name: string }[]>(server, '/datasets'))
    counts[d.name] = (await harness.api<{ versions: unknown[] }>(server, `/datasets/${d.name}`)).versions.length;
  return counts;
}

export async function datasetsFlow(page: Page, server: harness.Server): Promise<void> {
  const { csv, line, rows } = invoicesWithOneBadRow();
  const name = `e2e-invoices-${randomBytes(3).toString('hex')}`;
  const file = { name: 'invoices-2011-h1.csv', mimeType: 'text/csv', buffer: csv };
  const allRowsRead = () =>
    page
      .getByTestId('ingest-read')
      .filter({ hasText: `The server read ${rows.toLocaleString('en-US')} rows (100% of the file).` })
      .waitFor();
  await harness.logIn(page, server, server.key);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Datasets' }).click();
  await page.getByRole('link', { name: 'Upload a CSV' }).click();
  await page.getByLabel('CSV file').setInputFiles(file);
  await page.getByTestId('preview').waitFor();
  // The first rows as in the file, and the mapping the server detected on the form, editable.
  const firstRow = csv.toString('utf8').split('\n')[1].split(',');
  await expect(
    page.getByTestId('preview').locator('tbody tr').first().locator('td').allTextContents(),
  ).resolves.toEqual(firstRow);
  await expect(page.getByTestId('preview').locator('tbody tr').count()).resolves.toBe(20);
  await expect(page.getByLabel('Kind').inputValue()).resolves.toBe('transactions');
  const mapping = page.getByTestId('mapping');
  await expect(mapping.getByLabel('Customer id').inputValue()).resolves.toBe('customer_id');
  await expect(mapping.getByLabel('Timestamp').inputValue()).resolves.toBe('invoice_date');
  await expect(mapping.getByLabel('Amount').inputValue()).resolves.toBe('amount');
  await expect(mapping.getByLabel('Order id').inputValue()).resolves.toBe('invoice_no');
  await expect(mapping.getByLabel('Date format').inputValue()).resolves.toBe('YYYY-MM-DD');
  // An edit is checked by the server's preview at once: a column of customer ids holds no dates.
  await mapping.getByLabel('Timestamp').selectOption('customer_id');
  await expect(page.getByTestId('mapping-problem').textContent()).resolves.toContain(
    "cannot detect the date format of column 'customer_id'",
  );
  await mapping.getByLabel('Timestamp').selectOption('invoice_date');
  await page.getByTestId('mapping-problem').waitFor({ state: 'detached' });
  await page.getByLabel('Dataset').fill(name);
  await harness.expectAccessible(page, 'upload');

  // Reject: the report shows the broken line, and no version is stored anywhere.
  const before = await versionCounts(server);
  await page.getByLabel('reject the file').check();
  await page.getByRole('button', { name: 'Upload' }).click();
  await page.getByTestId('refused').waitFor();
  const problem = page.locator(`[data-testid=problems] tr[data-line="${line}"]`);
  await expect(problem.locator('.field').textContent()).resolves.toBe('amount');
  await expect(problem.locator('.reason').textContent()).resolves.toContain("'twelve'");
  await expect(page.getByTestId('problems').locator('tbody tr').count()).resolves.toBe(1);
  // The ingest's own progress came over GET /events/stream: every row read, the bad one too. (The answer may
  // overtake the last event, the page shows an earlier count until it comes: wait for the full one.)
  await allRowsRead();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download all problems (CSV)' }).click(),
  ]);
  const problems = readFileSync((await download.path()) as string, 'utf8')
    .trim()
    .split('\n');
  expect(problems[0]).toBe('line,field,reason');
  expect(problems.slice(1).map((p) => p.split(',').slice(0, 2))).toEqual([[String(line), 'amount']]);
  expect(await versionCounts(server)).toEqual(before);
  await harness.shot(page, 'upload-refused');
  await harness.expectAccessible(page, 'upload-refused');

  // Skip: a new version of the rows that remain, its one rejected row reported.
  await page.getByLabel('skip them').check();
  await page.getByRole('button', { name: 'Upload' }).click();
  await page.getByTestId('stored').waitFor();
  await expect(page.getByTestId('rejected').textContent()).resolves.toBe('1');
  await allRowsRead();
  const stored = await harness.api<{ versions: Version[] }>(server, `/datasets/${name}`);
  expect(stored.versions.map((v) => [v.version, v.rowCount, v.rejectedCount, v.report.rowsRead])).toEqual([
    [1, rows - 1, 1, rows],
  ]);
  expect(stored.versions[0].report.problems.map((p) => [p.line, p.field])).toEqual([[line, 'amount']]);
  expect(await versionCounts(server)).toEqual({ ...before, [name]: 1 });
  await expect(page.getByTestId('kept').textContent()).resolves.toBe((rows - 1).toLocaleString('en-US'));

  // The datasets page lists it with its figures and the options it was read with.
  await page.getByRole('link', { name: 'All datasets' }).click();
  const row = page.locator(`[data-testid="dataset-${name}"] tr[data-version="1"]`);
  await row.waitFor();
  await expect(row.locator('.rejected').textContent()).resolves.toBe('1');
  await expect(row.locator('.read').textContent()).resolves.toBe(rows.toLocaleString('en-US'));
  await expect(row.locator('.options').textContent()).resolves.toContain('policy skip');
  await harness.shot(page, 'datasets');
  await harness.expectAccessible(page, 'datasets');
}
