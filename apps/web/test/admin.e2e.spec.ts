import type { BrowserContext, Page } from 'playwright-core';
import { adminFlow } from './flows/admin';
import * as harness from './harness';

// The admin page against the embedded demo server (SQLite + in-process queue); the lead replays adminFlow on Bull.
let server: harness.Server;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  server = await harness.startDemoServer();
  ({ context, page } = await harness.launchBrowser());
});

afterAll(async () => {
  await context?.close();
  await server?.stop();
});

it('creates a key whose secret is shown once, revokes it (401 at once), lists the in-process jobs, and hides the page from non-admins', async () => {
  await adminFlow(page, server);
});
