import type { BrowserContext, Page } from 'playwright-core';
import { liveFlow } from './flows/live';
import * as harness from './harness';

// Live progress and cancel, on the embedded demo server (SQLite + in-process queue) and on the scaled-out one
// (PostgreSQL + Bull, the api role and a separate worker process, so every event crosses processes through Redis).
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ({ context, page } = await harness.launchBrowser());
});

afterAll(async () => {
  await context?.close();
});

for (const [name, start] of [
  ['the embedded demo server', harness.startDemoServer],
  ['the Bull + PostgreSQL server', harness.startBullServer],
] as const) {
  it(`shows a run's progress live until it succeeds, and cancels a long run from its page, on ${name}`, async () => {
    const server = await start();
    try {
      await liveFlow(page, server);
    } finally {
      await server.stop();
    }
  }, 900_000);
}
