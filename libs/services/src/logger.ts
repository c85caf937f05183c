/**
 * What a log line is about, for structured logs (the server writes them as JSON fields): the job's
 * queue and attempt, the run (or comparison, retrain request, event) it processes, and the plugin.
 */
export interface LogFields {
  queue?: string;
  attempt?: number;
  runId?: string;
  comparisonId?: string;
  retrainId?: string;
  eventId?: string;
  scoringId?: string;
  plugin?: string;
}

/** Where the services report what a caller cannot be told directly (a failed attempt, a skipped plugin). */
export interface WorkbenchLogger {
  log(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** The former name of {@link WorkbenchLogger}, kept for callers that still use it. */
export type RunsLogger = WorkbenchLogger;

/** The default logger of the apps: plain lines on stderr (the fields are in the words), so stdout stays the command's output. */
export const stderrLogger: WorkbenchLogger = {
  log: (m) => process.stderr.write(`${m}\n`),
  warn: (m) => process.stderr.write(`warning: ${m}\n`),
  error: (m) => process.stderr.write(`error: ${m}\n`),
};
