import { fork } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { PluginDefinitionError } from '@workbench/plugin-sdk';
import { InvalidRequestError } from './errors';

/** Where plugin code may come from and how much of it there may be (from the config). */
export interface PluginSourcePolicy {
  /** Real paths of the folders plugin folders must lie in. */
  allowedDirs: readonly string[];
  /** Total bytes of a plugin folder (every file, node_modules included). */
  maxBytes: number;
  /** Files in a plugin folder. */
  maxFiles: number;
  /** Longest a trial load may take. */
  loadTimeoutMs: number;
}

export const DEFAULT_PLUGIN_POLICY: PluginSourcePolicy = {
  allowedDirs: [],
  maxBytes: 100 * 2 ** 20,
  maxFiles: 20_000,
  loadTimeoutMs: 30_000,
};

/** A checked plugin source: the folder it lives in and the module file to load. */
export interface CheckedSource {
  dir: string;
  entry: string;
}

const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

const inside = (root: string, path: string) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);

/**
 * Checks where a plugin would be loaded from, before any of its code runs: an installed npm package
 * (found in a node_modules folder above the working directory) or a folder inside one of the allowed
 * folders; in both cases a readable folder of regular files within the size and file-count bounds.
 * Every refusal says why (HTTP 400).
 */
export function checkPluginSource(source: string, policy: PluginSourcePolicy): CheckedSource {
  if (source.includes('\0')) throw new InvalidRequestError('source: must not contain a NUL character');
  if (PACKAGE_NAME.test(source)) return checkFolder(packageFolder(source), source, policy);
  if (!isAbsolute(source) && !source.startsWith('.')) {
    throw new InvalidRequestError(
      `source '${source}' is neither an npm package name nor a folder path (write a folder as ./${source} or an absolute path)`,
    );
  }
  if (policy.allowedDirs.length === 0) {
    throw new InvalidRequestError(
      `plugin folders are not allowed on this server (source '${source}'): install the plugin as an npm package, or list the folders plugins may come from in WORKBENCH_PLUGIN_DIRS`,
    );
  }
  let real: string;
  try {
    real = realpathSync(resolve(source));
  } catch {
    throw new InvalidRequestError(`source '${source}' does not exist`);
  }
  if (!policy.allowedDirs.some((root) => inside(root, real) && real !== root)) {
    throw new InvalidRequestError(
      `source '${source}' is outside the folders plugins may come from (${policy.allowedDirs.join(', ')}; WORKBENCH_PLUGIN_DIRS)`,
    );
  }
  return checkFolder(real, source, policy);
}

/** The folder of an installed npm package, looked up like Node does from the working directory. */
function packageFolder(name: string): string {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir)
      throw new InvalidRequestError(
        `source '${name}': no installed npm package of that name (and it is not a folder path)`,
      );
  }
}

function checkFolder(dir: string, source: string, policy: PluginSourcePolicy): CheckedSource {
  const top = statSync(dir);
  if (!top.isDirectory())
    throw new InvalidRequestError(
      `source '${source}' is not a folder: a plugin is a folder (or an npm package) with its package.json or index file`,
    );
  let bytes = 0;
  let files = 0;
  const visit = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      let stats = lstatSync(path);
      if (stats.isSymbolicLink()) {
        // A link may point elsewhere in the plugin (node_modules/.bin), never out of it.
        const target = realpathSync(path);
        if (!inside(dir, target))
          throw new InvalidRequestError(`source '${source}': ${relative(dir, path)} links outside the plugin folder`);
        stats = statSync(target);
        if (stats.isDirectory()) continue; // its files are counted where they really are
      }
      if (stats.isDirectory()) {
        visit(path);
        continue;
      }
      if (!stats.isFile())
        throw new InvalidRequestError(
          `source '${source}': ${relative(dir, path)} is not a regular file (device, pipe or socket)`,
        );
      bytes += stats.size;
      files += 1;
      if (bytes > policy.maxBytes)
        throw new InvalidRequestError(
          `source '${source}' holds more than ${formatBytes(policy.maxBytes)} (WORKBENCH_PLUGIN_MAX_MB)`,
        );
      if (files > policy.maxFiles)
        throw new InvalidRequestError(`source '${source}' holds more than ${policy.maxFiles} files`);
    }
  };
  try {
    accessSync(dir, constants.R_OK | constants.X_OK);
    visit(dir);
  } catch (e) {
    if (e instanceof InvalidRequestError) throw e;
    throw new InvalidRequestError(`source '${source}' cannot be read: ${(e as Error).message}`);
  }
  return { dir, entry: entryOf(dir, source) };
}

