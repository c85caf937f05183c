import type { LogFields, WorkbenchLogger } from '@workbench/services';
import type { Logger as PinoLogger } from 'pino';

/** The services' logger on pino: one JSON line per message, its fields (run id, queue, attempt, plugin) as JSON fields. */
export function pinoWorkbenchLogger(pino: PinoLogger): WorkbenchLogger {
  return {
    log: (message: string, fields: LogFields = {}) => pino.info(fields, message),
    warn: (message: string, fields: LogFields = {}) => pino.warn(fields, message),
    error: (message: string, fields: LogFields = {}) => pino.error(fields, message),
  };
}
