import { randomUUID } from 'node:crypto';
import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** Roles in increasing order of privilege. */
export const ROLES = ['viewer', 'analyst', 'scientist', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** An API key. Only the sha256 of the secret is stored; `prefix` lets users recognise their key. */
@Entity({ tableName: 'api_key' })
export class ApiKey {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  @Property({ type: 'string', length: 255 })
  name!: string;

  // A plain string column, not @Enum: MikroORM 6.6.16 misreads SQLite enum checks with more than two
  // items (only the first and last survive introspection), so the schema diff would never be empty.
  @Property({ type: 'string', length: 16 })
  role!: Role;

  /** sha256 of the full key, lowercase hex. */
  @Property({ type: 'string', length: 64, unique: true })
  keyHash!: string;

  @Property({ type: 'string', length: 16 })
  prefix!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  lastUsedAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  revokedAt?: Date | null;

  /** Who revoked it (the admin key's name, or `cli`). */
  @Property({ type: 'string', length: 255, nullable: true })
  revokedBy?: string | null;

  /** After this instant the key no longer authenticates; null = never expires. */
  @Property({ type: 'datetime', nullable: true })
  expiresAt?: Date | null;
}
