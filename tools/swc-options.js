// The swc options a workspace .ts file is compiled with, to CommonJS with decorator metadata (NestJS DI and MikroORM
// need it) and the @workbench/* aliases of tsconfig.base.json resolved: one place for tools/register.js, which
// compiles on load, and tools/build.js, which compiles an app once.
const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
/** tsconfig.base.json's target and its aliases as absolute paths: read once, on the first file compiled. */
let tsconfig;

function swcOptions(filename) {
  if (!tsconfig) {
    const { compilerOptions } = JSON.parse(readFileSync(join(ROOT, 'tsconfig.base.json'), 'utf8'));
    const paths = Object.fromEntries(
      Object.entries(compilerOptions.paths).map(([alias, targets]) => [alias, targets.map((t) => join(ROOT, t))]),
    );
    tsconfig = { target: compilerOptions.target, paths };
  }
  const { target, paths } = tsconfig;
  return {
    filename,
    swcrc: false,
    configFile: false,
    sourceMaps: true,
    module: { type: 'commonjs' },
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      target,
      keepClassNames: true,
      baseUrl: ROOT,
      paths,
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    },
  };
}

module.exports = { ROOT, swcOptions };
