// First: decorators (NestJS, MikroORM, class-validator) read and write metadata as their classes load.
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { BUILTIN_PLUGINS_MODULE, builtinPlugins } from '@workbench/builtin-plugins';
import { loadConfig } from '@workbench/services';
import { createHttpApp, createWorkerContext } from './app/bootstrap';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

/** `orchestrator [--role api|worker|all]`; everything else comes from the environment (see README). */
async function main(): Promise<void> {
  const role = arg('--role');
  const config = loadConfig(process.env, role ? { role: role as 'api' | 'worker' | 'all' } : {});
  const logger = new Logger('orchestrator');
  if (config.role === 'worker') {
    await createWorkerContext(config, { plugins: builtinPlugins, pluginsModule: BUILTIN_PLUGINS_MODULE });
    logger.log(`worker up (queue prefix '${config.queuePrefix}')`);
    return;
  }
  const app = await createHttpApp(config, { plugins: builtinPlugins, pluginsModule: BUILTIN_PLUGINS_MODULE });
  const host = config.host ?? (config.redisUrl ? '0.0.0.0' : '127.0.0.1');
  await app.listen(config.port, host);
  logger.log(`role ${config.role}: listening on http://${host}:${config.port} (web app at /ui, OpenAPI at /docs)`);
}

main().catch((e: Error) => {
  process.stderr.write(`error: ${e.message}\n`);
  process.exit(1);
});
