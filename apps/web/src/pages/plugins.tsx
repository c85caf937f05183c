import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { postJson } from '../api/client';
import { usePluginReadme, usePlugins } from '../api/queries';
import type { Plugin } from '../api/types';
import { useMay } from '../components/layout';
import { Markdown } from '../components/markdown';
import { Loading, Problem } from '../components/status';
import { parseMarkdown } from '../shape/markdown';
import { paramRows } from '../shape/params-form';

/** A plugin's README, fetched when its section is opened. */
function Readme({ plugin }: { plugin: Plugin }) {
  const [open, setOpen] = useState(false);
  const readme = usePluginReadme(plugin.name, open && plugin.enabled);
  return (
    <details onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)} data-testid="readme">
      <summary>README</summary>
      {readme.isLoading && <Loading what="the README" />}
      {readme.isError && <Problem error={readme.error} />}
      {readme.data &&
        (readme.data.readme === null ? (
          <p className="muted">This plugin has no README.</p>
        ) : (
          <Markdown blocks={parseMarkdown(readme.data.readme)} />
        ))}
    </details>
  );
}

function PluginCard({ plugin }: { plugin: Plugin }) {
  const rows = paramRows(plugin.paramsSchema);
  const id = `plugin-${plugin.name}-${plugin.version}`.replace(/[^a-zA-Z0-9_-]/g, '-');
  return (
    <section aria-labelledby={id} className="plugin" data-testid={`plugin-${plugin.name}`}>
      <h2 id={id}>
        {plugin.name} <span className="muted">{plugin.version}</span> <span className="badge">{plugin.kind}</span>
        {!plugin.enabled && <span className="badge status-failed">disabled</span>}
      </h2>
      <p>{plugin.description}</p>
      <dl className="facts">
        <dt>version</dt>
        <dd data-testid="version">{plugin.version}</dd>
        <dt>kind</dt>
        <dd>{plugin.kind}</dd>
        <dt>SDK</dt>
        <dd>{plugin.sdk}</dd>
        <dt>source</dt>
        <dd>{plugin.source}</dd>
        <dt>registered by</dt>
        <dd>
          {plugin.registeredBy}
          {plugin.registeredAt ? `, ${new Date(plugin.registeredAt).toLocaleString()}` : ''}
        </dd>
      </dl>
      {rows.length === 0 ? (
        <p className="muted">No params.</p>
      ) : (
        <div className="scroll">
          <table>
            <caption>Params of {plugin.name}</caption>
            <thead>
              <tr>
                <th scope="col">Param</th>
                <th scope="col">Type</th>
                <th scope="col">Default</th>
                <th scope="col">Allowed</th>
                <th scope="col">Meaning</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.name}>
                  <th scope="row">
                    <code>{r.name}</code>
                  </th>
                  <td>{r.type}</td>
                  <td>
                    <code>{r.default}</code>
                  </td>
                  <td>{r.rule}</td>
                  <td>{r.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {plugin.enabled && <Readme plugin={plugin} />}
      <details>
        <summary>Params JSON Schema</summary>
        <pre>{JSON.stringify(plugin.paramsSchema, null, 2)}</pre>
      </details>
    </section>
  );
}

/** Registers an external plugin (POST /plugins): scientists and admins, from what the server's operator allows. */
function RegisterPlugin() {
  const queryClient = useQueryClient();
  const [source, setSource] = useState('');
  const register = useMutation({
    mutationFn: () => postJson<Plugin>('/plugins', { source }),
    onSuccess: () => {
      setSource('');
      return queryClient.invalidateQueries({ queryKey: ['plugins'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    register.mutate();
  };
  return (
    <section aria-labelledby="register-heading">
      <h2 id="register-heading">Register a plugin</h2>
      <form onSubmit={submit} className="register">
        <div className={`field${register.isError ? ' has-error' : ''}`}>
          <label htmlFor="plugin-source">Plugin folder on the server or installed npm package</label>
          <input
            id="plugin-source"
            value={source}
            onChange={(e) => setSource(e.target.value)}
            aria-describedby="plugin-source-hint"
            aria-invalid={register.isError}
            required
          />
          <p className="muted hint" id="plugin-source-hint">
            A folder inside WORKBENCH_PLUGIN_DIRS, or a package name; it is checked and loaded in a child process first.
          </p>
          {/* Every refusal of this form is about its one field: the source and what it holds. */}
          {register.isError && <Problem error={register.error} />}
        </div>
        <button type="submit" disabled={register.isPending || !source.trim()}>
          Register
        </button>
        {register.isSuccess && (
          <p role="status">
            Registered {register.data.name} {register.data.version}.
          </p>
        )}
      </form>
    </section>
  );
}

/** Every plugin with its kind, version and params; scientists and admins may register another. */
export function PluginsPage() {
  const may = useMay();
  const plugins = usePlugins();
  return (
    <>
      <h1>Plugins</h1>
      <p className="muted">
        Segmentation models (segmenters, predictors) and KPI evaluators this workbench runs. Each param is checked by
        the plugin before a run is queued.
      </p>
      {plugins.isLoading && <Loading what="plugins" />}
      {plugins.isError && <Problem error={plugins.error} />}
      {may.registerPlugins && <RegisterPlugin />}
      {plugins.data?.map((p) => (
        <PluginCard key={`${p.name}@${p.version}`} plugin={p} />
      ))}
    </>
  );
}
