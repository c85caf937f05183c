import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { api, expectAccessible, logIn, ROOT, shot, SHOTS, waitFor, type Server } from '../harness';

// Retraining in the browser, on a server where `workbench demo` has trained demo-kmeans-k3 on online-retail:
// a scientist adds a dataset policy through the page (a bad rule first: the server's parser points at its
// column), a second dataset version arrives through the API, the flagged retrain appears live on the page with its
// PSI bars, the scientist promotes it from the page, and the champion's history names the scientist's key.

const SEGMENTATION = 'demo-kmeans-k3';
/** The first half of 2011 against the full year the demo trained on: recency, frequency and spend all move. */
const SECOND_BATCH = join(ROOT, 'samples/online-retail-invoices-2011-h1.csv');
/** A rule the half-year batch cannot meet (its spend alone drifts far past a PSI of 0.01): the candidate is flagged. */
const FLAGGING_RULE = 'ari >= 0.99 and max_psi < 0.01';

interface Retrain {
  id: string;
  trigger: string;
  status: string;
  run: { id: string; version: number } | null;
  drift: {
    features: { feature: string; psi: number | null }[];
    kpis: { segment: string | null; kpi: string; relativeChange: number | null; flagged: boolean }[] | null;
  } | null;
  outcome: { failing?: string[] } | null;
  review: { decision: string; by: string } | null;
}