/** The module to load: package.json `main`, else src/index.ts, index.ts or index.js. */
function entryOf(dir: string, source: string): string {
  const pkg = join(dir, 'package.json');
  if (existsSync(pkg)) {
    let main: unknown;
    try {
      main = (JSON.parse(readFileSync(pkg, 'utf8')) as { main?: unknown }).main;
    } catch (e) {
      throw new InvalidRequestError(`source '${source}': package.json is not valid JSON (${(e as Error).message})`);
    }
    if (typeof main === 'string' && main !== '') {
      const entry = resolve(dir, main);
      if (!inside(dir, entry))
        throw new InvalidRequestError(`source '${source}': package.json main points outside the plugin folder`);
      for (const candidate of [entry, `${entry}.js`, `${entry}.ts`, join(entry, 'index.js'), join(entry, 'index.ts')]) {
        if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
      }
      throw new InvalidRequestError(`source '${source}': package.json main '${main}' does not exist`);
    }
  }
  const entry = ['src/index.ts', 'index.ts', 'index.js'].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!entry)
    throw new InvalidRequestError(
      `folder '${source}' has no package.json main, src/index.ts, index.ts or index.js to load`,
    );
  return entry;
}

const formatBytes = (n: number) => (n >= 2 ** 20 ? `${Math.round(n / 2 ** 20)} MiB` : `${n} bytes`);

/** What a trial load reports back. */
interface ProbeReply {
  ok: boolean;
  name?: string;
  version?: string;
  message?: string;
  plugin?: string;
  problems?: string[];
}

/**
 * The trial load's entry: the compiled child beside this file (a production build), or the .ts source run
 * through tools/register.js, the way the apps run in development.
 */
function probeEntry(): { file: string; execArgv: string[] } {
  const js = join(__dirname, 'plugin-probe.child.js');
  if (existsSync(js)) return { file: js, execArgv: [] };
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const register = join(dir, 'tools', 'register.js');
    if (existsSync(register)) return { file: join(__dirname, 'plugin-probe.child.ts'), execArgv: ['-r', register] };
    if (dirname(dir) === dir)
      throw new Error(`no plugin-probe.child.js beside ${__dirname} and no tools/register.js above it`);
  }
}

/** Heap of the trial load's process. */
const PROBE_HEAP_MB = 512;

/**
 * Loads the plugin module in a child process first and checks it there like the registry does, so a
 * module that throws, hangs, exits or eats memory while loading fails that child, not this process.
 * Resolves with the manifest's name and version; rejects with the reason (HTTP 400).
 */
export function probePlugin(
  checked: CheckedSource,
  source: string,
  timeoutMs: number,
): Promise<{ name: string; version: string }> {
  return new Promise((resolvePromise, reject) => {
    const entry = probeEntry();
    const child = fork(entry.file, [checked.entry, source], {
      execArgv: [...entry.execArgv, `--max-old-space-size=${PROBE_HEAP_MB}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    let reply: ProbeReply | undefined;
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + String(d)).slice(-2000)));
    child.on('message', (m: ProbeReply) => (reply ??= m));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new InvalidRequestError(`cannot load a plugin from '${source}': ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (reply?.ok && reply.name && reply.version) return resolvePromise({ name: reply.name, version: reply.version });
      if (reply && !reply.ok) {
        return reject(
          reply.problems && reply.plugin
            ? new PluginDefinitionError(reply.plugin, reply.problems)
            : new InvalidRequestError(reply.message ?? `cannot load a plugin from '${source}'`),
        );
      }
      const why =
        signal === 'SIGKILL'
          ? `it did not finish loading within ${timeoutMs / 1000} s`
          : /heap out of memory/i.test(stderr)
            ? `loading it used more than ${PROBE_HEAP_MB} MiB`
            : `loading it ended the process (${signal ?? `exit code ${code}`})`;
      reject(new InvalidRequestError(`cannot load a plugin from '${source}': ${why}`));
    });
  });
}
