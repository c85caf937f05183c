import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiBodyError, postForm, saveBlob } from '../api/client';
import type { IngestEvent } from '../api/events';
import { followEvents } from '../api/live';
import { useDatasets } from '../api/queries';
import type { DatasetKind, DatasetPreview, Ingest, IngestReport } from '../api/types';
import { useMay } from '../components/layout';
import { Loading, Problem } from '../components/status';
import {
  DATE_FORMATS,
  datasetNameOf,
  kindOf,
  MAPPING_FIELDS,
  mappedValue,
  previewFields,
  problemsCsv,
  uploadFields,
  versionFigures,
  type UploadChoices,
} from '../shape/datasets';
import { formatNumber, formatPercent } from '../shape/format';

/**
 * How much of the file the preview sends: the server reads the first 64 KiB (the head the ingest decides its
 * mapping from); one byte more tells it the file goes on, so a line cut at the end is not taken for a row.
 */
const PREVIEW_BYTES = 64 * 1024 + 1;
/** How long the live events stay open after the upload's answer, for an ingest event the answer overtook. */
const LAST_EVENT_WAIT_MS = 5000;
/** Rows of the problem table on the page; the download has them all. */
const SHOWN_PROBLEMS = 200;

type Phase =
  | { phase: 'idle' }
  | { phase: 'uploading'; fraction: number }
  | { phase: 'ingesting' }
  | { phase: 'reading'; fraction: number; rows: number }
  | { phase: 'stored'; ingest: Ingest }
  | { phase: 'refused'; message: string; report: IngestReport | null };

const formOf = (fields: [string, string][], file: Blob, fileName: string) => {
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  form.append('file', file, fileName);
  return form;
};

