// Run by probePlugin (plugin-sources.ts) in a process of its own: loads one plugin module, checks it
// as the registry does, and reports the outcome over IPC. Whatever the module does while loading
// (throw, loop, exit, allocate) happens here, not in the server.
import { PluginRegistry } from '@workbench/engine';
import { PluginDefinitionError } from '@workbench/plugin-sdk';

const [entry, source] = process.argv.slice(2);

function reply(message: Record<string, unknown>): void {
  // Exit once the reply is out: the module may have left timers or handles open.
  process.send?.(message, () => process.exit(0));
}

try {
  const loaded = require(entry) as { default?: unknown };
  const candidate = loaded && typeof loaded === 'object' && 'default' in loaded ? loaded.default : loaded;
  const info = new PluginRegistry().register(candidate, source);
  reply({ ok: true, name: info.name, version: info.version });
} catch (e) {
  if (e instanceof PluginDefinitionError) reply({ ok: false, plugin: e.plugin, problems: e.problems });
  else
    reply({
      ok: false,
      message: `cannot load a plugin from '${source}': ${String((e as Error)?.message ?? e).split('\n')[0]}`,
    });
}
