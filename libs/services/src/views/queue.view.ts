import { QUEUE_NAMES, sortJobInfos, type JobInfo, type JobQueue } from '@workbench/jobs';

/** The jobs of every queue of a server (GET /admin/queue; the web app's Admin page in the embedded mode). */
export interface QueueJobsView {
  /** inline: the in-process queue of this one server process; bull: Redis, shared by every process. */
  kind: JobQueue['kind'];
  /** Live jobs first (active, waiting, delayed), then finished ones newest first, all queues together. */
  jobs: JobInfo[];
}

export async function queueJobsView(queue: JobQueue): Promise<QueueJobsView> {
  const perQueue = await Promise.all(QUEUE_NAMES.map((name) => queue.jobs(name)));
  return { kind: queue.kind, jobs: sortJobInfos(perQueue.flat()) };
}
