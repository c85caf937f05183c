import { mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStatus } from '@workbench/persistence';
import { loadConfig } from './config';
import { ConflictError, InvalidRequestError, NotFoundError } from './errors';
import { splitAtMedian } from './testing';
import { createWorkbench, type Workbench } from './workbench';

const fixtures = realpathSync(join(__dirname, '../test/fixtures/plugins'));
const sample = readFileSync(join(__dirname, '../../../samples/online-retail-customers.csv'), 'utf8');
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('plugins registered at run time', () => {
  const config = loadConfig(
    { WORKBENCH_PLUGIN_DIRS: fixtures },
    { home: mkdtempSync(join(tmpdir(), 'wb-plugins-')), jobBackoffMs: 5 },
  );
  let wb: Workbench;
  beforeAll(async () => {
    wb = await createWorkbench(config, { plugins: [splitAtMedian], logger: quiet });
    await wb.startWorker();
    await wb.datasets.ingestCustomers({ dataset: 'retail', text: sample });
  });
  afterAll(async () => {
    await wb.close();
  });

  it('registers an external plugin folder, lists it with its param schema, and runs it through the queue', async () => {
    const added = await wb.plugins.add(join(fixtures, 'external-bands'), 'alice');
    expect(added).toMatchObject({ name: 'external-bands', version: '0.2.0', kind: 'segmenter', registeredBy: 'alice' });
    expect(added.paramsSchema).toMatchObject({
      properties: { feature: { type: 'string', default: 'monetary' }, threshold: { type: 'number', default: 1000 } },
    });
    expect((await wb.plugins.list()).map((p) => p.name)).toEqual(['external-bands', 'test-split-median']);
    await wb.segmentations.create({
      name: 'bands',
      plugin: 'external-bands',
      params: { threshold: 5000 },
      dataset: 'retail',
    });
    const run = await wb.runs.waitFor((await wb.runs.submit('bands')).id);
    expect([run.status, run.pluginName, run.pluginVersion]).toEqual([RunStatus.Succeeded, 'external-bands', '0.2.0']);
    expect((await wb.runs.segments(run.id)).map((s) => s.label)).toEqual(['below 5000', '5000 or more']);
  });

  it('refuses the same name twice with a conflict', async () => {
    await expect(wb.plugins.add(join(fixtures, 'external-bands'), 'bob')).rejects.toThrow(
      new ConflictError(
        `a plugin named 'external-bands' is already registered (version 0.2.0 from ${join(fixtures, 'external-bands')}); give yours another name`,
      ),
    );
  });

  it.each([
    [
      'bad-manifest',
      `plugin 'bad-manifest' is invalid: manifest.version "1.0" must be an exact semver version such as '1.0.0'; manifest.description must be a non-empty sentence`,
    ],
    [
      'incompatible-sdk',
      "plugin 'from-the-future' is invalid: it needs plugin SDK ^2.0.0 but this workbench has SDK 1.0.0",
    ],
    ['throws-on-load', "cannot load a plugin from '__SOURCE__': native library libfoo.so not found"],
    [
      'no-such-folder-or-package',
      "source 'no-such-folder-or-package': no installed npm package of that name (and it is not a folder path)",
    ],
    [
      '/dev/zero',
      `source '/dev/zero' is outside the folders plugins may come from (${fixtures}; WORKBENCH_PLUGIN_DIRS)`,
    ],
  ])('refuses %s with a clear message and keeps working', async (folder, message) => {
    const source = folder.startsWith('no-such') || folder.startsWith('/') ? folder : join(fixtures, folder);
    await expect(wb.plugins.add(source, 'eve')).rejects.toThrow(message.replace('__SOURCE__', source));
    expect((await wb.plugins.list()).map((p) => p.name)).toEqual(['external-bands', 'test-split-median']);
  });

  it('loads the recorded external plugin in a new process (as a worker would)', async () => {
    const other = await createWorkbench(config, { plugins: [splitAtMedian], logger: quiet, migrate: false });
    try {
      expect(other.registry.has('external-bands')).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('disables one version: no new runs, not loaded by a new process, listed with who did it; shipped ones stay', async () => {
    await expect(wb.plugins.disable('external-bands@9.9.9', 'root')).rejects.toThrow(
      new NotFoundError('no plugin external-bands@9.9.9 is registered'),
    );
    await expect(wb.plugins.disable('external-bands', 'root')).rejects.toThrow(InvalidRequestError);
    await expect(wb.plugins.disable('test-split-median@1.0.0', 'root')).rejects.toThrow(
      new InvalidRequestError('test-split-median@1.0.0 is shipped with the workbench and cannot be disabled'),
    );
    // A second process that loaded it before it was disabled refuses new runs too: the check is in the database.
    const other = await createWorkbench(config, { plugins: [splitAtMedian], logger: quiet, migrate: false });
    try {
      const disabled = await wb.plugins.disable('external-bands@0.2.0', 'root');
      expect(disabled).toMatchObject({
        name: 'external-bands',
        version: '0.2.0',
        enabled: false,
        disabledBy: 'root',
        registeredBy: 'alice',
      });
      expect(other.registry.has('external-bands')).toBe(true);
      await expect(other.runs.submit('bands')).rejects.toThrow(
        /^plugin external-bands@0\.2\.0 was disabled by root on .*; it takes no new runs$/,
      );
      await expect(wb.runs.submit('bands')).rejects.toThrow(InvalidRequestError);
    } finally {
      await other.close();
    }
    const fresh = await createWorkbench(config, { plugins: [splitAtMedian], logger: quiet, migrate: false });
    try {
      expect(fresh.registry.has('external-bands')).toBe(false);
      expect((await fresh.plugins.list()).map((p) => [p.name, p.enabled])).toEqual([
        ['external-bands', false],
        ['test-split-median', true],
      ]);
    } finally {
      await fresh.close();
    }
  });
});
