import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { ApiKey, ROLES, type Role, type SqlEntityManager } from '@workbench/persistence';
import { InvalidRequestError, NotFoundError } from './errors';

/** Each role can do what the roles before it can. */
export function hasRole(actual: Role, required: Role): boolean {
  return ROLES.indexOf(actual) >= ROLES.indexOf(required);
}

// Keys are 32 random bytes, so a plain SHA-256 is enough to store them (a slow password hash
// protects guessable secrets; these are not guessable).
const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** How precisely a key's last use is kept. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Notes that the key was used now, to the minute: writing it on every request would make each one a database
 * write (on SQLite most of a small request's time, and serialised with every other write). The key itself is
 * still read on every request, so a revocation holds at once.
 */
async function recordUse(em: EntityManager, apiKey: ApiKey): Promise<void> {
  const now = new Date();
  if (apiKey.lastUsedAt && now.getTime() - apiKey.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
  apiKey.lastUsedAt = now;
  await em.flush();
}

/**
 * The active key (neither revoked nor expired) matching `where`, managed by `em`. Read through the query builder
 * rather than `em.findOne`: it runs on every authenticated request, and findOne's loading machinery (filters,
 * populate, identity-map checks) took 0.63 ms of the request here against 0.29 ms for the same query.
 */
function activeKey(em: EntityManager, where: { keyHash: string } | { id: string }): Promise<ApiKey | null> {
  return (em as SqlEntityManager)
    .createQueryBuilder(ApiKey)
    .where({ ...where, revokedAt: null, $or: [{ expiresAt: null }, { expiresAt: { $gt: new Date() } }] })
    .getSingleResult();
}

const tokenMac = (apiKey: ApiKey, purpose: string, expiry: string) =>
  createHmac('sha256', apiKey.keyHash).update(`${purpose}\n${apiKey.id}\n${expiry}`).digest('base64url');

export class ApiKeysService {
  constructor(private readonly orm: MikroORM) {}

  /** Creates a key and returns its secret, which is shown this once and stored only hashed; `expiresAt` is optional. */
  async create(name: string, role: Role, expiresAt?: Date): Promise<{ key: string; apiKey: ApiKey }> {
    if (!ROLES.includes(role)) throw new InvalidRequestError(`role '${role}' must be one of ${ROLES.join(', ')}`);
    if (name.trim() === '') throw new InvalidRequestError('an API key needs a name saying who or what uses it');
    if (expiresAt && !(expiresAt.getTime() > Date.now()))
      throw new InvalidRequestError(`expiresAt ${expiresAt.toISOString()} must be in the future`);
    const key = `wb_${randomBytes(32).toString('base64url')}`;
    const em = this.orm.em.fork();
    const apiKey = em.create(ApiKey, {
      name: name.trim(),
      role,
      keyHash: hashKey(key),
      prefix: key.slice(0, 10),
      expiresAt: expiresAt ?? null,
    });
    await em.flush();
    return { key, apiKey };
  }

  /**
   * The active key with this secret (not revoked, not expired), or null. Read from the database on
   * every request, with no cache, so a revocation holds at once on every process.
   */
  async authenticate(key: string): Promise<ApiKey | null> {
    const em = this.orm.em.fork();
    const apiKey = await activeKey(em, { keyHash: hashKey(key) });
    if (!apiKey) return null;
    await recordUse(em, apiKey);
    return apiKey;
  }

  /**
   * A token that stands for an active key, for one `purpose`, until `expiresAt`: `<key id>.<expiry ms>.<mac>`,
   * the mac an HMAC-SHA256 of purpose, id and expiry keyed by the key's stored hash. It lets a browser open a page
   * that cannot send the key's header (the queue dashboard) without the key itself ever leaving the web app: the
   * token expires on the server's clock, works for its purpose only, and dies with the key (checked in the
   * database on every use, so a revocation holds at once on every process). No new secret is needed, so every
   * API process can check a token another one issued.
   */
  issueToken(apiKey: ApiKey, purpose: string, expiresAt: Date): string {
    const expiry = String(expiresAt.getTime());
    return `${apiKey.id}.${expiry}.${tokenMac(apiKey, purpose, expiry)}`;
  }

  /** The active key a token of {@link issueToken} stands for, or null when it is malformed, forged, expired or its key is inactive. */
  async authenticateToken(token: string, purpose: string): Promise<ApiKey | null> {
    const [id, expiry, mac, ...rest] = token.split('.');
    if (rest.length > 0 || !id || !/^\d{1,15}$/.test(expiry ?? '') || !mac) return null;
    if (Number(expiry) <= Date.now()) return null;
    const em = this.orm.em.fork();
    const apiKey = await activeKey(em, { id });
    if (!apiKey) return null;
    const expected = Buffer.from(tokenMac(apiKey, purpose, expiry));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    await recordUse(em, apiKey);
    return apiKey;
  }

  /** True while the key with this id is neither revoked nor expired (a long-lived stream checks it now and then). */
  async isActive(id: string): Promise<boolean> {
    const active = { id, revokedAt: null, $or: [{ expiresAt: null }, { expiresAt: { $gt: new Date() } }] };
    return (await this.orm.em.fork().count(ApiKey, active)) > 0;
  }

  /** Revokes a key at once (idempotent); the record keeps who revoked it and when. */
  async revoke(id: string, revokedBy: string): Promise<ApiKey> {
    const em = this.orm.em.fork();
    const apiKey = await em.findOne(ApiKey, { id });
    if (!apiKey) throw new NotFoundError(`API key '${id}' not found`);
    if (!apiKey.revokedAt) {
      Object.assign(apiKey, { revokedAt: new Date(), revokedBy });
      await em.flush();
    }
    return apiKey;
  }

  async list(): Promise<ApiKey[]> {
    return this.orm.em.fork().find(ApiKey, {}, { orderBy: { createdAt: 'asc' } });
  }
}
