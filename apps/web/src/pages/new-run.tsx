import Form from '@rjsf/core';
import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, enc, postJson } from '../api/client';
import { useDataset, useDatasets, usePlugins, useSegmentations } from '../api/queries';
import type { Plugin, Run } from '../api/types';
import { useMay } from '../components/layout';
import { Loading, Problem } from '../components/status';
import { initialParams, placeErrors, type FieldError } from '../shape/params-form';

// rjsf and ajv are large: this page is loaded on first visit only (router.tsx), so they stay out of the
// initial JavaScript.

/** The choice of the segmentation select that opens the fields of a new one. */
const NEW = '+new';
/** The page's own inputs, which the server's `errors` may name (the params go to the generated form). */
const PAGE_FIELDS = ['name', 'plugin', 'dataset', 'kpis', 'seed', 'datasetVersion'];
const UI_SCHEMA: UiSchema = { 'ui:submitButtonOptions': { norender: true } };
const MAX_SEED = 2 ** 31 - 1;

/** A labelled input of the page with the server's (or the page's) messages for it. */
function Field({
  id,
  label,
  errors,
  hint,
  children,
}: {
  id: string;
  label: string;
  errors?: string[];
  hint?: string;
  children: ReactNode;
}) {
  return (
    <div className={`field${errors?.length ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <p className="muted hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {errors?.map((m) => (
        <p key={m} className="problem" id={`${id}-error`}>
          {m}
        </p>
      ))}
    </div>
  );
}

/** The seed as the API takes it: absent when blank, else a whole number in range (or a message saying so). */
function parseSeed(text: string): { seed?: number; error?: string } {
  if (text.trim() === '') return {};
  const seed = Number(text);
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED)
    return { error: `seed must be a whole number from 0 to ${MAX_SEED}, or blank for a random one` };
  return { seed };
}

/**
 * Starts a run: of an existing segmentation (its params as the starting point) or of a new one (name,
 * plugin, dataset, KPI evaluators). The plugin's params are a form generated from its JSON Schema, checked
 * as they are typed; the server's refusal is shown on the fields it names. Lands on the run page.
 */
export function NewRunPage() {
  const [search] = useSearchParams();
  const may = useMay();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const segmentations = useSegmentations();
  const plugins = usePlugins();
  const datasets = useDatasets();

  const [choice, setChoice] = useState(search.get('segmentation') ?? '');
  const [name, setName] = useState('');
  const [pluginName, setPluginName] = useState('segmenter-kmeans');
  const [datasetName, setDatasetName] = useState('');
  const [kpis, setKpis] = useState<string[] | null>(null);
  const [seedText, setSeedText] = useState('');
  const [datasetVersion, setDatasetVersion] = useState('');
  /** The params as edited, for the form they were edited in (a new choice starts from its own params). */
  const [edited, setEdited] = useState<{ form: string; params: Record<string, unknown> } | null>(null);
  const [serverErrors, setServerErrors] = useState<FieldError[]>([]);
  const [serverMessage, setServerMessage] = useState<string | null>(null);

  const isNew = choice === NEW;
  const segmentation = segmentations.data?.find((s) => s.name === choice);
  const runnable = useMemo(() => latestEnabled(plugins.data ?? [], (p) => p.kind !== 'kpi'), [plugins.data]);
  const evaluators = useMemo(() => latestEnabled(plugins.data ?? [], (p) => p.kind === 'kpi'), [plugins.data]);
  const plugin = runnable.find((p) => p.name === (isNew ? pluginName : segmentation?.plugin));
  const dataset = useDataset(isNew ? datasetName || undefined : segmentation?.dataset.id);
  const versions = (dataset.data?.versions ?? [])
    .filter((v) => v.kind !== 'table')
    .sort((a, b) => b.version - a.version);

  // A new segmentation evaluates what the server would pick by default: the standard KPIs and CLV on
  // transactions, nothing on a customers table, until the analyst changes it.
  const latestKind = versions[0]?.kind;
  const defaultKpis = latestKind === 'transactions' ? ['kpi-standard', 'kpi-clv'] : [];
  const chosenKpis = kpis ?? defaultKpis.filter((k) => evaluators.some((e) => e.name === k));

  useEffect(() => {
    if (!datasetName && datasets.data?.length) setDatasetName(datasets.data[0].name);
  }, [datasetName, datasets.data]);

  // The form starts from the chosen segmentation's params (or the schema's defaults for a new one).
  const formKey = `${choice}:${plugin?.name ?? ''}`;
  const params =
    edited?.form === formKey
      ? edited.params
      : plugin
        ? initialParams(plugin.paramsSchema, isNew ? {} : segmentation?.params)
        : {};

  const seed = parseSeed(seedText);
  const placed = placeErrors(serverErrors, PAGE_FIELDS);
  const fieldErrors = (field: string) => [
    ...(placed.fields[field] ?? []),
    ...(field === 'seed' && seed.error ? [seed.error] : []),
  ];

  const submit = useMutation({
    mutationFn: async (formParams: Record<string, unknown>): Promise<Run> => {
      let target = choice;
      if (isNew) {
        await postJson('/segmentations', {
          name,
          plugin: pluginName,
          dataset: datasetName,
          kpis: chosenKpis.map((k) => ({ plugin: k })),
          params: formParams,
        });
        target = name;
        // From here on it exists: a refused run below is retried on it, not created twice.
        await queryClient.invalidateQueries({ queryKey: ['segmentations'] });
        setChoice(name);
      }
      return postJson<Run>(`/segmentations/${enc(target)}/runs`, {
        ...(isNew ? {} : { params: formParams }),
        ...(seed.seed !== undefined && { seed: seed.seed }),
        ...(datasetVersion && { datasetVersion: Number(datasetVersion) }),
      });
    },
    onMutate: () => {
      setServerErrors([]);
      setServerMessage(null);
    },
    onSuccess: (run) => {
      void queryClient.invalidateQueries({ queryKey: ['runs', run.segmentation.name] });
      void navigate(`/runs/${run.id}`);
    },
    onError: (e) => {
      const located = e instanceof ApiError ? e.errors : [];
      setServerErrors(located);
      // The message is shown at the top unless every part of it is shown at its field.
      const shown = placeErrors(located, PAGE_FIELDS);
      setServerMessage(located.length === 0 || shown.unplaced.length > 0 ? e.message : null);
    },
  });

  if (!may.runSegmentations)
    return (
      <>
        <h1>New run</h1>
        <p role="alert">Your key may read but not start runs (analysts and above may).</p>
      </>
    );

  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/segmentations">Segmentations</Link>
        {segmentation && (
          <>
            {' '}
            › <Link to={`/segmentations/${enc(segmentation.name)}`}>{segmentation.name}</Link>
          </>
        )}{' '}
        › new run
      </nav>
      <h1>New run</h1>
      {(segmentations.isLoading || plugins.isLoading) && <Loading what="segmentations and plugins" />}
      {segmentations.isError && <Problem error={segmentations.error} />}
      {plugins.isError && <Problem error={plugins.error} />}

      <section aria-labelledby="segmentation-heading" className="new-run">
        <h2 id="segmentation-heading">Segmentation</h2>
        <Field id="segmentation" label="Segmentation">
          <select
            id="segmentation"
            value={choice}
            onChange={(e) => {
              setChoice(e.target.value);
              setServerErrors([]);
              setServerMessage(null);
              setDatasetVersion('');
            }}
          >
            <option value="">choose one…</option>
            {segmentations.data?.map((s) => (
              <option key={s.id} value={s.name}>
                {s.name} ({s.plugin} on {s.dataset.name})
              </option>
            ))}
            <option value={NEW}>Create a new segmentation…</option>
          </select>
        </Field>
        {segmentation && (
          <p>
            {segmentation.plugin} on dataset <strong>{segmentation.dataset.name}</strong>; the params below start from
            its own and are merged over them for this version.
          </p>
        )}
        {isNew && (
          <>
            <Field id="name" label="Name" errors={fieldErrors('name')} hint="letters, digits, '.', '_' or '-'">
              <input
                id="name"
                value={name}
                onChange={(e) => setName(e.target.value)}
                aria-describedby="name-hint"
                aria-invalid={fieldErrors('name').length > 0}
                required
              />
            </Field>
            <Field id="plugin" label="Plugin" errors={fieldErrors('plugin')}>
              <select id="plugin" value={pluginName} onChange={(e) => setPluginName(e.target.value)}>
                {runnable.map((p) => (
                  <option key={p.name} value={p.name}>
                    {p.name} {p.version} ({p.kind})
                  </option>
                ))}
              </select>
            </Field>
            <Field id="dataset" label="Dataset" errors={fieldErrors('dataset')}>
              <select id="dataset" value={datasetName} onChange={(e) => setDatasetName(e.target.value)}>
                {datasets.data?.map((d) => (
                  <option key={d.id} value={d.name}>
                    {d.name}
                  </option>
                ))}
              </select>
            </Field>
            <fieldset className={fieldErrors('kpis').length ? 'has-error' : undefined}>
              <legend>KPI evaluators run after each training</legend>
              {/* The defaults depend on the dataset's kind: offered once its versions are known, so none moves under a click. */}
              {!dataset.data ? (
                <Loading what="the dataset's versions" />
              ) : (
                evaluators.map((e) => (
                  <label key={e.name} className="check">
                    <input
                      type="checkbox"
                      checked={chosenKpis.includes(e.name)}
                      onChange={(ev) =>
                        setKpis(ev.target.checked ? [...chosenKpis, e.name] : chosenKpis.filter((k) => k !== e.name))
                      }
                    />{' '}
                    {e.name} — {e.description}
                  </label>
                ))
              )}
              {fieldErrors('kpis').map((m) => (
                <p key={m} className="problem">
                  {m}
                </p>
              ))}
            </fieldset>
          </>
        )}
      </section>

      {plugin && (isNew || segmentation) && (
        <section aria-labelledby="params-heading" className="new-run">
          <h2 id="params-heading">
            Params of {plugin.name} {plugin.version}
          </h2>
          <p className="muted">{plugin.description}</p>
          <Form
            key={formKey}
            schema={plugin.paramsSchema as RJSFSchema}
            uiSchema={UI_SCHEMA}
            validator={validator}
            formData={params}
            onChange={(e) => setEdited({ form: formKey, params: e.formData as Record<string, unknown> })}
            onSubmit={(e) => {
              if (!seed.error) submit.mutate(e.formData as Record<string, unknown>);
            }}
            extraErrors={placed.params as ErrorSchema}
            liveValidate="onChange"
            showErrorList={false}
            noHtml5Validate
          >
            <h2>Run</h2>
            <Field
              id="seed"
              label="Seed"
              errors={fieldErrors('seed')}
              hint="blank: a random seed, recorded on the run so it can be repeated"
            >
              <input
                id="seed"
                inputMode="numeric"
                value={seedText}
                onChange={(e) => setSeedText(e.target.value)}
                aria-describedby="seed-hint"
                aria-invalid={fieldErrors('seed').length > 0}
              />
            </Field>
            <Field id="datasetVersion" label="Dataset version" errors={fieldErrors('datasetVersion')}>
              <select id="datasetVersion" value={datasetVersion} onChange={(e) => setDatasetVersion(e.target.value)}>
                <option value="">the latest{versions[0] ? ` (v${versions[0].version})` : ''}</option>
                {versions.map((v) => (
                  <option key={v.id} value={String(v.version)}>
                    v{v.version} — {v.kind}, {v.rowCount.toLocaleString()} rows,{' '}
                    {new Date(v.createdAt).toLocaleString()}
                  </option>
                ))}
              </select>
            </Field>
            {serverMessage && <Problem error={serverMessage} />}
            {placed.unplaced.length > 0 && !serverMessage && <Problem error={placed.unplaced.join('; ')} />}
            <div className="actions">
              <button type="submit" disabled={submit.isPending || (isNew && (!name || !datasetName || !dataset.data))}>
                {isNew ? 'Create the segmentation and start the run' : 'Start the run'}
              </button>
            </div>
          </Form>
        </section>
      )}
    </>
  );
}

/** The enabled plugins `keep` accepts, one per name (GET /plugins also lists the disabled versions). */
function latestEnabled(plugins: readonly Plugin[], keep: (p: Plugin) => boolean): Plugin[] {
  const byName = new Map<string, Plugin>();
  for (const p of plugins) if (p.enabled && keep(p)) byName.set(p.name, p);
  return [...byName.values()];
}
