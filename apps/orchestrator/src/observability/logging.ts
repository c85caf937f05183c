import type { DynamicModule } from '@nestjs/common';
import type { WorkbenchLogger } from '@workbench/services';
import { LoggerModule } from 'nestjs-pino';
import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import type { Options as HttpLoggingOptions } from 'pino-http';
import { pinoWorkbenchLogger } from './structured-logger';

/** Request headers that carry secrets: never written to the log. */
const REDACT = ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'];

/** The pino instance of one app: JSON lines with an ISO time, API keys redacted. */
export function createPino(level: Level | 'silent', destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** pino-http's settings: the app's logger, one line per request, without the health and metrics polls. */
export function httpLogging(logger: Logger): HttpLoggingOptions {
  return { logger, autoLogging: { ignore: (req) => /^\/(health|metrics)(\/|\?|$)/.test(req.url ?? '') } };
}

/**
 * The server's structured logs: one pino instance (JSON lines on stdout) behind Nest's logger, the HTTP
 * request log and the services' logger, whose lines carry the run id, queue, attempt and plugin as
 * fields. The CLI keeps its human lines on stderr.
 */
export function createStructuredLogging(level: Level | 'silent'): {
  module: DynamicModule;
  workbenchLogger: WorkbenchLogger;
} {
  const logger = createPino(level);
  return {
    module: LoggerModule.forRoot({ pinoHttp: httpLogging(logger) }),
    workbenchLogger: pinoWorkbenchLogger(logger),
  };
}
