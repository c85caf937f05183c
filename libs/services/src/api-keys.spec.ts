import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKey } from '@workbench/persistence';
import { LAST_USED_RESOLUTION_MS } from './api-keys.service';
import { loadConfig } from './config';
import { createWorkbench, type Workbench } from './workbench';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
/** The key's last use as stored (a fresh read, not the entity the service returned). */
const lastUsed = async (wb: Workbench, id: string) =>
  (await wb.orm.em.fork().findOneOrFail(ApiKey, { id })).lastUsedAt?.getTime() ?? null;

describe('API keys on a real SQLite database', () => {
  let wb: Workbench;

  beforeAll(async () => {
    wb = await createWorkbench(loadConfig({}, { home: mkdtempSync(join(tmpdir(), 'wb-keys-')) }), {
      plugins: [],
      logger: quiet,
    });
  });
  afterAll(async () => {
    await wb?.close();
  });

  it('keeps the last use to the minute, without a write on every request, and refuses a revoked key at once', async () => {
    const { key, apiKey } = await wb.apiKeys.create('analyst of the test', 'analyst');
    expect(await lastUsed(wb, apiKey.id)).toBeNull();
    await wb.apiKeys.authenticate(key);
    const first = await lastUsed(wb, apiKey.id);
    expect(first).not.toBeNull();
    await new Promise((r) => setTimeout(r, 20));
    await wb.apiKeys.authenticate(key);
    expect(await lastUsed(wb, apiKey.id)).toBe(first);

    // A use older than the resolution is renewed.
    const em = wb.orm.em.fork();
    const stored = await em.findOneOrFail(ApiKey, { id: apiKey.id });
    stored.lastUsedAt = new Date(Date.now() - LAST_USED_RESOLUTION_MS - 1000);
    await em.flush();
    const before = Date.now();
    await wb.apiKeys.authenticate(key);
    expect(await lastUsed(wb, apiKey.id)).toBeGreaterThanOrEqual(before);

    await wb.apiKeys.revoke(apiKey.id, 'test');
    await expect(wb.apiKeys.authenticate(key)).resolves.toBeNull();
  });

  it('accepts a key until its expiry and refuses it after, by the stored date', async () => {
    const { key, apiKey } = await wb.apiKeys.create('expiring analyst', 'analyst', new Date(Date.now() + 60_000));
    expect((await wb.apiKeys.authenticate(key))?.id).toBe(apiKey.id);
    // Moved into the past as the clock would: create refuses a past expiry.
    const em = wb.orm.em.fork();
    const stored = await em.findOneOrFail(ApiKey, { id: apiKey.id });
    stored.expiresAt = new Date(Date.now() - 1000);
    await em.flush();
    await expect(wb.apiKeys.authenticate(key)).resolves.toBeNull();
    const token = wb.apiKeys.issueToken(apiKey, 'queues', new Date(Date.now() + 60_000));
    await expect(wb.apiKeys.authenticateToken(token, 'queues')).resolves.toBeNull();
  });

  it('issues tokens that stand for the key for one purpose until they expire, and dies with the key', async () => {
    const { key, apiKey } = await wb.apiKeys.create('admin of the test', 'admin');
    const other = (await wb.apiKeys.create('another admin', 'admin')).apiKey;
    const inAMinute = new Date(Date.now() + 60_000);
    const token = wb.apiKeys.issueToken(apiKey, 'queues', inAMinute);
    expect(token).not.toContain(key);
    expect((await wb.apiKeys.authenticateToken(token, 'queues'))?.id).toBe(apiKey.id);

    const [id, expiry, mac] = token.split('.');
    const refused = [
      ['another purpose', token, 'other'],
      ['a later expiry', `${id}.${Number(expiry) + 1}.${mac}`, 'queues'],
      ["another key's id", `${other.id}.${expiry}.${mac}`, 'queues'],
      ['a changed mac', `${id}.${expiry}.${mac.slice(1)}A`, 'queues'],
      ['the key itself', key, 'queues'],
      ['an expired token', wb.apiKeys.issueToken(apiKey, 'queues', new Date(Date.now() - 1)), 'queues'],
    ] as const;
    for (const [what, forged, purpose] of refused)
      expect([what, await wb.apiKeys.authenticateToken(forged, purpose)]).toEqual([what, null]);

    await wb.apiKeys.revoke(apiKey.id, 'test');
    await expect(wb.apiKeys.authenticateToken(token, 'queues')).resolves.toBeNull();
  });
});
