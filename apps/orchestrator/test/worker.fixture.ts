// A worker process for the crash and scale-out tests: the real orchestrator worker role (createWorkerContext)
// with the test plugins and short Bull locks, so a killed worker's job is taken over quickly.
import { getQueueToken } from '@nestjs/bull';
import type { Job, Queue } from 'bull';
import { loadConfig } from '@workbench/services';
import { createWorkerContext } from '../src/app/bootstrap';
import { BULL, TEST_PLUGINS } from './helpers';

// WORKBENCH_TEST_BULL_LOCK_MS: a longer lock for suites that run under heavy load (the fault suite), where a
// worker's 1 s lock can lapse while it still works and Bull then fails the job as stalled too often.
const lockMs = Number(process.env.WORKBENCH_TEST_BULL_LOCK_MS ?? BULL.lockDurationMs);
const bull = { lockDurationMs: lockMs, stalledIntervalMs: Math.max(BULL.stalledIntervalMs, Math.round(lockMs / 4)) };

createWorkerContext(loadConfig(process.env), { plugins: TEST_PLUGINS, logger: false, bull })
  .then((app) => {
    // scale-out.e2e.spec.ts asks which process ran which job. Bull's local (not global:) events fire only
    // in the process whose worker took or finished the job, so these lines are that process's own record.
    if (process.env.WORKBENCH_TEST_REPORT_JOBS === '1') {
      const train = app.get<Queue>(getQueueToken('train'));
      train.on('active', (job: Job) => process.stdout.write(`job active ${job.id} attempt ${job.attemptsMade + 1}\n`));
      train.on('completed', (job: Job) => process.stdout.write(`job completed ${job.id}\n`));
    }
    process.stdout.write('worker ready\n');
  })
  .catch((e: Error) => {
    process.stderr.write(`worker failed to start: ${e.message}\n`);
    process.exit(1);
  });
