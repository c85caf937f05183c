import type { BrowserContext, Page } from 'playwright-core';
import * as harness from './harness';
import { RUNFORM_PLUGIN_DIRS, runformFlow } from './flows/runform';

// New runs from the plugin's generated form and the plugins page, on the embedded demo (SQLite + in-process queue).
let server: harness.Server;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  server = await harness.startDemoServer(undefined, { WORKBENCH_PLUGIN_DIRS: RUNFORM_PLUGIN_DIRS });
  ({ context, page } = await harness.launchBrowser());
});
afterAll(async () => {
  await context?.close();
  await server?.stop();
});

it('starts runs from the generated form (field errors before submit, the server’s on its field), lists and registers plugins', async () => {
  await runformFlow(page, server);
});
