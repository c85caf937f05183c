export type { Job, JobHandlers, JobQueue, JobQueueLogger, ProgressListener, QueueName, RetryPolicy } from './job-queue';
export {
  DEFAULT_RETRY,
  DoNotRetryError,
  QueueUnavailableError,
  QUEUE_NAMES,
  backoffDelay,
  consoleJobQueueLogger,
  isDoNotRetry,
} from './job-queue';
export { InlineJobQueue } from './inline/inline-job-queue';
export type { InlineJobQueueOptions } from './inline/inline-job-queue';
export { BullJobQueue, bullQueueOptions } from './bull/bull-job-queue';
export type { BullJobQueueOptions } from './bull/bull-job-queue';
