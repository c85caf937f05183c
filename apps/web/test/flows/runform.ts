import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { api, expectAccessible, logIn, ROOT, shot, waitFor, type Server } from '../harness';

// New runs from the plugin's own form, and the plugins page, driven in the browser on a server whose demo
// made `demo-kmeans-k3` on dataset `online-retail`. Registering a plugin needs the server started with
// WORKBENCH_PLUGIN_DIRS containing RUNFORM_PLUGIN_DIRS (the test fixtures' plugin folder).

/** The folder to allow with WORKBENCH_PLUGIN_DIRS, and the plugin in it the flow registers. */
export const RUNFORM_PLUGIN_DIRS = join(ROOT, 'libs/services/test/fixtures/plugins');
const EXTERNAL = join(RUNFORM_PLUGIN_DIRS, 'external-bands');

interface Run {
  id: string;
  status: string;
  seed: number;
  params: Record<string, unknown>;
  error: string | null;
  segmentation: { name: string };
}
interface Plugin {
  name: string;
  version: string;
  kind: string;
  enabled: boolean;
}

/** The message rjsf shows under a generated field (its id is `root_<param>`). */
const paramError = (page: Page, param: string) => page.locator(`#root_${param}__error`);

async function waitForRun(server: Server, id: string): Promise<Run> {
  const run = await waitFor(
    `run ${id} to finish`,
    async () => {
      const r = await api<Run>(server, `/runs/${id}`);
      return r.status === 'succeeded' || r.status === 'failed' ? r : undefined;
    },
    240_000,
    () => server.log(),
  );
  expect([run.status, run.error]).toEqual(['succeeded', null]);
  return run;
}

/** The run page the form landed on: its id from the URL, once the page shows the run. */
async function landedRun(page: Page, server: Server): Promise<string> {
  await page.waitForURL(/\/ui\/runs\/[^/]+$/, { timeout: 60_000 });
  const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() as string);
  await api<Run>(server, `/runs/${id}`);
  return id;
}

