import type { DynamicModule } from '@nestjs/common';
import type { WorkbenchLogger } from '@workbench/services';
import { LoggerModule } from 'nestjs-pino';
import pino, { type Level } from 'pino';
import { pinoWorkbenchLogger } from './structured-logger';

/**
 * The server's structured logs: one pino instance (JSON lines on stdout) behind Nest's logger, the HTTP
 * request log (pino-http, without the health and metrics polls) and the services' logger, whose lines
 * carry the run id, queue, attempt and plugin as fields. The CLI keeps its human lines on stderr.
 */
export function createStructuredLogging(level: Level | 'silent'): { module: DynamicModule; workbenchLogger: WorkbenchLogger } {
  const logger = pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
  return {
    module: LoggerModule.forRoot({
      pinoHttp: { logger, autoLogging: { ignore: (req) => /^\/(health|metrics)(\/|\?|$)/.test(req.url ?? '') } },
    }),
    workbenchLogger: pinoWorkbenchLogger(logger),
  };
}
