import type { Role } from '@workbench/persistence';
import { createdApiKeyView, type CreatedApiKeyView, type Workbench } from '@workbench/services';
import type { Output } from '../output';

export interface CreateKeyOptions {
  role: Role;
  name: string;
  json?: boolean;
}

/**
 * `workbench keys create`: makes an API key and prints its secret once. This is how the first admin
 * key of a new installation is made. Only the secret (or the JSON) goes to stdout, so it can be captured.
 */
export async function createKey(
  workbench: Workbench,
  out: Output,
  options: CreateKeyOptions,
): Promise<CreatedApiKeyView> {
  const { key, apiKey } = await workbench.apiKeys.create(options.name, options.role);
  const created = createdApiKeyView(apiKey, key);
  out.note(`created ${created.role} API key '${created.name}' (id ${created.id})`);
  out.line(options.json ? JSON.stringify(created, null, 2) : key);
  out.note('this key will not be shown again: store it now (only its hash is kept)');
  return created;
}
