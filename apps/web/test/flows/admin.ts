import type { Page } from 'playwright-core';
import * as harness from '../harness';

interface Session {
  name: string;
  role: string;
}
interface QueueJobs {
  kind: 'inline' | 'bull';
  dashboard: string | null;
  jobs: { queue: string; id: string; state: string }[];
}

/** GET with a key, answering the status (the harness's `api` throws on anything but 2xx). */
const statusOf = async (server: harness.Server, path: string, key: string) =>
  (await fetch(`${server.base}${path}`, { headers: { 'X-API-Key': key } })).status;

/**
 * The admin page on any server (embedded or Bull): an admin creates an analyst key (its secret shown once, gone
 * after a reload), the key works over the API, the admin revokes it on the page and its next call is a 401; the
 * queue section lists a run's job (in-process queue) or opens bull-board (Bull); a non-admin sees no admin page.
 */
export async function adminFlow(page: Page, server: harness.Server): Promise<void> {
  const waitFor = <T>(what: string, probe: () => Promise<T | undefined>) =>
    harness.waitFor(what, probe, 240_000, () => server.log());
  const name = `flow analyst ${Date.now().toString(36)}`;

  await harness.logIn(page, server, server.key);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
  await page.waitForURL(`${server.base}/ui/admin`);
  await page.getByRole('heading', { name: 'API keys' }).waitFor();

  // Create: the secret is shown once, with the warning and a working copy button.
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Role', { exact: true }).selectOption('analyst');
  await page.getByRole('button', { name: 'Create key' }).click();
  const secret = (await page.getByTestId('new-secret').textContent())?.trim() ?? '';
  expect(secret).toMatch(/^wb_/);
  await page.getByText('Copy the key now: it will not be shown again.').waitFor();
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base });
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Copied.' }).waitFor();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  const row = page.locator('tr', { has: page.getByRole('rowheader', { name, exact: true }) });
  await row.waitFor();
  expect(await row.locator('td').nth(0).textContent()).toBe('analyst');
  await harness.expectAccessible(page, 'admin page with a new secret');
  await harness.shot(page, 'admin-new-key');

  // The key works over the API; after a reload its secret is nowhere on the page.
  expect(await harness.api<Session>(server, '/session', { key: secret })).toMatchObject({ name, role: 'analyst' });
  await page.reload();
  await row.waitFor();
  expect(await page.getByTestId('new-secret').count()).toBe(0);
  expect(await page.content()).not.toContain(secret);

  // Revoke, confirmed on the page: the key's next call is a 401.
  await row.getByRole('button', { name: 'Revoke…' }).click();
  await row.getByRole('group', { name: `Confirm revoking ${name}` }).waitFor();
  await harness.expectAccessible(page, 'admin page confirming a revocation');
  await row.getByRole('button', { name: 'Yes, revoke' }).click();
  await row.getByText(/^revoked .+ by /).waitFor();
  expect(await statusOf(server, '/session', secret)).toBe(401);
  expect(await statusOf(server, '/datasets', secret)).toBe(401);

  // The queue: a run of the server's own, then its job (in-process) or the dashboard (Bull).
  const [segmentation] = await harness.api<{ name: string }[]>(server, '/segmentations');
  const run = await harness.api<{ id: string }>(
    server,
    `/segmentations/${encodeURIComponent(segmentation.name)}/runs`,
    {
      method: 'POST',
      body: { seed: 5 },
    },
  );
  await waitFor('the run', async () =>
    (await harness.api<{ status: string }>(server, `/runs/${run.id}`)).status === 'succeeded' ? true : undefined,
  );
  const queue = await harness.api<QueueJobs>(server, '/admin/queue');
  // Either queue lists the run's job once it has finished (Bull: from Redis, written by the worker process).
  const job = page.locator(`tr[data-job="train/${run.id}"]`);
  // The page is open while the run goes: its status changes refetch the list (no polling).
  await job.getByText('completed').waitFor({ timeout: 30_000 });
  expect(await job.getByRole('link', { name: run.id }).getAttribute('href')).toBe(`/ui/runs/${run.id}`);
  expect(await job.locator('td').nth(3).textContent()).toMatch(/^1 of \d+$/);
  expect(await job.locator('td').nth(4).textContent()).toMatch(/^100\.0%/);
  await harness.expectAccessible(page, `admin page with the ${queue.kind} queue's jobs`);
  await harness.shot(page, `admin-queue-${queue.kind}`);
  if (queue.kind === 'inline') {
    expect(await page.getByTestId('queue-kind').textContent()).toMatch(/^The queue is in-process/);
    expect(await page.getByRole('button', { name: 'Open the queue dashboard' }).count()).toBe(0);
  } else {
    await page.getByRole('button', { name: 'Open the queue dashboard' }).click();
    await page.waitForURL(`${server.base}/queues`);
    // bull-board's own page, its assets and API reached with the cookie alone: the five queues are listed.
    for (const name of ['train', 'compare', 'retrain', 'notify', 'score'])
      await page.getByText(name, { exact: true }).first().waitFor();
    await harness.shot(page, 'admin-queue-bull-board');
    await page.goBack();
  }

  // A non-admin: no Admin entry, and the page itself says it is for admins (the API refuses it anyway).
  const analyst = await harness.api<{ key: string }>(server, '/api-keys', {
    method: 'POST',
    body: { name: `${name} (not admin)`, role: 'analyst' },
  });
  await harness.logIn(page, server, analyst.key);
  expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).count()).toBe(0);
  await page.goto(`${server.base}/ui/admin`);
  await page.getByText('This page is for admins').waitFor();
  expect(await page.getByRole('heading', { name: 'API keys' }).count()).toBe(0);
  expect(await statusOf(server, '/admin/queue', analyst.key)).toBe(403);
  expect(await statusOf(server, '/api-keys', analyst.key)).toBe(403);
}
