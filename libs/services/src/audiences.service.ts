import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { JobQueue, RetryPolicy } from '@workbench/jobs';
import { AudienceSubscription, WorkbenchEvent } from '@workbench/persistence';
import type { AssignmentsService } from './assignments.service';
import { InvalidRequestError } from './errors';
import type { FiringRun } from './alerts.service';
import { matchSegments, previousFinishedRun } from './kpi-history.service';
import type { WorkbenchLogger } from './logger';
import type { SegmentationsService } from './segmentations.service';
import { softDelete } from './soft-delete';
import { WebhookTargets } from './webhook-targets';

/** Ids per webhook call when a subscription does not say. */
export const DEFAULT_AUDIENCE_CHUNK = 1000;
export const MAX_AUDIENCE_CHUNK = 10_000;

export interface SubscribeAudiencesRequest {
  webhookUrl: string;
  chunkSize?: number;
}

/** One segment's membership change in one webhook call: part `part` of `parts` of that segment's change. */
export interface AudienceChange {
  subscriptionId: string;
  segment: { key: number; label: string };
  /** The previous version's segment it was matched to; null for a first version or an unmatched segment (all entered). */
  previous: { runId: string; version: number; key: number; label: string } | null;
  /** This part's ids (at most the subscription's chunkSize, entered and left together). */
  entered: string[];
  left: string[];
  /** How many customers entered and left the segment in the whole change, over all its parts. */
  counts: { entered: number; left: number };
  part: number;
  parts: number;
}

/**
 * Audience subscriptions: when a version of the segmentation succeeds (in its results transaction, so once
 * per run whatever its retries), each of its segments is compared with the previous finished version's
 * segment matched to it by the Hungarian matching over their shared customers (kpi-history's matching,
 * not the label), and the customers who entered and left are posted in parts of at most `chunkSize` ids
 * (each with the whole change's counts), so no event row or webhook body grows with the number of customers,
 * as `audience.changed` events, delivered and retried by the `notify` queue. A previous segment matched
 * to none of the new ones is posted with all its customers left.
 */
export class AudiencesService {
  constructor(
    private readonly orm: MikroORM,
    private readonly queue: JobQueue,
    private readonly segmentations: SegmentationsService,
    private readonly assignments: AssignmentsService,
    private readonly logger: WorkbenchLogger,
    private readonly webhookTargets: WebhookTargets = new WebhookTargets(),
    private readonly webhookRetry: Partial<RetryPolicy> = {},
  ) {}

