// Runs the TypeScript sources directly (apps, tools, Bull child processes, worker threads): each .ts file is
// compiled by swc as it is loaded, with the options tools/build.js builds with (tools/swc-options.js), so there is
// no separate build step to forget. A hook of its own, not @swc-node/register: that one loads the TypeScript
// compiler to read tsconfig (~0.35 s), in every process and in every worker thread a job starts. (@swc-node/register
// stays a dev dependency: Nx loads the workspace plugin's TypeScript generators through it.)
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const { transformSync } = require('@swc/core');
const { swcOptions } = require('./swc-options');

require('reflect-metadata');
// Stack traces name the .ts lines (the maps are inline in the compiled code).
process.setSourceMapsEnabled(true);

Module._extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...swcOptions(filename), sourceMaps: 'inline' });
  module._compile(code, filename);
};
