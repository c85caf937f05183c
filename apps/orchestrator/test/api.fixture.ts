// An API process of its own for the tests that need two (keys.e2e.spec.ts): the real HTTP app with the
// test plugins, on a free port of 127.0.0.1, configured from the environment.
import { loadConfig } from '@workbench/services';
import { createHttpApp } from '../src/app/bootstrap';
import { TEST_PLUGINS } from './helpers';

createHttpApp(loadConfig(process.env), { plugins: TEST_PLUGINS, logger: false })
  .then(async (app) => {
    await app.listen(0, '127.0.0.1');
    process.stdout.write(`api listening ${(app.getHttpServer().address() as { port: number }).port}\n`);
  })
  .catch((e: Error) => {
    process.stderr.write(`api failed to start: ${e.message}\n`);
    process.exit(1);
  });
