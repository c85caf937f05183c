import type { MikroORM } from '@mikro-orm/core';
import { DoNotRetryError, type Job, type JobQueue, type LiveEvents } from '@workbench/jobs';
import { AudienceSubscription, KpiAlert, RetrainPolicy, WorkbenchEvent } from '@workbench/persistence';
import { JobProcessor, type RecordingRetry } from './job-processor';
import type { WorkbenchLogger } from './logger';
import { liveWebhookUrl } from './soft-delete';
import { WebhookTargets } from './webhook-targets';

/** Webhook deliveries: tried this often, with doubling delays from the first. */
export const WEBHOOK_RETRY = { attempts: 5, backoffMs: 2000 };

/** Delivers retrain events to their policy's webhook, fired KPI alerts to their alert's and audience changes to their subscription's (queue `notify`). */
export class WebhookProcessor extends JobProcessor<WorkbenchEvent> {
  readonly queueName = 'notify' as const;
  protected readonly noun = 'webhook of event';

  constructor(
    private readonly orm: MikroORM,
    queue: JobQueue,
    logger: WorkbenchLogger,
    events: LiveEvents,
    private readonly targets: WebhookTargets = new WebhookTargets(),
    recordingRetry?: RecordingRetry,
  ) {
    super(queue, logger, events, recordingRetry);
  }

  protected load(id: string): Promise<WorkbenchEvent | null> {
    return this.orm.em.fork().findOne(WorkbenchEvent, { id });
  }

  protected isDone(event: WorkbenchEvent): boolean {
    return (
      event.webhookStatus === 'delivered' ||
      (!event.policyId && event.kind !== 'alert.fired' && event.kind !== 'audience.changed')
    );
  }

  /**
   * Posts the event to the policy's webhook, only to an allowed address (checked on the address connected
   * to) and without following redirects; a non-2xx answer or no answer in 10 s is retried by the queue,
   * a refused address is not.
   */
  protected async execute(event: WorkbenchEvent, job: Job): Promise<void> {
    const em = this.orm.em.fork();
    const url = await this.webhookUrlOf(event);
    if (!url) return;
    const body = {
      id: event.id,
      kind: event.kind,
      segmentation: event.segmentation,
      runId: event.runId,
      message: event.message,
      details: event.details,
      createdAt: event.createdAt,
    };
    const status = await this.targets.post(url, body, 10_000).catch((e: Error) => {
      throw /^webhook refused/.test(e.message) ? new DoNotRetryError(e.message) : e;
    });
    if (status < 200 || status >= 300) throw new Error(`webhook ${url} answered ${status}`);
    await em.nativeUpdate(
      WorkbenchEvent,
      { id: event.id },
      { webhookStatus: 'delivered', webhookAttempts: job.attempt },
    );
  }

  /** The policy's webhook of a retrain event, the alert's of a fired alert, the subscription's of an audience change; null when it has none (any more, or was deleted). */
  private async webhookUrlOf(event: WorkbenchEvent): Promise<string | null> {
    const em = this.orm.em.fork();
    if (event.policyId) {
      return liveWebhookUrl(await em.findOne(RetrainPolicy, { id: event.policyId }));
    }
    const subscriptionId = (event.details as { subscriptionId?: string }).subscriptionId;
    if (event.kind === 'audience.changed' && subscriptionId) {
      return liveWebhookUrl(await em.findOne(AudienceSubscription, { id: subscriptionId }));
    }
    const alertId = (event.details as { alertId?: string }).alertId;
    return liveWebhookUrl(alertId ? await em.findOne(KpiAlert, { id: alertId }) : null);
  }

  protected async saveFailure(id: string, _message: string, willRetry: boolean, job: Job): Promise<void> {
    await this.orm.em
      .fork()
      .nativeUpdate(
        WorkbenchEvent,
        { id },
        { webhookAttempts: job.attempt, ...(willRetry ? {} : { webhookStatus: 'failed' }) },
      );
  }
}
