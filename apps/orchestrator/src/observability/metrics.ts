import { Inject, Injectable } from '@nestjs/common';
import { QUEUE_NAMES } from '@workbench/jobs';
import { Workbench, type JobAttempt, type JobObserver } from '@workbench/services';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds: from a quick comparison to a long training. */
const JOB_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The Prometheus metrics of this process (`GET /metrics`, text format): job attempts and their durations
 * per queue, plugin and outcome, queue depth per state (read when scraped), HTTP latency per route, rows
 * ingested, and Node's process metrics. One registry per app, so several apps in one process stay apart.
 */
@Injectable()
export class Metrics implements JobObserver {
  readonly registry = new Registry();
  private readonly jobDuration = new Histogram({
    name: 'workbench_job_duration_seconds',
    help: 'Duration of job attempts by queue, plugin (empty when the job runs none) and outcome',
    labelNames: ['queue', 'plugin', 'outcome'] as const,
    buckets: JOB_BUCKETS,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'workbench_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });
  private readonly ingestRows = new Counter({
    name: 'workbench_ingest_rows_total',
    help: 'CSV rows read by uploads, by dataset kind and outcome (accepted or rejected)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor(@Inject(Workbench) workbench: Workbench) {
    collectDefaultMetrics({ register: this.registry });
    const queue = workbench.queue;
    new Gauge({
      name: 'workbench_queue_depth',
      help: 'Jobs per queue and state (waiting, active, delayed for a retry), read from the queue when scraped',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        for (const name of QUEUE_NAMES) {
          const depth = await queue.depth(name);
          for (const state of ['waiting', 'active', 'delayed'] as const) this.set({ queue: name, state }, depth[state]);
        }
      },
    });
    workbench.observeJobs(this);
  }

  attemptFinished({ queue, plugin, outcome, seconds }: JobAttempt): void {
    this.jobDuration.observe({ queue, plugin: plugin ?? '', outcome }, seconds);
  }

  rowsIngested(kind: string, report: { rowsAccepted: number; rowsRejected: number }): void {
    this.ingestRows.inc({ kind, outcome: 'accepted' }, report.rowsAccepted);
    this.ingestRows.inc({ kind, outcome: 'rejected' }, report.rowsRejected);
  }
}
