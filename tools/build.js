// Builds one app for production: `node tools/build.js <app>` compiles the app's entry and every file it
// imports (its own, the libs' and the plugins', found by following the imports) to CommonJS in
// dist/apps/<app>/, keeping the repository's layout so relative paths (`__dirname`-based assets) hold,
// with the @workbench/* aliases rewritten to relative paths and decorator metadata emitted (NestJS DI and
// MikroORM need it). The same swc transform `tools/register.js` applies on the fly in development, done
// once: `node dist/apps/<app>/main.js` runs with plain Node, without swc or the register hook.
const { transformFileSync } = require('@swc/core');
const {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} = require('node:fs');
const { dirname, join, relative, resolve } = require('node:path');
const { ROOT, swcOptions } = require('./swc-options');

/** The shipped plugins' READMEs, which GET /plugins/:name/readme serves (BUILTIN_PLUGIN_READMES). */
const PLUGIN_READMES = readdirSync(join(ROOT, 'plugins'))
  .map((folder) => `plugins/${folder}/README.md`)
  .filter((file) => existsSync(join(ROOT, file)));
/** What each app needs besides its code: entry, and files copied as they are (repository-relative). */
const APPS = {
  orchestrator: { entry: 'apps/orchestrator/src/main.ts', assets: PLUGIN_READMES },
  // `workbench demo` reads the shipped sample next to the code (apps/cli/src/commands/demo.ts).
  cli: { entry: 'apps/cli/src/main.ts', assets: ['samples', ...PLUGIN_READMES] },
};
/**
 * Files started as a worker thread or a child process by path, which no require() reaches: the sandbox a
 * run's plugins execute in, the trial load of a plugin being registered, the thread that reads a part of a
 * transactions file and the one that computes the features of a range of customers. Both apps run them.
 */
const PROCESS_ENTRIES = [
  'libs/engine/src/sandbox/sandbox-thread.ts',
  'libs/services/src/plugin-probe.child.ts',
  'libs/data/src/ingest-part.thread.ts',
  'libs/data/src/features.thread.ts',
];

/** The .ts source a relative require of the compiled `from` file points at, or undefined (a package). */
function sourceOf(fromSource, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(fromSource), specifier.replace(/\.js$/, ''));
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) if (existsSync(candidate)) return candidate;
  if (existsSync(base) && statSync(base).isFile()) return base;
  throw new Error(`${relative(ROOT, fromSource)}: cannot find the source of '${specifier}'`);
}

function build(app) {
  const spec = APPS[app];
  if (!spec) throw new Error(`unknown app '${app}' (known: ${Object.keys(APPS).join(', ')})`);
  const out = join(ROOT, 'dist/apps', app);
  rmSync(out, { recursive: true, force: true });
  const queue = [spec.entry, ...PROCESS_ENTRIES].map((file) => join(ROOT, file));
  const seen = new Set(queue);
  while (queue.length > 0) {
    const source = queue.pop();
    const target = join(out, relative(ROOT, source)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    if (!source.endsWith('.ts')) {
      cpSync(source, target);
      continue;
    }
    const { code, map } = transformFileSync(source, swcOptions(source));
    writeFileSync(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
    writeFileSync(`${target}.map`, map);
    for (const [, specifier] of code.matchAll(/require\("([^"]+)"\)/g)) {
      const next = sourceOf(source, specifier);
      if (next && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  for (const asset of spec.assets) {
    mkdirSync(dirname(join(out, asset)), { recursive: true });
    cpSync(join(ROOT, asset), join(out, asset), { recursive: true });
  }
  // The entry at the top of the folder; stack traces point into the TypeScript sources.
  const entry = `./${spec.entry.replace(/\.ts$/, '.js')}`;
  writeFileSync(
    join(out, 'main.js'),
    `'use strict';\nprocess.setSourceMapsEnabled(true);\nrequire(${JSON.stringify(entry)});\n`,
  );
  process.stdout.write(
    `built ${app}: ${seen.size} files into ${relative(ROOT, out)}/ (run: node ${relative(ROOT, out)}/main.js)\n`,
  );
}

const apps = process.argv.slice(2);
if (apps.length === 0) {
  process.stderr.write(`usage: node tools/build.js <${Object.keys(APPS).join('|')}>...\n`);
  process.exit(2);
}
apps.forEach(build);
