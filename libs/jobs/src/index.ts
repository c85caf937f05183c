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
  sortJobInfos,
} from './job-queue';
export { InlineJobQueue } from './inline/inline-job-queue';
export type { InlineJobQueueOptions } from './inline/inline-job-queue';
export { BullJobQueue, bullQueueOptions } from './bull/bull-job-queue';
export type { BullJobQueueOptions } from './bull/bull-job-queue';
export type {
  IngestEvent,
  LiveEvent,
  LiveEvents,
  LiveListener,
  LogEvent,
  ProgressEvent,
  StateEvent,
  StateKind,
} from './live/live-events';
export { FINAL_STATUSES, KIND_OF_QUEUE, isFinalState } from './live/live-events';
export { InlineLiveEvents } from './live/inline-live-events';
export { RedisLiveEvents } from './live/redis-live-events';
export type { RedisLiveEventsOptions } from './live/redis-live-events';
