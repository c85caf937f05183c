// A worker process for the crash test: the real orchestrator worker role (createWorkerContext)
// with the test plugins and short Bull locks, so a killed worker's job is taken over quickly.
import { loadConfig } from '@workbench/services';
import { createWorkerContext } from '../src/app/bootstrap';
import { TEST_PLUGINS } from './helpers';

createWorkerContext(loadConfig(process.env), { plugins: TEST_PLUGINS, logger: false, bull: { lockDurationMs: 1000, stalledIntervalMs: 300 } }) // same as BULL in bull-postgres.e2e.spec.ts
  .then(() => process.stdout.write('worker ready\n'))
  .catch((e: Error) => {
    process.stderr.write(`worker failed to start: ${e.message}\n`);
    process.exit(1);
  });
