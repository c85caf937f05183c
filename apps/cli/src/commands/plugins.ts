import type { Workbench } from '@workbench/services';
import type { Output } from '../output';
import { renderTable } from '../table';

/** `workbench plugins list`: registered plugins with their params (name: type = default). */
export async function listPlugins(workbench: Workbench, out: Output, options: { json?: boolean }): Promise<void> {
  const plugins = await workbench.plugins.list();
  if (options.json) {
    out.line(JSON.stringify(plugins, null, 2));
    return;
  }
  const params = (schema: Record<string, unknown>) =>
    Object.entries((schema.properties ?? {}) as Record<string, { type?: string; enum?: unknown[]; default?: unknown }>)
      .map(
        ([name, p]) =>
          `${name}${p.default !== undefined ? `=${JSON.stringify(p.default)}` : `:${p.type ?? (p.enum ? p.enum.join('|') : '?')}`}`,
      )
      .join(' ');
  const table = renderTable(
    [{ header: 'plugin' }, { header: 'version' }, { header: 'kind' }, { header: 'source' }, { header: 'params' }],
    plugins.map((p) => [p.name, p.version, p.kind, p.source, params(p.paramsSchema)]),
  );
  for (const line of table) out.line(line);
  const described = paramDescriptions(plugins);
  if (described.length > 0) out.line('');
  for (const line of described) out.line(line);
}

/** One line per described param (`plugin.param: description`), from the params JSON Schemas; none when they have no descriptions. */
export function paramDescriptions(
  plugins: readonly { name: string; paramsSchema: Record<string, unknown> }[],
): string[] {
  return plugins.flatMap((p) =>
    Object.entries((p.paramsSchema.properties ?? {}) as Record<string, { description?: unknown }>)
      .filter(([, schema]) => typeof schema.description === 'string' && schema.description !== '')
      .map(([name, schema]) => `${p.name}.${name}: ${schema.description as string}`),
  );
}

/** `workbench plugins add <folder|package>`: registers an external plugin, checked like the shipped ones. */
export async function addPlugin(
  workbench: Workbench,
  out: Output,
  options: { source: string; json?: boolean },
): Promise<void> {
  const plugin = await workbench.plugins.add(options.source, 'cli');
  if (options.json) out.line(JSON.stringify(plugin, null, 2));
  else out.line(`registered ${plugin.name}@${plugin.version} (${plugin.kind}) from ${plugin.source}`);
}
