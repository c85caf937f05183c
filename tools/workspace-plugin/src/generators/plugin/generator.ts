import {
  formatFiles,
  generateFiles,
  getProjects,
  joinPathFragments,
  logger,
  names,
  normalizePath,
  offsetFromRoot,
  updateJson,
  type GeneratorCallback,
  type Tree,
} from '@nx/devkit';
import * as path from 'node:path';
import { PLUGIN_KINDS, type PluginGeneratorSchema, type PluginKind } from './plugin-options';

/**
 * The SDK's manifest name rule (`libs/plugin-sdk/src/manifest.ts`: 3-64 characters, lowercase letters,
 * digits and dashes, starting with a letter, not ending with a dash), narrowed to kebab-case: no double
 * dash. The name is also the Nx project name and the `@workbench/<name>` import path, so one rule fits all three.
 */
export const PLUGIN_NAME_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

const SDK_VERSION_FILE = 'libs/plugin-sdk/src/version.ts';
const TSCONFIG_BASE = 'tsconfig.base.json';

export interface NormalizedPluginOptions {
  name: string;
  kind: PluginKind;
  /** Project root relative to the workspace, forward slashes, no trailing slash. */
  directory: string;
  importPath: string;
  /** PascalCase of the name, for the params class. */
  className: string;
  /** Range written into `manifest.sdk`: the current major of the SDK in this workspace. */
  sdkRange: string;
}

/** Checks the options and fills the defaults; every refusal says what was wrong and what to type instead. */
export function normalizePluginOptions(tree: Tree, options: PluginGeneratorSchema): NormalizedPluginOptions {
  const name = typeof options.name === 'string' ? options.name.trim() : '';
  if (!PLUGIN_NAME_PATTERN.test(name) || name.length < 3 || name.length > 64) {
    throw new Error(
      `Invalid plugin name ${JSON.stringify(options.name)}: use kebab-case, 3-64 lowercase letters, digits and single dashes, ` +
        `starting with a letter (e.g. 'segmenter-bands'). The name becomes the project name, the manifest name and the import path '@workbench/<name>'.`,
    );
  }
  if (!PLUGIN_KINDS.includes(options.kind)) {
    throw new Error(`Invalid --kind ${JSON.stringify(options.kind)}: use one of ${PLUGIN_KINDS.join(', ')}.`);
  }

  const directory = normalizeDirectory(options.directory ?? `plugins/${name}`);
  if (getProjects(tree).has(name)) {
    throw new Error(
      `A project named '${name}' already exists (${getProjects(tree).get(name)?.root}); choose another plugin name.`,
    );
  }
  if (tree.exists(directory) && tree.children(directory).length > 0) {
    throw new Error(`The folder '${directory}' already exists and is not empty; choose another name or --directory.`);
  }
  const importPath = `@workbench/${name}`;
  if (!tree.exists(TSCONFIG_BASE)) {
    throw new Error(
      `${TSCONFIG_BASE} was not found at the workspace root; the plugin's path alias '${importPath}' goes there.`,
    );
  }
  const existing = readPaths(tree)[importPath];
  if (existing) {
    throw new Error(
      `The path alias '${importPath}' already exists in ${TSCONFIG_BASE} (→ ${existing.join(', ')}); choose another plugin name.`,
    );
  }

  return {
    name,
    kind: options.kind,
    directory,
    importPath,
    className: names(name).className,
    sdkRange: sdkRange(tree),
  };
}

function normalizeDirectory(raw: string): string {
  const directory = normalizePath(raw.trim()).replace(/^\.\//, '').replace(/\/+$/, '');
  if (directory === '' || path.posix.isAbsolute(directory) || directory.split('/').includes('..')) {
    throw new Error(
      `Invalid --directory ${JSON.stringify(raw)}: give a folder inside the workspace, relative to its root (e.g. 'plugins/my-model').`,
    );
  }
  return directory;
}

function readPaths(tree: Tree): Record<string, string[]> {
  const json = JSON.parse(tree.read(TSCONFIG_BASE, 'utf-8') ?? '{}') as {
    compilerOptions?: { paths?: Record<string, string[]> };
  };
  return json.compilerOptions?.paths ?? {};
}

/** `^<major>.0.0` of the SDK in this workspace, so a new plugin declares the SDK it was generated against. */
function sdkRange(tree: Tree): string {
  const source = tree.read(SDK_VERSION_FILE, 'utf-8') ?? '';
  const major = /SDK_VERSION\s*=\s*'(\d+)\.\d+\.\d+/.exec(source)?.[1];
  return `^${major ?? '1'}.0.0`;
}

/**
 * `nx g @workbench/tools:plugin <name> --kind segmenter|predictor|kpi [--directory plugins/<name>]`:
 * writes a plugin project (a small but real model or KPI evaluator, its spec with the conformance kit,
 * README, project.json, tsconfig.json, jest.config.js) and adds `@workbench/<name>` to tsconfig.base.json.
 */
export async function pluginGenerator(tree: Tree, options: PluginGeneratorSchema): Promise<GeneratorCallback> {
  const o = normalizePluginOptions(tree, options);
  const substitutions = { ...o, offsetFromRoot: offsetFromRoot(o.directory), tmpl: '' };
  generateFiles(tree, path.join(__dirname, 'files', 'common'), o.directory, substitutions);
  generateFiles(tree, path.join(__dirname, 'files', o.kind), o.directory, substitutions);
  // Format before touching tsconfig.base.json: formatFiles formats every changed file, and prettier would
  // rewrite that whole file (its path arrays are kept one entry per line).
  await formatFiles(tree);
  updateJson(tree, TSCONFIG_BASE, (json) => {
    json.compilerOptions ??= {};
    json.compilerOptions.paths ??= {};
    json.compilerOptions.paths[o.importPath] = [`./${joinPathFragments(o.directory, 'src/index.ts')}`];
    return json;
  });
  return () => {
    logger.info(
      `Plugin '${o.name}' (${o.kind}) is in ${o.directory}. Check it with:\n  npx nx run-many -t lint typecheck test -p ${o.name}`,
    );
  };
}

export default pluginGenerator;
