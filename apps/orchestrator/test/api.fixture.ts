// An API process of its own for the tests that need two (keys.e2e.spec.ts, the fault suite): the real HTTP
// app with the test plugins, on a free port of 127.0.0.1, configured from the environment; silent unless
// WORKBENCH_TEST_LOGS=1 (then its structured logs go to stdout, as in production).
import { loadConfig } from '@workbench/services';
import { createHttpApp } from '../src/app/bootstrap';
import { TEST_PLUGINS } from './helpers';

createHttpApp(loadConfig(process.env), {
  plugins: TEST_PLUGINS,
  ...(process.env.WORKBENCH_TEST_LOGS === '1' ? {} : { logger: false as const }),
})
  .then(async (app) => {
    await app.listen(0, '127.0.0.1');
    process.stdout.write(`api listening ${(app.getHttpServer().address() as { port: number }).port}\n`);
  })
  .catch((e: Error) => {
    process.stderr.write(`api failed to start: ${e.message}\n`);
    process.exit(1);
  });
