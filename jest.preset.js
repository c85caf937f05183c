// Shared Jest settings. @swc/jest compiles TypeScript (with decorator metadata, which NestJS and
// MikroORM read); type errors are caught by each project's `typecheck` target instead.
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

// ml-kmeans 7 and its dependencies ship only ES modules; Jest runs CommonJS, so they are compiled too. So is
// @rjsf/utils' schema merger, which the web form's validator (@rjsf/validator-ajv8) loads in params-form-schema.spec.
const esmOnly = [
  '@x0k/json-schema-merge',
  'ml-kmeans',
  'ml-distance-euclidean',
  'ml-nearest-vector',
  'ml-spectra-processing',
  'ml-array-[a-z-]+',
  'is-any-array',
];

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace(/[/]/g, '\\/')}$`,
    path.join(__dirname, target),
  ]),
);

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  setupFiles: [require.resolve('reflect-metadata')],
  testMatch: ['**/?(*.)+(spec|test).ts'],
  // `test` runs the fast suites; `e2e` (servers, browsers, child processes) and `test-datasets` (the public
  // datasets, outside the repo) are targets of their own that set their own patterns (nx.json).
  testPathIgnorePatterns: ['/node_modules/', '\\.(e2e|datasets|faults)\\.spec\\.ts$'],
};
