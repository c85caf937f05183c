import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PluginDefinitionError } from '@workbench/plugin-sdk';
import { InvalidRequestError } from './errors';
import { checkPluginSource, DEFAULT_PLUGIN_POLICY, probePlugin, type PluginSourcePolicy } from './plugin-sources';

const fixtures = realpathSync(join(__dirname, '../test/fixtures/plugins'));

describe('plugin sources are checked before any of their code runs', () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'wb-plugin-root-')));
  const policy: PluginSourcePolicy = {
    ...DEFAULT_PLUGIN_POLICY,
    allowedDirs: [root, fixtures],
    maxBytes: 10 * 2 ** 20,
  };
  const folder = (name: string, files: Record<string, string> = {}) => {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    return dir;
  };
  const refused = (source: string, message: string) =>
    expect(() => checkPluginSource(source, policy)).toThrow(new InvalidRequestError(message));

  it('accepts a plugin folder inside an allowed folder and finds its entry', () => {
    expect(checkPluginSource(join(fixtures, 'external-bands'), policy)).toEqual({
      dir: join(fixtures, 'external-bands'),
      entry: join(fixtures, 'external-bands/src/index.ts'),
    });
  });

  it('refuses /dev/zero, a 2 GB sparse file and a folder outside the allowed folders', () => {
    refused(
      '/dev/zero',
      `source '/dev/zero' is outside the folders plugins may come from (${root}, ${fixtures}; WORKBENCH_PLUGIN_DIRS)`,
    );
    const big = join(folder('sparse'), 'two-gigabytes.bin');
    writeFileSync(big, '');
    truncateSync(big, 2 * 2 ** 30);
    refused(
      big,
      `source '${big}' is not a folder: a plugin is a folder (or an npm package) with its package.json or index file`,
    );
    refused(join(root, 'sparse'), `source '${join(root, 'sparse')}' holds more than 10 MiB (WORKBENCH_PLUGIN_MAX_MB)`);
    const outside = mkdtempSync(join(tmpdir(), 'wb-not-allowed-'));
    writeFileSync(join(outside, 'index.js'), 'module.exports = {}');
    refused(
      outside,
      `source '${outside}' is outside the folders plugins may come from (${root}, ${fixtures}; WORKBENCH_PLUGIN_DIRS)`,
    );
    refused(
      `${root}/../${outside.split('/').pop()}`,
      `source '${root}/../${outside.split('/').pop()}' is outside the folders plugins may come from (${root}, ${fixtures}; WORKBENCH_PLUGIN_DIRS)`,
    );
  });

  it('refuses an allowed folder itself, links out of the plugin, devices and pipes inside it', () => {
    refused(
      root,
      `source '${root}' is outside the folders plugins may come from (${root}, ${fixtures}; WORKBENCH_PLUGIN_DIRS)`,
    );
    const linked = folder('linked', { 'index.js': 'module.exports = {}' });
    symlinkSync('/dev/zero', join(linked, 'zero'));
    refused(linked, `source '${linked}': zero links outside the plugin folder`);
    const piped = folder('piped', { 'index.js': 'module.exports = {}' });
    execFileSync('mkfifo', [join(piped, 'fifo')]);
    refused(piped, `source '${piped}': fifo is not a regular file (device, pipe or socket)`);
    const escaped = folder('escaped', { 'package.json': JSON.stringify({ main: '../../etc/passwd' }) });
    refused(escaped, `source '${escaped}': package.json main points outside the plugin folder`);
  });

  it('refuses folders when none is allowed, relative names that are not packages, missing packages and NULs', () => {
    expect(() => checkPluginSource(join(fixtures, 'external-bands'), DEFAULT_PLUGIN_POLICY)).toThrow(
      /plugin folders are not allowed on this server .*WORKBENCH_PLUGIN_DIRS/,
    );
    refused(
      'some/where',
      "source 'some/where' is neither an npm package name nor a folder path (write a folder as ./some/where or an absolute path)",
    );
    refused(
      'no-such-package-here',
      "source 'no-such-package-here': no installed npm package of that name (and it is not a folder path)",
    );
    refused('/tmp/a\0b', 'source: must not contain a NUL character');
  });

  it('accepts an installed npm package by name', () => {
    const checked = checkPluginSource('semver', { ...policy, maxBytes: 50 * 2 ** 20 });
    expect(checked.entry).toMatch(/node_modules\/semver\/index\.js$/);
  });
});

describe('a trial load in a child process', () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'wb-plugin-probe-')));
  const plugin = (name: string, code: string) => {
    const dir = join(root, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'index.js'), code);
    return { dir, entry: join(dir, 'index.js') };
  };

  jest.setTimeout(30_000);

  it("returns a good plugin's name and version", async () => {
    await expect(
      probePlugin(
        { dir: join(fixtures, 'external-bands'), entry: join(fixtures, 'external-bands/src/index.ts') },
        'bands',
        30_000,
      ),
    ).resolves.toEqual({
      name: 'external-bands',
      version: '0.2.0',
    });
  });

  it('reports a bad manifest as the registry does', async () => {
    const probe = probePlugin(
      { dir: join(fixtures, 'incompatible-sdk'), entry: join(fixtures, 'incompatible-sdk/index.ts') },
      'future',
      30_000,
    );
    await expect(probe).rejects.toThrow(
      new PluginDefinitionError('from-the-future', [
        'it needs plugin SDK ^2.0.0 but this workbench has SDK 1.0.0; rebuild it against ^1.0.0',
      ]),
    );
  });

  it.each([
    ['throws', "throw new Error('boom')", "cannot load a plugin from 'throws': boom"],
    ['exits', 'process.exit(3)', "cannot load a plugin from 'exits': loading it ended the process (exit code 3)"],
    ['loops', 'for (;;) {}', "cannot load a plugin from 'loops': it did not finish loading within 8 s"],
    [
      'eats-memory',
      'const a = []; for (;;) a.push(new Array(1e6).fill(1));',
      "cannot load a plugin from 'eats-memory': loading it used more than 512 MiB",
    ],
  ])(
    'fails a module that %s while loading, and this process carries on',
    async (name, code, message) => {
      // The child needs a second or two to start on a busy machine; the limit leaves room for that.
      await expect(probePlugin(plugin(name, code), name, name === 'eats-memory' ? 60_000 : 8_000)).rejects.toThrow(
        new InvalidRequestError(message),
      );
    },
    90_000,
  );
});
