import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { TextEncodingName } from '@workbench/data';
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
  /** `--no-header` sets it false: the file starts with data; `columns` names them. */
  header?: boolean;
  /** `a,b,c`: the column names (without a header, required; with one, they replace its names). */
  columns?: string;
  encoding?: TextEncodingName;
  thousands?: ',' | '.' | ' ' | "'";
  currency?: boolean;
  /** transactions: keep or exclude lines worth 0. */
  zeroAmounts?: 'keep' | 'exclude';
  /** Write every rejected row's problem to this file (CSV: line, field, message). */
  problems?: string;
  json?: boolean;
}

const ROLES = ['customerId', 'timestamp', 'amount', 'quantity', 'unitPrice', 'orderId'] as const;

/** The file as a stream of chunks that moves the progress display as it is read (ingest reads it once, in order). */
async function* withProgress(file: string, out: Output): AsyncGenerator<Uint8Array> {
  let size: number;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    size = stat.size;
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
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'it is a directory; give the path of a file'
        : (e as Error).message;
  return new Error(`cannot read '${file}': ${why}`);
}

/** The file's bytes: ingest decodes them with the encoding asked for (and checks UTF-8). */
function readBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw cannotRead(file, e);
  }
}

/** `--columns a,b,c` as names (blank entries refused). */
export function parseColumns(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const names = raw.split(',').map((c) => c.trim());
  if (names.some((n) => n === '')) throw new Error(`--columns '${raw}' must be comma-separated names, none empty`);
  return names;
}

const csvCell = (v: string | number) => (/[",\n\r]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

/** Parses `--map role=Column,…`, naming any unknown role. */
export function parseMapping(raw: string | undefined): Partial<Record<(typeof ROLES)[number], string>> {
  if (!raw) return {};
  const mapping: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    const [role, column] = pair.split('=').map((p) => p.trim());
    if (!role || !column) throw new Error(`--map entry '${pair}' must look like role=Column`);
    if (!(ROLES as readonly string[]).includes(role))
      throw new Error(`--map role '${role}' is not one of ${ROLES.join(', ')}`);
    mapping[role] = column;
  }
  return mapping;
}

/** `workbench ingest <file> --dataset NAME [--kind transactions --map …]`: a new (or the existing identical) dataset version. */
export async function ingestFile(workbench: Workbench, out: Output, options: IngestOptions): Promise<IngestResult> {
  const mapping = parseMapping(options.map);
  const delimiter = options.delimiter === 'tab' ? '\t' : options.delimiter;
  // How the file is read, the same for every kind.
  const format = {
    header: options.header ?? true,
    columns: parseColumns(options.columns),
    encoding: options.encoding,
    decimal: options.decimal,
    thousands: options.thousands,
    currency: options.currency,
    // With --problems every problem is kept, to be written out; otherwise the report keeps the first 100.
    ...(options.problems ? { maxProblems: Number.MAX_SAFE_INTEGER } : {}),
  };
  let result: IngestResult;
  if (options.kind === 'table') {
    if (!options.table) throw new Error('--table: an extra table needs a name, e.g. marketing_spend or survey');
    result = await workbench.datasets.ingestTable({
      dataset: options.dataset,
      table: options.table,
      text: readBytes(options.file),
      sourceName: options.file,
      delimiter,
      policy: options.policy,
      format,
    });
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
      zeroAmounts: options.zeroAmounts,
      ...format,
    });
  } else {
    result = await workbench.datasets.ingestCustomers({
      ...format,
      dataset: options.dataset,
      text: readBytes(options.file),
      sourceName: options.file,
      customerIdColumn: mapping.customerId,
      revenueColumn: options.revenueColumn,
      policy: options.policy,
      delimiter,
    });
  }
  const v = result.version;
  const report = result.report;
  if (options.problems) {
    writeFileSync(
      options.problems,
      ['line,field,message', ...report.problems.map((p) => [p.line, p.field, p.message].map(csvCell).join(','))].join(
        '\n',
      ) + '\n',
    );
  }
  // Embedded, the retrains this version triggered run here, before the command ends; a server's workers do them otherwise.
  // A version stored before (the same content again) keeps the retrains it triggered then: those are done, not started again.
  const retrains = (await workbench.retrain.listRequests()).filter((r) => r.datasetVersion.id === v.id);
  const pending = retrains.filter((r) => r.status === 'queued' || r.status === 'training');
  if (pending.length > 0 && workbench.queue.kind === 'inline') {
    out.note(`retraining ${pending.length} segmentation(s) on ${result.dataset.name} v${v.version} …`);
    await workbench.queue.whenIdle();
  }
  const done = retrains.filter((r) => !pending.includes(r));
  if (done.length > 0)
    out.note(
      `${result.dataset.name} v${v.version} was retrained on before (${done.map((r) => `${r.policy.segmentation.name}: ${r.status}`).join(', ')}); nothing new to retrain`,
    );
  if (options.json) {
    out.line(
      JSON.stringify(
        {
          dataset: result.dataset.name,
          version: v.version,
          kind: v.kind,
          created: result.created,
          contentHash: v.contentHash,
          rowCount: v.rowCount,
          rejectedCount: v.rejectedCount,
          stats: v.stats,
          report,
        },
        null,
        2,
      ),
    );
    return result;
  }
  const what =
    v.kind === 'transactions' ? 'transactions' : v.kind === 'table' ? `rows of table ${v.tableName}` : 'customers';
  out.line(
    `${result.dataset.name} v${v.version}: ${v.rowCount.toLocaleString('en-US')} ${what}${result.created ? '' : ' (same content as before: existing version)'}, ${v.rejectedCount.toLocaleString('en-US')} rows rejected`,
  );
  // Models read normalised names; the file's own names stay visible here (and match ignoring case and punctuation).
  const renamed =
    v.kind === 'transactions'
      ? []
      : v.schema
          .map((c) => ({ name: c.name, source: (c as { source?: string }).source ?? c.name }))
          .filter((c) => c.name !== c.source);
  if (renamed.length > 0)
    out.line(
      `  columns renamed for models (the file's names also work): ${renamed.map((c) => `${c.name} ← '${c.source}'`).join(', ')}`,
    );
  for (const p of report.problems.slice(0, 20)) out.line(`  line ${p.line}, ${p.field}: ${p.message}`);
  const shown = Math.min(20, report.problems.length);
  if (report.rowsRejected > shown) {
    // Say exactly where the others are: --json keeps only the report's first problems.
    const where = options.problems
      ? `all ${report.problems.length.toLocaleString('en-US')} are in ${options.problems}`
      : `--json lists the first ${report.problems.length.toLocaleString('en-US')}${report.rowsRejected > report.problems.length ? ` (${(report.rowsRejected - report.problems.length).toLocaleString('en-US')} left out)` : ''}; --problems FILE writes all of them`;
    out.line(`  … ${(report.rowsRejected - shown).toLocaleString('en-US')} more: ${where}`);
  }
  for (const r of pending) printOutcome(out, await workbench.retrain.getRequest(r.id));
  return result;
}
