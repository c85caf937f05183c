import type { BrowserContext, Page } from 'playwright-core';
import { retrainFlow } from './flows/retrain';
import * as harness from './harness';

// Retraining in the browser against the real server: `workbench demo --serve` on a fresh embedded home
// (SQLite + in-process queue). The flow is in flows/retrain.ts, so it can run against other deployments too.

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

it('adds a policy with a checked rule, shows the flagged retrain and its drift, and promotes it from the page', async () => {
  await retrainFlow(page, server);
}, 900_000);
