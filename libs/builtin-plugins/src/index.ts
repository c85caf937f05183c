import { join } from 'node:path';
import type { WorkbenchPlugin } from '@workbench/plugin-sdk';
import kmeans from '@workbench/segmenter-kmeans';
import rules from '@workbench/segmenter-rules';
import churn from '@workbench/predictor-churn';
import clv from '@workbench/kpi-clv';
import standard from '@workbench/kpi-standard';

/**
 * The plugins shipped with the workbench, registered by both apps (orchestrator and CLI) at start.
 * This is the one place that imports plugins: adding a shipped plugin means adding it here.
 */
export const builtinPlugins: readonly WorkbenchPlugin[] = Object.freeze([kmeans, rules, churn, standard, clv]);

/**
 * This module's file: a sandbox thread loads it to get the same plugins (see WorkbenchOptions.pluginsModule).
 * A path, not the '@workbench/…' alias, which only compiled imports resolve.
 */
export const BUILTIN_PLUGINS_MODULE = __filename;

/** A shipped plugin's folder, by plugin name: `plugins/<name>`, beside this module's folder (in each app's build too). */
const pluginFolder = (name: string): string => join(__dirname, '../../../plugins', name);

/**
 * Each shipped plugin's own module, by plugin name, so a sandbox thread loads only the plugins of its job instead of
 * this module, which loads them all (predictor-churn with tfjs among them: ~0.6 s a thread). No extension: the
 * `.ts` source under tools/register.js, the `.js` file in an app's build (tools/build.js keeps the layout).
 */
export const BUILTIN_PLUGIN_MODULES: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(builtinPlugins.map((p) => [p.manifest.name, join(pluginFolder(p.manifest.name), 'src/index')])),
);

/**
 * The README of each shipped plugin, by plugin name: `plugins/<name>/README.md`, beside this module's folder
 * in the repository and in each app's build (tools/build.js copies them). GET /plugins/:name/readme serves it.
 */
export const BUILTIN_PLUGIN_READMES: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(builtinPlugins.map((p) => [p.manifest.name, join(pluginFolder(p.manifest.name), 'README.md')])),
);