function Preview({ preview, fileName }: { preview: DatasetPreview; fileName: string }) {
  return (
    <div className="scroll">
      <table data-testid="preview">
        <caption>
          First {preview.rows.length} rows of {fileName}
          {preview.complete ? '' : ' (read from its first 64 KiB)'}
        </caption>
        <thead>
          <tr>
            <th scope="col">Line</th>
            {preview.columns.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preview.rows.map((r) => (
            <tr key={r.line}>
              <th scope="row">{r.line}</th>
              {r.fields.map((f, i) => (
                <td key={i}>{f}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The row-level report of an upload: every rejected row's line, field and reason, and all of them as CSV. */
export function ProblemReport({ report, name }: { report: IngestReport; name: string }) {
  const shown = report.problems.slice(0, SHOWN_PROBLEMS);
  return (
    <section aria-labelledby="problems-title">
      <h2 id="problems-title">Rejected rows</h2>
      <p>
        {formatNumber(report.rowsRejected)} of {formatNumber(report.rowsRead)} rows rejected (policy {report.policy}).
        {report.problems.length > shown.length &&
          ` The first ${shown.length} are listed; the download has all ${formatNumber(report.problems.length)}.`}
        {!!report.problemsOmitted && ` ${formatNumber(report.problemsOmitted)} more were counted but not listed.`}
      </p>
      <p className="actions">
        <button
          type="button"
          className="secondary"
          onClick={() =>
            saveBlob(new Blob([problemsCsv(report.problems)], { type: 'text/csv' }), `${name}-problems.csv`)
          }
        >
          Download all problems (CSV)
        </button>
      </p>
      <div className="scroll">
        <table data-testid="problems">
          <caption className="sr-only">Rejected rows</caption>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Field</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((p, i) => (
              <tr key={i} data-line={p.line}>
                <td className="line">{p.line}</td>
                <td className="field">{p.field}</td>
                <td className="reason">{p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Stored({ ingest }: { ingest: Ingest }) {
  const f = versionFigures(ingest.version);
  return (
    <section aria-labelledby="stored-title" data-testid="stored">
      <h2 id="stored-title">
        {ingest.created
          ? `Stored as version ${ingest.version.version} of ${ingest.dataset.name}`
          : `Already stored: this content is version ${ingest.version.version} of ${ingest.dataset.name}`}
      </h2>
      <dl className="facts">
        <dt>Rows read</dt>
        <dd>{formatNumber(f.read)}</dd>
        <dt>Kept</dt>
        <dd data-testid="kept">{formatNumber(f.kept)}</dd>
        <dt>Rejected</dt>
        <dd data-testid="rejected">{formatNumber(f.rejected)}</dd>
        <dt>Customers</dt>
        <dd>{formatNumber(f.customers)}</dd>
        <dt>Ingest options</dt>
        <dd>{f.options.join(', ')}</dd>
      </dl>
      <p>
        <Link to="/datasets">All datasets</Link>
      </p>
      {ingest.version.report.problems.length > 0 && (
        <ProblemReport report={ingest.version.report} name={ingest.dataset.name} />
      )}
    </section>
  );
}

/** Upload a CSV: the server's preview of its head and detected mapping, editable, then the upload and its report. */
export function UploadPage() {
  const may = useMay();
  const queryClient = useQueryClient();
  const datasets = useDatasets();
  const [file, setFile] = useState<File | null>(null);
  const [choices, setChoices] = useState<UploadChoices>({
    name: '',
    policy: 'reject',
    returns: 'net',
    delimiter: ',',
    encoding: 'utf-8',
    edited: {},
  });
  const [state, setState] = useState<Phase>({ phase: 'idle' });
  /** The last ingest event of the upload: kept after it ends, as what the server said it read. */
  const [read, setRead] = useState<IngestEvent | null>(null);
  const sent = previewFields(choices);
  const preview = useQuery({
    queryKey: ['preview', file?.name, file?.size, file?.lastModified, sent],
    queryFn: async () =>
      (
        await postForm<DatasetPreview>(
          '/datasets/preview',
          formOf(sent, (file as File).slice(0, PREVIEW_BYTES), (file as File).name),
        )
      ).body,
    enabled: !!file,
    retry: false,
    gcTime: 0,
  });
  const kind = kindOf(choices, preview.data);
  const layout =
    kind === 'transactions' ? preview.data?.transactions : kind === 'customers' ? preview.data?.customers : null;
  const busy = state.phase === 'uploading' || state.phase === 'ingesting' || state.phase === 'reading';
  const set = (change: Partial<UploadChoices>) => setChoices((c) => ({ ...c, ...change }));
  const setMapped = (field: string, value: string) =>
    setChoices((c) => {
      const shown = kindOf(c, preview.data);
      // What the form shows is what is sent: an edit pins the other columns as shown, so detection cannot move
      // them; the date format stays detected unless it is the field edited (it follows the timestamp column).
      const edited: Record<string, string> = {};
      for (const { field: f } of MAPPING_FIELDS[shown]) {
        const v = mappedValue(f, shown, c, preview.data);
        if (v) edited[f] = v;
      }
      if (c.edited.dateFormat) edited.dateFormat = c.edited.dateFormat;
      if (value) edited[field] = value;
      else delete edited[field];
      // A mapping belongs to a kind: editing one fixes the kind shown.
      return { ...c, kind: shown, edited };
    });

  if (!may.uploadData) return <Problem error="Uploading data needs the analyst role." />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setState({ phase: 'uploading', fraction: 0 });
    setRead(null);
    // The ingest's own progress comes over the live events, under an id this page gives the upload.
    const uploadId = crypto.randomUUID();
    const stream = new AbortController();
    let last: IngestEvent | null = null;
    let finished = false;
    const followed = await followEvents((event) => {
      if (event.type !== 'ingest' || (event as IngestEvent).uploadId !== uploadId) return;
      const read = event as IngestEvent;
      last = read;
      setRead(read);
      // The ingest's last event ends the stream's use (see below).
      if (read.fraction >= 1 && finished) stream.abort();
      setState((s) =>
        s.phase === 'uploading' || s.phase === 'ingesting' || s.phase === 'reading'
          ? { phase: 'reading', fraction: read.fraction, rows: read.rows }
          : s,
      );
    }, stream.signal).then(
      () => true,
      () => false,
    );
    const fields = uploadFields(choices, preview.data);
    if (followed) fields.push(['uploadId', uploadId]);
    try {
      const { body } = await postForm<Ingest>('/datasets', formOf(fields, file, file.name), {
        onUploaded: (fraction) => setState({ phase: 'uploading', fraction }),
        onSent: () => !last && setState({ phase: 'ingesting' }),
      });
      await queryClient.invalidateQueries({ queryKey: ['datasets'] });
      await queryClient.invalidateQueries({ queryKey: ['dataset'] });
      setState({ phase: 'stored', ingest: body });
    } catch (error) {
      const report = error instanceof ApiBodyError ? ((error.body as { report?: IngestReport }).report ?? null) : null;
      setState({ phase: 'refused', message: error instanceof Error ? error.message : String(error), report });
    } finally {
      // Over Redis (several server processes) the answer can overtake the ingest's last event: the stream stays
      // open until that event (fraction 1) or a few seconds more, so what the server read is still shown.
      finished = true;
      if (!followed || (last as IngestEvent | null)?.fraction === 1) stream.abort();
      else setTimeout(() => stream.abort(), LAST_EVENT_WAIT_MS);
    }
  };

  return (
    <>
      <p className="crumbs">
        <Link to="/datasets">Datasets</Link> / upload
      </p>
      <h1>Upload a CSV</h1>
      <form onSubmit={(e) => void submit(e)} aria-label="Upload a CSV">
        <p className="actions">
          <label htmlFor="upload-file">CSV file</label>
          <input
            id="upload-file"
            type="file"
            accept=".csv,.txt,.tsv,text/csv,text/plain"
            onChange={(e) => {
              const chosen = e.target.files?.[0] ?? null;
              setFile(chosen);
              setState({ phase: 'idle' });
              setChoices((c) => ({
                ...c,
                kind: undefined,
                edited: {},
                name: c.name || (chosen ? datasetNameOf(chosen.name) : ''),
              }));
            }}
          />
          <label htmlFor="upload-delimiter">Delimiter</label>
          <select
            id="upload-delimiter"
            value={choices.delimiter}
            onChange={(e) => set({ delimiter: e.target.value, edited: {} })}
          >
            <option value=",">comma</option>
            <option value=";">semicolon</option>
            <option value="tab">tab</option>
            <option value="|">pipe</option>
          </select>
          <label htmlFor="upload-encoding">Encoding</label>
          <select
            id="upload-encoding"
            value={choices.encoding}
            onChange={(e) => set({ encoding: e.target.value as UploadChoices['encoding'] })}
          >
            <option value="utf-8">UTF-8</option>
            <option value="latin1">Latin-1</option>
            <option value="windows-1252">Windows-1252</option>
          </select>
        </p>

        {file && preview.isLoading && <Loading what="the preview" />}
        {preview.isError && <Problem error={preview.error} />}
        {file && preview.data && <Preview preview={preview.data} fileName={file.name} />}

        {file && preview.data && (
          <>
            <fieldset>
              <legend>What the file holds</legend>
              <p className="actions">
                <label htmlFor="upload-name">Dataset</label>
                <input
                  id="upload-name"
                  list="upload-datasets"
                  value={choices.name}
                  required
                  onChange={(e) => set({ name: e.target.value })}
                />
                <datalist id="upload-datasets">
                  {datasets.data?.map((d) => (
                    <option key={d.id} value={d.name} />
                  ))}
                </datalist>
                <label htmlFor="upload-kind">Kind</label>
                <select
                  id="upload-kind"
                  value={kind}
                  onChange={(e) => set({ kind: e.target.value as DatasetKind, edited: {} })}
                >
                  <option value="transactions">transactions</option>
                  <option value="customers">customers (one row per customer)</option>
                  <option value="table">extra table</option>
                </select>
                {kind === 'table' && (
                  <>
                    <label htmlFor="upload-table">Table name</label>
                    <input
                      id="upload-table"
                      value={choices.table ?? ''}
                      placeholder="marketing_spend"
                      required
                      onChange={(e) => set({ table: e.target.value })}
                    />
                  </>
                )}
              </p>
              {!choices.kind && <p className="muted">Kind guessed from the columns; change it if it is wrong.</p>}
            </fieldset>

            {kind !== 'table' && (
              <fieldset data-testid="mapping">
                <legend>Column mapping (detected by the server; change any)</legend>
                <p className="actions">
                  {MAPPING_FIELDS[kind].map(({ field, label }) => (
                    <span key={field}>
                      <label htmlFor={`map-${field}`}>{label}</label>{' '}
                      <select
                        id={`map-${field}`}
                        value={mappedValue(field, kind, choices, preview.data)}
                        onChange={(e) => setMapped(field, e.target.value)}
                      >
                        <option value="">(none)</option>
                        {preview.data?.columns.map((c) => (
                          <option key={c} value={c}>
                            {c}
                          </option>
                        ))}
                      </select>
                    </span>
                  ))}
                  {kind === 'transactions' && (
                    <span>
                      <label htmlFor="map-dateFormat">Date format</label>{' '}
                      <select
                        id="map-dateFormat"
                        value={mappedValue('dateFormat', kind, choices, preview.data)}
                        onChange={(e) => setMapped('dateFormat', e.target.value)}
                      >
                        <option value="">(detect)</option>
                        {DATE_FORMATS.map((f) => (
                          <option key={f} value={f}>
                            {f}
                          </option>
                        ))}
                      </select>
                    </span>
                  )}
                </p>
                {layout?.problem && (
                  <p className="problem" role="alert" data-testid="mapping-problem">
                    {layout.problem}
                  </p>
                )}
              </fieldset>
            )}

            <fieldset>
              <legend>Bad rows</legend>
              <label>
                <input
                  type="radio"
                  name="policy"
                  value="reject"
                  checked={choices.policy === 'reject'}
                  onChange={() => set({ policy: 'reject' })}
                />{' '}
                reject the file (nothing is stored)
              </label>{' '}
              <label>
                <input
                  type="radio"
                  name="policy"
                  value="skip"
                  checked={choices.policy === 'skip'}
                  onChange={() => set({ policy: 'skip' })}
                />{' '}
                skip them and store the other rows
              </label>
            </fieldset>
            {kind === 'transactions' && (
              <fieldset>
                <legend>Returns and cancellations</legend>
                <label>
                  <input
                    type="radio"
                    name="returns"
                    value="net"
                    checked={choices.returns === 'net'}
                    onChange={() => set({ returns: 'net' })}
                  />{' '}
                  net them against sales
                </label>{' '}
                <label>
                  <input
                    type="radio"
                    name="returns"
                    value="exclude"
                    checked={choices.returns === 'exclude'}
                    onChange={() => set({ returns: 'exclude' })}
                  />{' '}
                  leave them out (counted in the report)
                </label>
              </fieldset>
            )}
            <p className="actions">
              <button type="submit" disabled={busy || !choices.name}>
                Upload
              </button>
            </p>
          </>
        )}
      </form>

      {state.phase === 'uploading' && (
        <p role="status" className="actions">
          <label htmlFor="upload-progress">Uploading {formatPercent(state.fraction, 0)}</label>
          <progress id="upload-progress" max={1} value={state.fraction} />
        </p>
      )}
      {state.phase === 'ingesting' && (
        <p role="status" className="actions">
          <label htmlFor="ingest-progress">Uploaded; the server is reading and checking every row…</label>
          <progress id="ingest-progress" />
        </p>
      )}
      {state.phase === 'reading' && (
        <p role="status" className="actions">
          <label htmlFor="ingest-progress">
            Reading and checking rows: {formatNumber(state.rows)} ({formatPercent(state.fraction, 0)})
          </label>
          <progress id="ingest-progress" max={1} value={state.fraction} />
        </p>
      )}
      {read && (state.phase === 'stored' || state.phase === 'refused') && (
        <p className="muted" data-testid="ingest-read">
          The server read {formatNumber(read.rows)} rows ({formatPercent(read.fraction, 0)} of the file).
        </p>
      )}
      {state.phase === 'stored' && <Stored ingest={state.ingest} />}
      {state.phase === 'refused' && (
        <section aria-labelledby="refused-title" data-testid="refused">
          <h2 id="refused-title">Refused: nothing was stored</h2>
          <p className="problem" role="alert">
            {state.message}
          </p>
          {state.report && <ProblemReport report={state.report} name={choices.name} />}
        </section>
      )}
    </>
  );
}
