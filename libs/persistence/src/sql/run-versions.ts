import type { EntityManager } from '@mikro-orm/core';
import { Run, Segmentation } from '../entities';

/**
 * The version number of a segmentation's next run, taken inside the caller's transaction so that concurrent
 * submissions get distinct numbers at once, with no unique-key collision to retry: the first statement
 * updates the segmentation's row, which locks it until the transaction ends (PostgreSQL; a SQLite
 * transaction holds the database's write lock from its start), so the runs read next include every earlier
 * submission's. The number is one above the highest run's (databases from before `next_version` was kept
 * have runs but next_version 1), and `next_version` records the one after.
 */
export async function allocateRunVersion(tx: EntityManager, segmentationId: string): Promise<number> {
  await tx
    .getConnection()
    .execute(
      'update segmentation set next_version = next_version where id = ?',
      [segmentationId],
      'run',
      tx.getTransactionContext(),
    );
  const last = await tx.findOne(
    Run,
    { segmentation: segmentationId },
    { orderBy: { version: 'desc' }, fields: ['version'] },
  );
  const version = (last?.version ?? 0) + 1;
  await tx.nativeUpdate(Segmentation, { id: segmentationId }, { nextVersion: version + 1 });
  return version;
}