  async subscribe(
    segmentationRef: string,
    request: SubscribeAudiencesRequest,
    createdBy: string,
  ): Promise<AudienceSubscription> {
    const segmentation = await this.segmentations.get(segmentationRef);
    const chunkSize = request.chunkSize ?? DEFAULT_AUDIENCE_CHUNK;
    if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_AUDIENCE_CHUNK)
      throw new InvalidRequestError(
        `chunkSize: expected a whole number from 1 to ${MAX_AUDIENCE_CHUNK}, got ${chunkSize}`,
      );
    await this.webhookTargets.check(request.webhookUrl);
    const em = this.orm.em.fork();
    const subscription = em.create(AudienceSubscription, {
      segmentation: segmentation.id,
      webhookUrl: request.webhookUrl,
      chunkSize,
      createdBy,
    });
    await em.flush();
    return (await this.list()).find((s) => s.id === subscription.id) as AudienceSubscription;
  }

  /** Every subscription not deleted, oldest first, with its segmentation. */
  async list(): Promise<AudienceSubscription[]> {
    return this.orm.em
      .fork()
      .find(AudienceSubscription, { deletedAt: null }, { orderBy: { createdAt: 'asc' }, populate: ['segmentation'] });
  }

  /**
   * Deletes a subscription, as an alert is deleted: it gets no more changes and is no longer listed; its past
   * events stay, with who deleted it and when. Webhooks of its changes not yet delivered are not sent.
   */
  async delete(id: string, deletedBy: string): Promise<void> {
    await softDelete(this.orm.em.fork(), AudienceSubscription, 'audience subscription', id, deletedBy);
  }

  /**
   * Inside a run's results transaction: the membership changes of each segment against the previous
   * version, as events (one per segment and part) for each subscription of the segmentation. Returns the
   * events whose webhooks {@link notify} queues once the transaction has committed.
   */
  async changesForRun(
    tx: EntityManager,
    run: FiringRun,
    segments: readonly { key: number; label: string }[],
    current: { ids: readonly string[]; segment: Int32Array },
  ): Promise<WorkbenchEvent[]> {
    const subscriptions = await tx.find(AudienceSubscription, { segmentation: run.segmentationId, deletedAt: null });
    if (subscriptions.length === 0) return [];
    const before = await previousFinishedRun(tx, run.segmentationId, run.version);
    const members = (ids: readonly string[], segment: Int32Array, k: number) => {
      const out = Array.from({ length: k }, () => new Set<string>());
      segment.forEach((s, i) => out[s]?.add(ids[i]));
      return out;
    };
    const now = members(current.ids, current.segment, segments.length);
    const changes: Omit<AudienceChange, 'subscriptionId' | 'counts' | 'part' | 'parts'>[] = [];
    if (!before) {
      for (const s of segments) changes.push({ segment: s, previous: null, entered: [...now[s.key]], left: [] });
    } else {
      const previous = await this.assignments.decoded(before.id, tx);
      const k = previous.labels.size;
      const then = members(previous.ids, previous.segment, k);
      const pairs = matchSegments({ ...current, k: segments.length }, { ...previous, k });
      const matched = new Set(pairs.values());
      for (const s of segments) {
        const p = pairs.get(s.key);
        const was = p === undefined ? new Set<string>() : then[p];
        changes.push({
          segment: s,
          previous:
            p === undefined
              ? null
              : { runId: before.id, version: before.version, key: p, label: previous.labels.get(p) ?? String(p) },
          entered: [...now[s.key]].filter((id) => !was.has(id)),
          left: [...was].filter((id) => !now[s.key].has(id)),
        });
      }
      // A previous segment no new one was matched to: its customers all left it.
      for (let p = 0; p < k; p++) {
        if (matched.has(p)) continue;
        const label = previous.labels.get(p) ?? String(p);
        changes.push({
          segment: { key: -1, label },
          previous: { runId: before.id, version: before.version, key: p, label },
          entered: [],
          left: [...then[p]],
        });
      }
    }
    const events: WorkbenchEvent[] = [];
    for (const subscription of subscriptions) {
      for (const change of changes) {
        if (change.entered.length === 0 && change.left.length === 0) continue;
        const ids = [
          ...change.entered.map((id) => ['entered', id] as const),
          ...change.left.map((id) => ['left', id] as const),
        ];
        const parts = Math.ceil(ids.length / subscription.chunkSize);
        for (let part = 1; part <= parts; part++) {
          const slice = ids.slice((part - 1) * subscription.chunkSize, part * subscription.chunkSize);
          const details: AudienceChange = {
            subscriptionId: subscription.id,
            segment: change.segment,
            previous: change.previous,
            entered: slice.filter(([side]) => side === 'entered').map(([, id]) => id),
            left: slice.filter(([side]) => side === 'left').map(([, id]) => id),
            counts: { entered: change.entered.length, left: change.left.length },
            part,
            parts,
          };
          events.push(
            tx.create(WorkbenchEvent, {
              kind: 'audience.changed',
              segmentation: run.segmentationName,
              policyId: null,
              requestId: null,
              runId: run.id,
              message: `audience '${change.segment.label}' of ${run.segmentationName} v${run.version}: ${change.entered.length} entered, ${change.left.length} left (part ${part} of ${parts})`,
              details: details as unknown as Record<string, unknown>,
              webhookStatus: 'pending',
            }),
          );
        }
      }
    }
    return events;
  }

  /** Queues the webhooks of the changes (after their transaction committed); a lost enqueue is redone at the next worker start. */
  async notify(events: readonly WorkbenchEvent[]): Promise<void> {
    for (const event of events) {
      this.logger.log(`${event.kind}: ${event.message}`);
      await this.queue.enqueue('notify', event.id, this.webhookRetry);
    }
  }
}
