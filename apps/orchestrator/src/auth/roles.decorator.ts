import { SetMetadata } from '@nestjs/common';
import type { Role } from '@workbench/persistence';

export const REQUIRED_ROLE = 'workbench:required-role';
export const IS_PUBLIC = 'workbench:public';

/** The least role an API key needs for this route; roles rank viewer < analyst < scientist < admin. */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

/** A route that needs no API key (health checks only). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
