/** Where the services report what a caller cannot be told directly (a failed attempt, a skipped plugin). */
export interface WorkbenchLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The former name of {@link WorkbenchLogger}, kept for callers that still use it. */
export type RunsLogger = WorkbenchLogger;

/** The default logger of the apps: plain lines on stderr, so stdout stays the command's output. */
export const stderrLogger: WorkbenchLogger = {
  log: (m) => process.stderr.write(`${m}\n`),
  warn: (m) => process.stderr.write(`warning: ${m}\n`),
  error: (m) => process.stderr.write(`error: ${m}\n`),
};
