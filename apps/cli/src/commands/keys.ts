import type { Role } from '@workbench/persistence';
import type { Workbench } from '@workbench/services';
import type { Output } from '../output';

export interface CreateKeyOptions {
  role: Role;
  name: string;
  json?: boolean;
}

export interface CreatedKey {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: string;
  /** The secret: shown this once, stored only hashed. */
  key: string;
}

/**
 * `workbench keys create`: makes an API key and prints its secret once. This is how the first admin
 * key of a new installation is made. Only the secret (or the JSON) goes to stdout, so it can be captured.
 */
export async function createKey(workbench: Workbench, out: Output, options: CreateKeyOptions): Promise<CreatedKey> {
  const { key, apiKey } = await workbench.apiKeys.create(options.name, options.role);
  const created: CreatedKey = { id: apiKey.id, name: apiKey.name, role: apiKey.role, prefix: apiKey.prefix, createdAt: apiKey.createdAt.toISOString(), key };
  out.note(`created ${created.role} API key '${created.name}' (id ${created.id})`);
  out.line(options.json ? JSON.stringify(created, null, 2) : key);
  out.note('this key will not be shown again: store it now (only its hash is kept)');
  return created;
}
