import type { BrowserContext, Page } from 'playwright-core';
import { adminFlow } from './flows/admin';
import { datasetsFlow } from './flows/datasets';
import { demoPages } from './flows/demo';
import { liveFlow } from './flows/live';
import { retrainFlow } from './flows/retrain';
import { RUNFORM_PLUGIN_DIRS, runformFlow } from './flows/runform';
import * as harness from './harness';

// A day's work without a terminal, on both deployments: the embedded demo server (SQLite + in-process queue)
// and the scaled-out one (PostgreSQL + Bull, the api role and a separate worker process, so every live event
// crosses processes through Redis). One server per deployment, the flows one after another on it, as a
// team would use it; each flow logs in with its own key and reads the state it finds rather than assuming a
// fresh server, and each is in flows/ so it reads as the user's story. On the embedded server the analyst's pages
// of the demo come first (flows/demo: they check the demo's two versions), so one server start serves both.

let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ({ context, page } = await harness.launchBrowser());
});

afterAll(async () => {
  await context?.close();
});

for (const [deployment, start] of [
  ['the embedded demo server', harness.startDemoServer],
  ['the Bull + PostgreSQL server', harness.startBullServer],
] as const) {
  describe(`work in the browser on ${deployment}`, () => {
    let server: harness.Server;

    beforeAll(async () => {
      // Registering a plugin needs its folder allowed, as an operator would.
      server = await start(undefined, { WORKBENCH_PLUGIN_DIRS: RUNFORM_PLUGIN_DIRS });
    }, 900_000);

    afterAll(async () => {
      await server?.stop();
    });

    // The analyst's pages first, on the fresh demo (once: they read pages, the same on either deployment).
    if (start === harness.startDemoServer)
      describe('the web app on the demo', () => demoPages(() => ({ server, context, page })));

    it('uploads a CSV with one bad row: refused under reject (nothing stored), a version with 1 rejected row under skip', async () => {
      await datasetsFlow(page, server);
    });

    it('starts runs from the generated form (field errors before submit, the server’s on its field), lists and registers plugins', async () => {
      await runformFlow(page, server);
    });

    it("shows a run's progress live until it succeeds, and cancels a long run from its page", async () => {
      await liveFlow(page, server);
    });

    it('adds a policy with a checked rule, shows the flagged retrain and its drift, and promotes it from the page', async () => {
      await retrainFlow(page, server);
    });

    it('creates a key whose secret is shown once, revokes it (401 at once), lists the jobs, and hides the page from non-admins', async () => {
      await adminFlow(page, server);
    });
  });
}
