import type { RunContext } from '../run-context';

export interface TestRunContext extends RunContext {
  /** Every progress report, in order. */
  readonly progressReports: { fraction: number; note?: string }[];
  readonly logLines: string[];
}

/**
 * A RunContext for plugin tests: keeps progress reports and log lines for assertions and keeps
 * artifacts in memory.
 *
 * @example
 * const ctx = createTestRunContext({ seed: 7 });
 * await plugin.train({ params, frame }, ctx);
 * expect(ctx.progressReports.at(-1)?.fraction).toBe(1);
 */
export function createTestRunContext(
  options: { seed?: number; signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): TestRunContext {
  const progressReports: { fraction: number; note?: string }[] = [];
  const logLines: string[] = [];
  const files = new Map<string, Uint8Array>();
  return {
    runId: 'test-run',
    seed: options.seed ?? 42,
    signal: options.signal ?? new AbortController().signal,
    progress(fraction, note) {
      progressReports.push({ fraction, note });
      options.onProgress?.(fraction);
    },
    log: {
      info: (m) => logLines.push(`info ${m}`),
      warn: (m) => logLines.push(`warn ${m}`),
      error: (m) => logLines.push(`error ${m}`),
    },
    artifacts: {
      async write(name, bytes) {
        files.set(name, bytes.slice());
      },
      async read(name) {
        const bytes = files.get(name);
        if (!bytes) throw new Error(`no artifact named '${name}' was written in this run`);
        return bytes;
      },
    },
    progressReports,
    logLines,
  };
}
