import { readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { pluginGenerator } from './generator';
import type { PluginKind } from './plugin-options';

// formatFiles loads prettier with import(), which Jest's CommonJS runtime cannot do; the formatting is
// checked where the generator really runs, by tools/check-generator.sh (`prettier --check` on its output).
process.env.NX_SKIP_FORMAT = 'true';

function workspace(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  // Like this workspace: prettier with its settings (the empty workspace of Nx 23 comes with oxfmt).
  tree.delete('.oxfmtrc.json');
  tree.write('.prettierrc', '{ "singleQuote": true, "printWidth": 120 }');
  tree.write(
    'tsconfig.base.json',
    JSON.stringify(
      { compilerOptions: { paths: { '@workbench/plugin-sdk': ['./libs/plugin-sdk/src/index.ts'] } } },
      null,
      2,
    ),
  );
  tree.write('libs/plugin-sdk/src/version.ts', "export const SDK_VERSION = '1.4.2';\n");
  return tree;
}

const read = (tree: Tree, file: string): string => tree.read(file, 'utf-8') ?? '';

describe('plugin generator', () => {
  it('writes the project files under plugins/<name>', async () => {
    const tree = workspace();

    await pluginGenerator(tree, { name: 'my-model', kind: 'segmenter' });

    for (const file of [
      'project.json',
      'tsconfig.json',
      'jest.config.js',
      'README.md',
      'src/index.ts',
      'src/index.spec.ts',
    ]) {
      expect(tree.exists(`plugins/my-model/${file}`)).toBe(true);
    }
    expect(tree.children('plugins/my-model/src').sort()).toEqual(['index.spec.ts', 'index.ts']);
  });

  it('leaves tsconfig.base.json in its one-entry-per-line form (prettier would rewrite the whole file)', async () => {
    const tree = workspace();

    await pluginGenerator(tree, { name: 'my-model', kind: 'segmenter' });

    expect(read(tree, 'tsconfig.base.json')).toContain(
      '"@workbench/my-model": [\n        "./plugins/my-model/src/index.ts"\n      ]',
    );
  });

  it('makes a type:plugin project with the lint, cycles, typecheck and test targets', async () => {
    const tree = workspace();

    await pluginGenerator(tree, { name: 'my-model', kind: 'segmenter' });

    expect(readJson(tree, 'plugins/my-model/project.json')).toEqual({
      name: 'my-model',
      $schema: '../../node_modules/nx/schemas/project-schema.json',
      sourceRoot: 'plugins/my-model/src',
      projectType: 'library',
      tags: ['type:plugin'],
      targets: { lint: {}, cycles: {}, typecheck: {}, test: {} },
    });
    expect(readJson(tree, 'plugins/my-model/tsconfig.json').extends).toBe('../../tsconfig.base.json');
    expect(read(tree, 'plugins/my-model/jest.config.js')).toContain(
      "require('../../jest.preset.js'), displayName: 'my-model'",
    );
  });

  it('adds the @workbench/<name> path alias and keeps the others', async () => {
    const tree = workspace();

    await pluginGenerator(tree, { name: 'my-model', kind: 'segmenter' });

    expect(readJson(tree, 'tsconfig.base.json').compilerOptions.paths).toEqual({
      '@workbench/plugin-sdk': ['./libs/plugin-sdk/src/index.ts'],
      '@workbench/my-model': ['./plugins/my-model/src/index.ts'],
    });
  });

  it('honours --directory, with paths relative to its depth', async () => {
    const tree = workspace();

    await pluginGenerator(tree, { name: 'my-model', kind: 'kpi', directory: 'plugins/experimental/my-model/' });

    expect(readJson(tree, 'plugins/experimental/my-model/tsconfig.json').extends).toBe('../../../tsconfig.base.json');
    expect(readJson(tree, 'tsconfig.base.json').compilerOptions.paths['@workbench/my-model']).toEqual([
      './plugins/experimental/my-model/src/index.ts',
    ]);
  });

  it.each<[PluginKind, string, string]>([
    ['segmenter', 'defineSegmentationModel<MyModelParams>', "kind: 'segmenter'"],
    ['predictor', 'defineSegmentationModel<MyModelParams>', 'producesScores: true'],
    ['kpi', 'defineKpiEvaluator<MyModelParams>', "kind: 'kpi'"],
  ])('writes a %s whose manifest is named after the plugin', async (kind, helper, marker) => {
    const tree = workspace();

    await pluginGenerator(tree, { name: 'my-model', kind });

    const index = read(tree, 'plugins/my-model/src/index.ts');
    expect(index).toContain(helper);
    expect(index).toContain(marker);
    expect(index).toContain("export const PLUGIN_NAME = 'my-model';");
    expect(index).toContain("sdk: '^1.0.0'");
    expect(index).not.toMatch(/<%|%>/);
    expect(read(tree, 'plugins/my-model/README.md')).toContain(`--kind ${kind}`);
  });

  it('uses the conformance kit in the spec of a segmentation model and of a KPI evaluator', async () => {
    const tree = workspace();

    await pluginGenerator(tree, { name: 'seg-model', kind: 'segmenter' });
    await pluginGenerator(tree, { name: 'kpi-model', kind: 'kpi' });

    expect(read(tree, 'plugins/seg-model/src/index.spec.ts')).toContain('describeSegmentationModelConformance(plugin,');
    expect(read(tree, 'plugins/kpi-model/src/index.spec.ts')).toContain('describeKpiEvaluatorConformance(plugin,');
  });

  it('imports only the SDK and class-validator from the plugin code', async () => {
    const tree = workspace();

    for (const kind of ['segmenter', 'predictor', 'kpi'] as const) {
      await pluginGenerator(tree, { name: `m-${kind}`, kind });
      const imports = [...read(tree, `plugins/m-${kind}/src/index.ts`).matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      expect(new Set(imports)).toEqual(new Set(['@workbench/plugin-sdk', 'class-validator']));
    }
  });

  it.each([
    ['MyModel', 'uppercase'],
    ['my_model', 'underscore'],
    ['my--model', 'double dash'],
    ['my-model-', 'trailing dash'],
    ['1model', 'leading digit'],
    ['ab', 'too short'],
    ['', 'empty'],
  ])('refuses the name %j (%s) with a message saying what a name must be', async (name) => {
    const tree = workspace();

    await expect(pluginGenerator(tree, { name, kind: 'segmenter' })).rejects.toThrow(
      `Invalid plugin name ${JSON.stringify(name)}: use kebab-case, 3-64 lowercase letters, digits and single dashes, starting with a letter`,
    );
    expect(tree.exists('plugins')).toBe(false);
  });

  it('refuses an unknown kind, listing the kinds', async () => {
    await expect(pluginGenerator(workspace(), { name: 'my-model', kind: 'clusterer' as PluginKind })).rejects.toThrow(
      'Invalid --kind "clusterer": use one of segmenter, predictor, kpi.',
    );
  });

  it('refuses a directory outside the workspace', async () => {
    await expect(
      pluginGenerator(workspace(), { name: 'my-model', kind: 'kpi', directory: '../elsewhere' }),
    ).rejects.toThrow(/Invalid --directory/);
  });

  it('refuses a name that is already a project or an alias, and leaves the workspace unchanged', async () => {
    const tree = workspace();
    await pluginGenerator(tree, { name: 'my-model', kind: 'segmenter' });
    const before = read(tree, 'tsconfig.base.json');

    await expect(pluginGenerator(tree, { name: 'my-model', kind: 'kpi' })).rejects.toThrow(
      "A project named 'my-model' already exists (plugins/my-model)",
    );
    await expect(pluginGenerator(tree, { name: 'plugin-sdk', kind: 'kpi' })).rejects.toThrow(
      "The path alias '@workbench/plugin-sdk' already exists",
    );
    expect(read(tree, 'tsconfig.base.json')).toBe(before);
    expect(read(tree, 'plugins/my-model/src/index.ts')).toContain("kind: 'segmenter'");
  });
});
