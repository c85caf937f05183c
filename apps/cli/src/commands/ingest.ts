import { createReadStream, readFileSync, statSync } from 'node:fs';
import type { IngestResult, Workbench } from '@workbench/services';
import type { Output } from '../output';
import { printOutcome } from './retrain';

export interface IngestOptions {
  file: string;
  dataset: string;
  kind?: 'customers' | 'transactions' | 'table';
  /** kind table: the name KPI evaluators read it by (marketing_spend, survey, …). */
  table?: string;
  /** `customerId=CustomerID,timestamp=InvoiceDate,quantity=Quantity,unitPrice=UnitPrice,orderId=InvoiceNo` */
  map?: string;
  revenueColumn?: string;
  policy?: 'reject' | 'skip';
  returns?: 'net' | 'exclude';
  dateFormat?: 'YYYY-MM-DD' | 'YYYYMMDD' | 'DD/MM/YYYY' | 'MM/DD/YYYY';
  delimiter?: string;
  decimal?: '.' | ',';
  json?: boolean;
}

const ROLES = ['customerId', 'timestamp', 'amount', 'quantity', 'unitPrice', 'orderId'] as const;

/** The file as a stream of chunks that moves the progress display as it is read (ingest reads it once, in order). */
async function* withProgress(file: string, out: Output): AsyncGenerator<Uint8Array> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw cannotRead(file, e);
  }
  let read = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    read += (chunk as Buffer).length;
    out.progress(size === 0 ? 1 : read / size, `reading ${file}`);
    yield chunk as Buffer;
  }
  out.endProgress();
}

/** The one message for a file the command cannot open. */
function cannotRead(file: string, e: unknown): Error {
  return new Error(`cannot read '${file}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw cannotRead(file, e);
  }
}

/** Parses `--map role=Column,…`, naming any unknown role. */
export function parseMapping(raw: string | undefined): Partial<Record<(typeof ROLES)[number], string>> {
  if (!raw) return {};
  const mapping: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    const [role, column] = pair.split('=').map((p) => p.trim());
    if (!role || !column) throw new Error(`--map entry '${pair}' must look like role=Column`);
    if (!(ROLES as readonly string[]).includes(role)) throw new Error(`--map role '${role}' is not one of ${ROLES.join(', ')}`);
    mapping[role] = column;
  }
  return mapping;
}

/** `workbench ingest <file> --dataset NAME [--kind transactions --map …]`: a new (or the existing identical) dataset version. */
export async function ingestFile(workbench: Workbench, out: Output, options: IngestOptions): Promise<IngestResult> {
  const mapping = parseMapping(options.map);
  const delimiter = options.delimiter === 'tab' ? '\t' : options.delimiter;
  let result: IngestResult;
  if (options.kind === 'table') {
    if (!options.table) throw new Error('--table: an extra table needs a name, e.g. marketing_spend or survey');
    result = await workbench.datasets.ingestTable({ dataset: options.dataset, table: options.table, text: readText(options.file), sourceName: options.file, delimiter, policy: options.policy });
  } else if (options.kind === 'transactions') {
    result = await workbench.datasets.ingestTransactions({
      dataset: options.dataset,
      source: withProgress(options.file, out),
      sourceName: options.file,
      mapping,
      policy: options.policy,
      returns: options.returns,
      dateFormat: options.dateFormat,
      delimiter,
      decimal: options.decimal,
    });
  } else {
    result = await workbench.datasets.ingestCustomers({
      dataset: options.dataset,
      text: readText(options.file),
      sourceName: options.file,
      customerIdColumn: mapping.customerId,
      revenueColumn: options.revenueColumn,
      policy: options.policy,
      delimiter,
    });
  }
  const v = result.version;
  // Embedded, the retrains this version triggered run here, before the command ends; a server's workers do them otherwise.
  const retrains = (await workbench.retrain.listRequests()).filter((r) => r.datasetVersion.id === v.id);
  if (retrains.length > 0 && workbench.queue.kind === 'inline') {
    out.note(`retraining ${retrains.length} segmentation(s) on ${result.dataset.name} v${v.version} …`);
    await workbench.queue.whenIdle();
  }
  if (options.json) {
    out.line(JSON.stringify({ dataset: result.dataset.name, version: v.version, kind: v.kind, created: result.created, contentHash: v.contentHash, rowCount: v.rowCount, rejectedCount: v.rejectedCount, stats: v.stats, report: result.report }, null, 2));
    return result;
  }
  const what = v.kind === 'transactions' ? 'transactions' : v.kind === 'table' ? `rows of table ${v.tableName}` : 'customers';
  out.line(`${result.dataset.name} v${v.version}: ${v.rowCount.toLocaleString('en-US')} ${what}${result.created ? '' : ' (same content as before: existing version)'}, ${v.rejectedCount.toLocaleString('en-US')} rows rejected`);
  for (const p of result.report.problems.slice(0, 20)) out.line(`  line ${p.line}, ${p.field}: ${p.message}`);
  if (result.report.rowsRejected > Math.min(20, result.report.problems.length)) out.line(`  … ${result.report.rowsRejected - Math.min(20, result.report.problems.length)} more (see --json)`);
  for (const r of retrains) printOutcome(out, await workbench.retrain.getRequest(r.id));
  return result;
}
