import nx from '@nx/eslint-plugin';

// The dependency rule of DESIGN.md, enforced by the build: apps → services → domain/infra → sdk;
// plugins see only the SDK. Domain code and plugins never reach for the framework, the ORM or the queue.
const frameworks = ['@nestjs/*', '@mikro-orm/*', 'bull', 'ioredis'];

const depConstraints = (pluginBans, pluginLibs = ['type:sdk']) => [
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:service', 'type:domain', 'type:infra', 'type:sdk', 'type:composition'],
  },
  { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:sdk'] },
  { sourceTag: 'type:composition', onlyDependOnLibsWithTags: ['type:plugin', 'type:sdk'] },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:domain', 'type:sdk'] },
  {
    sourceTag: 'type:domain',
    onlyDependOnLibsWithTags: ['type:domain', 'type:sdk'],
    bannedExternalImports: frameworks,
  },
  { sourceTag: 'type:plugin', onlyDependOnLibsWithTags: pluginLibs, bannedExternalImports: pluginBans },
  { sourceTag: 'type:sdk', onlyDependOnLibsWithTags: [], bannedExternalImports: frameworks },
  {
    sourceTag: 'type:tool',
    onlyDependOnLibsWithTags: [
      'type:app',
      'type:service',
      'type:domain',
      'type:infra',
      'type:sdk',
      'type:composition',
      'type:plugin',
    ],
  },
];
const fsModules = ['fs', 'node:fs', 'fs/promises', 'node:fs/promises'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  // jest.config.js files load the root preset, which the boundary rule would call an external resource.
  { ignores: ['**/dist', '**/node_modules', '**/.nx', '**/.workbench', 'tmp', '**/jest.config.js'] },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs', '**/*.mts', '**/*.cjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: depConstraints([...frameworks, ...fsModules]),
        },
      ],
      // The module-boundary rule does not see deep imports into another project's files.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@workbench/*/src/*', '@workbench/*/src'],
              message: "Import another project only through its index ('@workbench/<name>').",
            },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // A queue-heavy codebase: a promise nobody awaits loses its error, and an async callback where a plain
    // one is expected (an event handler, a setInterval) swallows its rejection. These rules need types.
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // Node built-ins are not in the Nx project graph, so the boundary rule cannot ban them: say it here.
    files: ['plugins/**/*.ts'],
    ignores: ['plugins/**/*.spec.ts', 'plugins/**/test/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: fsModules.map((name) => ({
            name,
            message:
              'A plugin never touches files: return bytes from train() and use ctx.artifacts; the host stores them.',
          })),
          patterns: [
            {
              group: ['@workbench/*/src/*', '@workbench/*/src'],
              message: "Import another project only through its index ('@workbench/<name>').",
            },
          ],
        },
      ],
    },
  },
  {
    // A plugin's own tests may read their fixture files and build them with the data lib (as the host
    // would); the plugin code itself may not touch the file system or anything but the SDK.
    files: ['plugins/**/*.spec.ts', 'plugins/**/test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          depConstraints: depConstraints(frameworks, ['type:sdk', 'type:domain']),
        },
      ],
    },
  },
];
