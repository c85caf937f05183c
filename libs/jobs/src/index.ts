export type {
  Job,
  JobHandlers,
  JobInfo,
  JobQueue,
  JobState,
  JobQueueLogger,
  ProgressListener,
  QueueName,
  RetryPolicy,
} from './job-queue';
export {
  DEFAULT_RETRY,
  DoNotRetryError,
  FINISHED_JOBS_KEPT,
  LIVE_JOBS_LISTED,
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
