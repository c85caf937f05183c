import type { EntityManager, EntityName, FilterQuery } from '@mikro-orm/core';
import { NotFoundError } from './errors';

/**
 * A row kept when it is deleted (KPI alerts, audience subscriptions, retrain policies), so the events that
 * name it still resolve: who deleted it and when are recorded, and a deleted one is no longer listed, gets
 * no later events and no webhook of its events not yet delivered.
 */
export interface SoftDeletable {
  id: string;
  webhookUrl?: string | null;
  deletedAt?: Date | null;
  deletedBy?: string | null;
}

/**
 * Marks the row `id` of `entity` deleted by `deletedBy` now, with `changes` (a policy is also disabled).
 * Not found (`<what> '<id>' not found`) when there is none, or it was deleted already.
 */
export async function softDelete<T extends SoftDeletable>(
  em: EntityManager,
  entity: EntityName<T>,
  what: string,
  id: string,
  deletedBy: string,
  changes: Partial<T> = {},
): Promise<void> {
  const row = await em.findOne(entity, { id, deletedAt: null } as FilterQuery<T>);
  if (!row) throw new NotFoundError(`${what} '${id}' not found`);
  Object.assign(row, changes, { deletedAt: new Date(), deletedBy });
  await em.flush();
}

/** The webhook of a row's events, while the row exists and is not deleted. */
export const liveWebhookUrl = (row: SoftDeletable | null): string | null =>
  row && !row.deletedAt ? (row.webhookUrl ?? null) : null;