export async function runformFlow(page: Page, server: Server): Promise<void> {
  await logIn(page, server, server.key);

  // The plugins page lists every plugin with the API's versions.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Plugins' }).click();
  await page.waitForURL(/\/ui\/plugins$/);
  const plugins = await api<Plugin[]>(server, '/plugins');
  for (const name of ['segmenter-kmeans', 'segmenter-rules', 'predictor-churn', 'kpi-standard', 'kpi-clv'])
    expect(plugins.map((p) => p.name)).toContain(name);
  for (const p of plugins.filter((x) => x.enabled)) {
    const card = page.getByTestId(`plugin-${p.name}`);
    await expect(card.getByTestId('version').textContent()).resolves.toBe(p.version);
    await expect(card.getByRole('heading', { level: 2 }).textContent()).resolves.toContain(p.kind);
  }
  // The params table says what the schema says: k of k-means is 2 … 50.
  const kRow = page.getByTestId('plugin-segmenter-kmeans').getByRole('row', { name: /^k integer/ });
  await expect(kRow.textContent()).resolves.toContain('2 … 50');
  // Its README, opened on the page, is the one the API serves.
  const readme = await api<{ readme: string | null }>(server, '/plugins/segmenter-kmeans/readme');
  expect(readme.readme).toContain('## Params (`KMeansParams`)');
  await page.getByTestId('plugin-segmenter-kmeans').getByTestId('readme').locator('summary').click();
  await page
    .getByTestId('plugin-segmenter-kmeans')
    .getByTestId('readme')
    .getByRole('heading', { name: 'Params (KMeansParams)' })
    .waitFor();
  await expectAccessible(page, 'plugins');
  await shot(page, 'runform-plugins');

  // A scientist or admin registers an external plugin (from a folder the server's operator allows).
  const registered = plugins.some((p) => p.name === 'external-bands');
  await page.getByLabel('Plugin folder on the server or installed npm package').fill(EXTERNAL);
  await page.getByRole('button', { name: 'Register' }).click();
  if (registered) {
    // A replay on a server that has it already: the 409 is shown by the field.
    await page.getByText("a plugin named 'external-bands' is already registered").waitFor();
  } else {
    await page.getByRole('status').getByText('Registered external-bands 0.2.0.').waitFor();
    await page.getByTestId('plugin-external-bands').getByTestId('version').waitFor();
  }
  expect((await api<Plugin[]>(server, '/plugins')).map((p) => p.name)).toContain('external-bands');

  // From the versions page's button to the form of demo-kmeans-k3, starting from its params (k = 3).
  await page.goto(`${server.base}/ui/segmentations/demo-kmeans-k3`);
  await page.getByRole('button', { name: 'Run a new version' }).click();
  await page.waitForURL(/\/ui\/new-run\?segmentation=demo-kmeans-k3$/);
  const k = page.locator('#root_k');
  await expect(k.inputValue()).resolves.toBe('3');
  await expect(page.locator('#root_kMax').inputValue()).resolves.toBe('8'); // the schema's default
  const runsBefore = (await api<Run[]>(server, '/segmentations/demo-kmeans-k3/runs')).length;

  // A value the schema refuses shows its message at the field as it is typed, before any submit.
  await k.fill('1');
  await paramError(page, 'k').getByText('must be >= 2').waitFor();
  await expectAccessible(page, 'new-run with a field error');
  await shot(page, 'runform-field-error');
  await k.fill('4');
  await paramError(page, 'k').waitFor({ state: 'detached' });

  // A rule only the server checks (kMax ≥ kMin): its 400 is shown on kMax, and nothing is queued.
  await page.locator('#root_kMin').fill('6');
  await page.locator('#root_kMax').fill('4');
  await page.getByRole('button', { name: 'Start the run' }).click();
  await paramError(page, 'kMax').getByText('kMax (4) must be at least kMin (6)').waitFor();
  expect(await paramError(page, 'kMin').count()).toBe(0);
  expect((await api<Run[]>(server, '/segmentations/demo-kmeans-k3/runs')).length).toBe(runsBefore);
  await shot(page, 'runform-server-error');

  // A valid k-means run with a seed lands on its run page and succeeds.
  await page.locator('#root_kMax').fill('8');
  await page.locator('#root_kMin').fill('2');
  await page.getByLabel('Seed').fill('5');
  await page.getByRole('button', { name: 'Start the run' }).click();
  const runId = await landedRun(page, server);
  const run = await waitForRun(server, runId);
  expect([run.segmentation.name, run.seed, run.params.k, run.params.kMax]).toEqual(['demo-kmeans-k3', 5, 4, 8]);
  await page.getByText('succeeded').first().waitFor();

  // A new segmentation from the segmentations page: a bad name is refused at the name field, then it runs.
  await page.goto(`${server.base}/ui/segmentations`);
  await page.getByRole('link', { name: 'New run' }).click();
  await page.locator('select#segmentation').selectOption({ label: 'Create a new segmentation…' });
  await page.getByLabel('Name').fill('has space');
  await page.locator('select#plugin').selectOption('segmenter-kmeans');
  await page.locator('select#dataset').selectOption('online-retail');
  await page.getByRole('checkbox', { name: /^kpi-standard/ }).waitFor();
  await expect(page.getByRole('checkbox', { name: /^kpi-standard/ }).isChecked()).resolves.toBe(true);
  await page.getByRole('checkbox', { name: /^kpi-clv/ }).uncheck();
  await page.locator('#root_k').fill('3');
  await page.locator('#root_impute').selectOption('median');
  await expectAccessible(page, 'new-run, new segmentation');
  await page.getByRole('button', { name: 'Create the segmentation and start the run' }).click();
  await page.locator('#name-error').getByText("name must be 1-100 letters, digits, '.', '_' or '-'").waitFor();
  await shot(page, 'runform-new-segmentation-error');
  await page.getByLabel('Name').fill('runform-km3');
  await page.getByRole('button', { name: 'Create the segmentation and start the run' }).click();
  const created = await waitForRun(server, await landedRun(page, server));
  expect(created.segmentation.name).toBe('runform-km3');
  const segmentation = await api<{ plugin: string; params: Record<string, unknown>; kpis: { plugin: string }[] }>(
    server,
    '/segmentations/runform-km3',
  );
  expect([segmentation.plugin, segmentation.params.k, segmentation.params.impute]).toEqual([
    'segmenter-kmeans',
    3,
    'median',
  ]);
  expect(segmentation.kpis.map((e) => e.plugin)).toEqual(['kpi-standard']);
  await shot(page, 'runform-run');

  // An analyst sees the plugins but not the register form.
  const analyst = await api<{ key: string }>(server, '/api-keys', {
    method: 'POST',
    body: { name: `runform analyst ${Date.now()}`, role: 'analyst' },
  });
  await logIn(page, server, analyst.key);
  await page.goto(`${server.base}/ui/plugins`);
  await page.getByTestId('plugin-segmenter-kmeans').waitFor();
  expect(await page.getByRole('heading', { name: 'Register a plugin' }).count()).toBe(0);
}