export async function retrainFlow(page: Page, server: Server): Promise<void> {
  const logs = () => server.log();
  // A key of its own, so the audit trail can only name this flow's person.
  const scientist = `retrain flow ${Date.now().toString(36)}`;
  const { key } = await api<{ key: string }>(server, '/api-keys', {
    method: 'POST',
    body: { name: scientist, role: 'scientist' },
  });
  const as = { base: server.base, key };

  // A dataset policy compares a retrain with the champion: make the demo's latest version champion if none is.
  const aliases = await api<{ name: string }[]>(as, `/segmentations/${SEGMENTATION}/aliases`);
  if (!aliases.some((a) => a.name === 'champion')) {
    const runs = await api<{ id: string; version: number; status: string }[]>(
      as,
      `/segmentations/${SEGMENTATION}/runs`,
    );
    const latest = runs.filter((r) => r.status === 'succeeded').sort((a, b) => b.version - a.version)[0];
    // With the server's key, not the scientist's: only the promotion below may name the scientist.
    await api(server, `/segmentations/${SEGMENTATION}/aliases/champion`, { method: 'PUT', body: { run: latest.id } });
  }
  const championBefore = await api<{ version: number }>(as, `/runs/${SEGMENTATION}@champion`);

  await logIn(page, server, key);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Retraining' }).click();
  await page.getByRole('navigation', { name: 'Segmentations' }).getByRole('link', { name: SEGMENTATION }).click();
  await page.getByRole('heading', { name: `Retraining of ${SEGMENTATION}` }).waitFor();

  // A bad rule: the server's parser answers with the column, and the caret sits under the offending token.
  const rule = page.getByLabel('Promotion rule');
  const check = page.getByTestId('rule-check');
  await rule.fill('ari >= high');
  await check.getByText("Column 8: expected a number after '>=', found 'high'").waitFor();
  const [typed, caret] = ((await check.locator('pre').textContent()) ?? '').split('\n');
  expect([typed, caret.indexOf('^')]).toEqual(['ari >= high', 'ari >= '.length]);
  await expect(rule.getAttribute('aria-invalid')).resolves.toBe('true');
  await expect(page.getByRole('button', { name: 'Add policy' }).isDisabled()).resolves.toBe(true);
  await shot(page, 'retraining-rule-error');
  await expectAccessible(page, 'retraining (rule error)');

  await rule.fill(FLAGGING_RULE);
  await check.getByText('The server accepts this rule; it reads ari, max_psi.').waitFor();
  await page.getByRole('button', { name: 'Add policy' }).click();
  await page.getByTestId('policies').getByText(FLAGGING_RULE).waitFor();
  const policies = await api<{ id: string; rule: string; createdBy: string }[]>(
    as,
    `/policies?segmentation=${SEGMENTATION}`,
  );
  const policy = policies.find((p) => p.rule === FLAGGING_RULE && p.createdBy === scientist);
  expect(policy).toBeDefined();

  // The second dataset version arrives through the API (as another tool would send it).
  const form = new FormData();
  form.set('kind', 'transactions');
  form.set('returns', 'exclude');
  form.set('file', new Blob([readFileSync(SECOND_BATCH)], { type: 'text/csv' }), 'online-retail-invoices-2011-h1.csv');
  const upload = await fetch(`${server.base}/datasets/online-retail/versions`, {
    method: 'POST',
    headers: { 'X-API-Key': key },
    body: form,
  });
  if (!upload.ok) throw new Error(`upload: HTTP ${upload.status} ${await upload.text()}`);
  const { version } = (await upload.json()) as { version: { id: string; version: number } };

  // The policy's retrain for that version, flagged by the rule.
  const retrain = await waitFor(
    'the flagged retrain',
    async () => {
      const all = await api<(Retrain & { policy: string })[]>(as, `/retrains?segmentation=${SEGMENTATION}`);
      const mine = all.find((r) => r.policy === policy?.id && r.trigger === `dataset:${version.id}`);
      if (mine?.status === 'failed') throw new Error(`the retrain failed: ${JSON.stringify(mine)}`);
      return mine && ['promoted', 'flagged'].includes(mine.status) ? mine : undefined;
    },
    600_000,
    logs,
  );
  expect(retrain.status).toBe('flagged');
  expect(retrain.outcome?.failing?.some((f) => f.startsWith('max_psi < 0.01 (was '))).toBe(true);

  // It appears on the page the scientist has open, without a reload: the server's live events (a retrain's
  // status changes) make the app refetch the history.
  // The row may first show an earlier state (the history was fetched while the retrain was training): the flagged
  // state arrives as its own event.
  const row = page.locator(`[data-testid=retrain-history] tr[data-retrain="${retrain.id}"]`);
  await page
    .locator(`[data-testid=retrain-history] tr[data-retrain="${retrain.id}"][data-status=flagged]`)
    .waitFor({ timeout: 30_000 });
  await expect(row.textContent()).resolves.toContain('flagged, needs review');
  await shot(page, 'retraining');
  await expectAccessible(page, 'retraining');

  // Its report: PSI bars (figures in the table beside the chart), the failing clauses, Promote and Reject.
  await row.getByRole('link', { name: /^drift and decision/ }).click();
  await page.getByTestId('psi-chart').locator('canvas').waitFor();
  const psiRows = page.getByTestId('psi-table').locator('tbody tr');
  await expect(psiRows.count()).resolves.toBe(retrain.drift?.features.length);
  for (const f of retrain.drift?.features ?? []) {
    const cells = psiRows.filter({ has: page.getByRole('rowheader', { name: f.feature, exact: true }) });
    await expect(cells.locator('td').nth(1).textContent()).resolves.toBe(f.psi === null ? '—' : f.psi.toFixed(4));
  }
  await expect(page.getByTestId('failing').textContent()).resolves.toMatch(/max_psi < 0\.01 \(was /);
  await page.getByTestId('segment-shifts').waitFor();
  // The KPI shifts by segment: each segment's largest flagged ones open (at most 3), the rest folded until asked
  // for, the segments by their largest flagged change; every shift of the report is on the page once.
  const kpis = retrain.drift?.kpis ?? [];
  const segmentOf = (k: { segment: string | null }) => k.segment ?? 'all customers';
  const size = (k: { relativeChange: number | null }) => (k.relativeChange === null ? -1 : Math.abs(k.relativeChange));
  if (!kpis.some((k) => k.flagged)) await page.getByTestId('kpi-shifts-none').waitFor();
  const groups = page.getByTestId('kpi-segment');
  const labels = await groups.evaluateAll((els) => els.map((e) => e.getAttribute('data-segment') ?? ''));
  expect([...labels].sort()).toEqual([...new Set(kpis.map(segmentOf))].sort());
  const largest = labels.map((label) =>
    Math.max(-2, ...kpis.filter((k) => k.flagged && segmentOf(k) === label).map(size)),
  );
  expect(largest).toEqual([...largest].sort((a, b) => b - a));
  const shown: string[] = [];
  for (const [i, label] of labels.entries()) {
    const group = groups.nth(i);
    const flagged = kpis.filter((k) => k.flagged && segmentOf(k) === label).map((k) => k.kpi);
    const open = await group.getByTestId('kpi-shifts-open').locator('tbody th').allTextContents();
    const folded = await group.getByTestId('kpi-shifts-folded').locator('tbody th').allTextContents();
    expect(open).toHaveLength(Math.min(flagged.length, 3));
    expect(open.filter((kpi) => !flagged.includes(kpi))).toEqual([]);
    shown.push(...[...open, ...folded].map((kpi) => `${label}/${kpi}`));
  }
  expect(shown.sort()).toEqual(kpis.map((k) => `${segmentOf(k)}/${k.kpi}`).sort());
  const fold = page.getByTestId('kpi-shifts-fold').first();
  await expect(fold.getByTestId('kpi-shifts-folded').isVisible()).resolves.toBe(false);
  await fold.locator('summary').click();
  await expect(fold.getByTestId('kpi-shifts-folded').isVisible()).resolves.toBe(true);
  await shot(page, 'retrain-flagged');
  await page.locator('figure.chart').screenshot({ path: join(SHOTS, 'retrain-psi-chart.png') });
  await expectAccessible(page, 'retrain (flagged)');

  await page.getByRole('button', { name: `Promote v${retrain.run?.version} to champion` }).click();
  await page.getByTestId('verdict').getByText(`flagged, then promoted by ${scientist}`).waitFor();
  await expect(page.getByRole('button', { name: /^Reject / }).count()).resolves.toBe(0);
  // The champion's audit trail on the page: the last move, to the candidate, by this key.
  const lastMove = page.getByTestId('alias-history-champion').locator('tbody tr').last();
  const cells = async () => (await lastMove.locator('td').allTextContents()).slice(1);
  await waitFor('the promotion in the alias history', async () =>
    (await cells())[1] === `v${retrain.run?.version}` ? true : undefined,
  );
  expect(await cells()).toEqual([`v${championBefore.version}`, `v${retrain.run?.version}`, scientist]);
  await shot(page, 'retrain-promoted');
  await expectAccessible(page, 'retrain (promoted)');

  const history = await api<{ toVersion: number; movedBy: string }[]>(
    as,
    `/segmentations/${SEGMENTATION}/aliases/champion/history`,
  );
  expect(history[history.length - 1]).toMatchObject({ toVersion: retrain.run?.version, movedBy: scientist });
  expect((await api<Retrain>(as, `/retrains/${retrain.id}`)).review).toMatchObject({
    decision: 'promoted',
    by: scientist,
  });

  // Back on the segmentation's retraining page, the policy is turned off (it stays, with its history) and on again.
  await page.goBack();
  const policyRow = page.getByTestId('policies').locator('tr', { hasText: FLAGGING_RULE });
  const enabled = async () =>
    (await api<{ id: string; enabled: boolean }[]>(as, `/policies?segmentation=${SEGMENTATION}`)).find(
      (p) => p.id === policy?.id,
    )?.enabled;
  await page.getByRole('button', { name: `Disable the policy ${FLAGGING_RULE}` }).click();
  await policyRow.getByRole('button', { name: 'Enable' }).waitFor();
  await expect(policyRow.locator('td').nth(2).textContent()).resolves.toBe('no');
  await expect(enabled()).resolves.toBe(false);
  await page.getByRole('button', { name: `Enable the policy ${FLAGGING_RULE}` }).click();
  await policyRow.getByRole('button', { name: 'Disable' }).waitFor();
  await expect(enabled()).resolves.toBe(true);
  // Off again, so that the uploads of the flows after this one retrain nothing.
  await page.getByRole('button', { name: `Disable the policy ${FLAGGING_RULE}` }).click();
  await policyRow.getByRole('button', { name: 'Enable' }).waitFor();
  await expectAccessible(page, 'retraining (policy disabled)');
}
