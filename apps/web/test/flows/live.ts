import type { Page } from 'playwright-core';
import * as harness from '../harness';

interface Segmentation {
  id: string;
  name: string;
  plugin: string;
  dataset: { id: string; name: string };
}
interface Run {
  id: string;
  version: number;
  status: string;
}

/** GET with the server's key, answering status and body (the harness's `api` throws on anything but 2xx). */
const get = async (server: harness.Server, path: string) => {
  const res = await fetch(`${server.base}${path}`, { headers: { 'X-API-Key': server.key } });
  return { status: res.status, body: (await res.json()) as unknown };
};

/**
 * Records, in the page, every value the progress bars of one run take (the run page's and the jobs panel's),
 * so the test sees the bar move without sampling it on a timer. `marker` tells the run (or, before a form has
 * started it, any name: then only the run page's bar counts) and is kept to prove the document was not reloaded.
 */
async function recordProgress(page: Page, marker: string): Promise<void> {
  await page.evaluate((id) => {
    const w = window as unknown as { __progress: number[]; __marker: string };
    w.__progress = [];
    w.__marker = id;
    const note = (el: Element) => {
      const isRun = el.id === 'run-progress' || el.closest(`li[data-job="${id}"]`) !== null;
      if (isRun && el instanceof HTMLProgressElement && el.hasAttribute('value')) w.__progress.push(el.value);
    };
    document.querySelectorAll('progress').forEach(note);
    new MutationObserver((mutations) => {
      for (const m of mutations) {
        if (m.type === 'attributes' && m.target instanceof Element) note(m.target);
        for (const added of m.addedNodes)
          if (added instanceof Element) [added, ...added.querySelectorAll('progress')].forEach(note);
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['value'] });
  }, marker);
}

/** Waits until the page's live stream is open (the jobs panel says so), so no event of what follows is missed. */
const liveStreamOpen = (page: Page) => page.locator('section.jobs[data-live="open"]').waitFor({ state: 'attached' });

/**
 * Live progress and cancel on any server (embedded or Bull + PostgreSQL): a k-means run started from the generated
 * form is watched on the run page it lands on until the progress bar reaches 100 % and the page shows it succeeded, its segments
 * and its Cancel button gone, without a reload; then a long k-means run is cancelled from its page: it ends
 * `cancelled` on the page and over the API, with no assignments and no segments stored.
 */
export async function liveFlow(page: Page, server: harness.Server): Promise<void> {
  const waitFor = <T>(what: string, probe: () => Promise<T | undefined>) =>
    harness.waitFor(what, probe, 300_000, () => server.log());
  const segmentations = await harness.api<Segmentation[]>(server, '/segmentations');
  const kmeans = segmentations.find((s) => s.plugin === 'segmenter-kmeans');
  if (!kmeans) throw new Error(`no k-means segmentation on the server: ${segmentations.map((s) => s.name).join(', ')}`);

  await harness.logIn(page, server, server.key);
  await liveStreamOpen(page);

  // 1. A k-means run started from the plugin's generated form (30 restarts, so its bar moves in many steps),
  // landing on its run page, watched there until it succeeds.
  await page.goto(`${server.base}/ui/new-run?segmentation=${encodeURIComponent(kmeans.name)}`);
  await liveStreamOpen(page);
  await page.locator('#root_nInit').fill('30');
  // The app moves to the run page without loading a document, so the recorder sees the bar from its first value.
  await recordProgress(page, 'started from the form');
  await page.getByRole('button', { name: 'Start the run' }).click();
  await page.waitForURL(/\/ui\/runs\/[^/]+$/, { timeout: 60_000 });
  const run = await harness.api<Run & { params: { nInit?: number } }>(
    server,
    `/runs/${new URL(page.url()).pathname.split('/').pop() as string}`,
  );
  expect(run.params.nInit).toBe(30);
  const title = page.getByRole('heading', { level: 1 });
  // The jobs panel shows the finished run for KEEP_FINISHED_MS (10 s) from its final event, its bar full: read it
  // first, as the event comes (the title waits for the run's refetch, which can take seconds on a loaded machine).
  const job = page.locator(`section.jobs li[data-job="${run.id}"]`);
  await job.locator('.badge', { hasText: 'succeeded' }).waitFor({ timeout: 300_000 });
  expect(await job.locator('progress').evaluate((el) => (el as HTMLProgressElement).value)).toBe(1);
  await title.getByText('succeeded').waitFor();
  // Still the same document: the page changed through the live events, not a reload.
  expect(await page.evaluate(() => (window as unknown as { __marker?: string }).__marker)).toBe(
    'started from the form',
  );
  const seen = await page.evaluate(() => (window as unknown as { __progress: number[] }).__progress);
  expect(seen.length).toBeGreaterThan(2);
  expect(seen.every((v, i) => i === 0 || v >= seen[i - 1])).toBe(true);
  expect(seen.at(-1)).toBe(1);
  await page.getByTestId('segment-sizes').waitFor();
  expect(await page.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);
  expect((await harness.api<Run>(server, `/runs/${run.id}`)).status).toBe('succeeded');
  await harness.expectAccessible(page, 'run page after a live run');
  await harness.shot(page, 'live-run-succeeded');

  // 2. A long run (k from 2 to 12, 100 restarts each, no early stop), cancelled from its page once it runs.
  const long = `live-long-${Date.now().toString(36)}`;
  await harness.api(server, '/segmentations', {
    method: 'POST',
    body: {
      name: long,
      plugin: 'segmenter-kmeans',
      dataset: kmeans.dataset.name,
      params: {
        features: ['recency_days', 'frequency', 'monetary'],
        kMin: 2,
        kMax: 12,
        nInit: 100,
        maxIterations: 10_000,
        tolerance: 0,
      },
    },
  });
  const slow = await harness.api<Run>(server, `/segmentations/${long}/runs`, { method: 'POST', body: {} });
  await page.goto(`${server.base}/ui/runs/${slow.id}`);
  await liveStreamOpen(page);
  await recordProgress(page, slow.id);
  await title.getByText('running').waitFor({ timeout: 300_000 });
  await waitFor('the long run to report progress', async () =>
    (await page.evaluate(() => (window as unknown as { __progress: number[] }).__progress)).some((v) => v > 0)
      ? true
      : undefined,
  );
  await harness.expectAccessible(page, 'run page of a running run');
  await harness.shot(page, 'live-run-running');
  await page.getByRole('button', { name: 'Cancel run' }).click();
  await title.getByText('cancelled').waitFor();
  await page.getByText('Cancelled: nothing of this run was stored.').waitFor();
  expect(await page.evaluate(() => (window as unknown as { __marker?: string }).__marker)).toBe(slow.id);
  expect(await page.getByTestId('run-progress').count()).toBe(0);
  await harness.shot(page, 'live-run-cancelled');

  // Over the API: cancelled, and it stays so once its worker has stopped the plugin; nothing stored.
  await waitFor('the worker to stop the cancelled run', async () => {
    const r = await harness.api<Run>(server, `/runs/${slow.id}`);
    return r.status === 'cancelled' ? r : undefined;
  });
  const assignments = await get(server, `/runs/${slow.id}/assignments?format=json`);
  expect(assignments).toEqual({
    status: 404,
    body: expect.objectContaining({ message: `run '${slow.id}' has no assignments (it has not succeeded)` }),
  });
  expect(await harness.api(server, `/runs/${slow.id}/segments`)).toEqual([]);
  // The cancel was taken: a second one is refused, naming the status.
  const again = await fetch(`${server.base}/runs/${slow.id}/cancel`, {
    method: 'POST',
    headers: { 'X-API-Key': server.key },
  });
  expect(again.status).toBe(409);
}
