import type { MikroORM } from '@mikro-orm/core';
import { DoNotRetryError, type Job, type JobQueue } from '@workbench/jobs';
import { RetrainPolicy, WorkbenchEvent } from '@workbench/persistence';
import { JobProcessor, type RecordingRetry } from './job-processor';
import type { WorkbenchLogger } from './logger';
import { WebhookTargets } from './webhook-targets';

/** Webhook deliveries: tried this often, with doubling delays from the first. */
export const WEBHOOK_RETRY = { attempts: 5, backoffMs: 2000 };

/** Delivers retrain events to their policy's webhook (queue `notify`). */
export class WebhookProcessor extends JobProcessor<WorkbenchEvent> {
  readonly queueName = 'notify' as const;
  protected readonly noun = 'webhook of event';

  constructor(
    private readonly orm: MikroORM,
    queue: JobQueue,
    logger: WorkbenchLogger,
    private readonly targets: WebhookTargets = new WebhookTargets(),
    recordingRetry?: RecordingRetry,
  ) {
    super(queue, logger, recordingRetry);
  }

  protected load(id: string): Promise<WorkbenchEvent | null> {
    return this.orm.em.fork().findOne(WorkbenchEvent, { id });
  }

  protected isDone(event: WorkbenchEvent): boolean {
    return event.webhookStatus === 'delivered' || !event.policyId;
  }

  /**
   * Posts the event to the policy's webhook, only to an allowed address (checked on the address connected
   * to) and without following redirects; a non-2xx answer or no answer in 10 s is retried by the queue,
   * a refused address is not.
   */
  protected async execute(event: WorkbenchEvent, job: Job): Promise<void> {
    const em = this.orm.em.fork();
    const policy = await em.findOne(RetrainPolicy, { id: event.policyId });
    if (!policy?.webhookUrl || policy.deletedAt) return;
    const body = { id: event.id, kind: event.kind, segmentation: event.segmentation, runId: event.runId, message: event.message, details: event.details, createdAt: event.createdAt };
    const status = await this.targets.post(policy.webhookUrl, body, 10_000).catch((e: Error) => {
      throw /^webhook refused/.test(e.message) ? new DoNotRetryError(e.message) : e;
    });
    if (status < 200 || status >= 300) throw new Error(`webhook ${policy.webhookUrl} answered ${status}`);
    await em.nativeUpdate(WorkbenchEvent, { id: event.id }, { webhookStatus: 'delivered', webhookAttempts: job.attempt });
  }

  protected async saveFailure(id: string, _message: string, willRetry: boolean, job: Job): Promise<void> {
    await this.orm.em.fork().nativeUpdate(WorkbenchEvent, { id }, { webhookAttempts: job.attempt, ...(willRetry ? {} : { webhookStatus: 'failed' }) });
  }
}
