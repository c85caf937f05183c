import type { ApiKey, Role } from '@workbench/persistence';

export interface ApiKeyView {
  id: string;
  name: string;
  role: Role;
  /** First characters of the secret, to tell keys apart. */
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
  /** The key stops working at this time; null: it does not expire. */
  expiresAt: Date | null;
}

/** A new key: the secret is in this answer only. */
export interface CreatedApiKeyView extends ApiKeyView {
  key: string;
}

export function apiKeyView(k: ApiKey): ApiKeyView {
  return {
    id: k.id,
    name: k.name,
    role: k.role,
    prefix: k.prefix,
    createdAt: k.createdAt,
    lastUsedAt: k.lastUsedAt ?? null,
    revokedAt: k.revokedAt ?? null,
    revokedBy: k.revokedBy ?? null,
    expiresAt: k.expiresAt ?? null,
  };
}

export function createdApiKeyView(k: ApiKey, key: string): CreatedApiKeyView {
  return { ...apiKeyView(k), key };
}
