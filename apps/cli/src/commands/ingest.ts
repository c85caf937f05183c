import { readFileSync } from 'node:fs';
import type { Workbench } from '@workbench/services';
import type { Output } from '../output';

export interface IngestOptions {
  file: string;
  dataset: string;
  idColumn?: string;
  revenueColumn?: string;
  policy?: 'reject' | 'skip';
  json?: boolean;
}

/** `workbench ingest <file> --dataset NAME`: a customers CSV as a new (or the existing identical) dataset version. */
export async function ingestFile(workbench: Workbench, out: Output, options: IngestOptions): Promise<void> {
  let text: string;
  try {
    text = readFileSync(options.file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read '${options.file}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const result = await workbench.datasets.ingestCustomers({
    dataset: options.dataset,
    text,
    sourceName: options.file,
    customerIdColumn: options.idColumn,
    revenueColumn: options.revenueColumn,
    policy: options.policy,
  });
  const v = result.version;
  if (options.json) {
    out.line(JSON.stringify({ dataset: result.dataset.name, version: v.version, created: result.created, contentHash: v.contentHash, rowCount: v.rowCount, rejectedCount: v.rejectedCount, report: result.report }, null, 2));
    return;
  }
  out.line(`${result.dataset.name} v${v.version}: ${v.rowCount.toLocaleString('en-US')} customers${result.created ? '' : ' (same content as before: existing version)'}, ${v.rejectedCount} rows rejected`);
  for (const p of result.report.problems) out.line(`  line ${p.line}, ${p.field}: ${p.message}`);
  if (result.report.rowsRejected > result.report.problems.length) out.line(`  … and ${result.report.rowsRejected - result.report.problems.length} more`);
}
