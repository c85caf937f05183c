import type { BrowserContext, Page } from 'playwright-core';
import { datasetsFlow } from './flows/datasets';
import * as harness from './harness';

// The datasets flow (flows/datasets.ts) on the embedded demo server: SQLite and the in-process queue.

let server: harness.Server;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  server = await harness.startDemoServer();
  ({ context, page } = await harness.launchBrowser());
}, 600_000);

afterAll(async () => {
  await context?.close();
  await server?.stop();
});

it('uploads a CSV with one bad row: refused under reject (nothing stored), a version with 1 rejected row under skip', async () => {
  await datasetsFlow(page, server);
});
