import type { ApiKey } from '@workbench/persistence';
import { hasRole } from './api-keys.service';

/**
 * Who the caller's key is and what its role may do, so a client (the web app) can hide what the key
 * may not do. The server still checks every route's role; this only mirrors the same rule.
 */
export function sessionView(key: Pick<ApiKey, 'name' | 'role'>) {
  return {
    name: key.name,
    role: key.role,
    may: {
      read: true,
      runSegmentations: hasRole(key.role, 'analyst'),
      compareRuns: hasRole(key.role, 'analyst'),
      moveAliases: hasRole(key.role, 'analyst'),
      uploadData: hasRole(key.role, 'analyst'),
      addPolicies: hasRole(key.role, 'scientist'),
      registerPlugins: hasRole(key.role, 'scientist'),
      manageKeys: hasRole(key.role, 'admin'),
    },
  };
}
export type SessionView = ReturnType<typeof sessionView>;
