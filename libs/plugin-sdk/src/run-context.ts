/** Where a plugin writes its messages; the host tags them with the run id. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * Byte storage the host offers a run, for anything beyond the model artifact that `train` returns
 * (plugins never touch the file system themselves; the host decides where bytes live).
 */
export interface ArtifactIO {
  /** Stores bytes under a name scoped to this run. */
  write(name: string, bytes: Uint8Array): Promise<void>;
  /** Reads bytes written earlier in this run; throws naming `name` when there are none. */
  read(name: string): Promise<Uint8Array>;
}

/**
 * What the host gives a plugin for one run.
 *
 * @example
 * async train({ params, frame }, ctx) {
 *   const rand = seededRandom(ctx.seed);
 *   for (let k = 2; k <= 8; k++) { throwIfAborted(ctx.signal); ...; ctx.progress((k - 1) / 7, `k=${k}`); }
 * }
 */
export interface RunContext {
  readonly runId: string;
  /** The only source of randomness a plugin may use: same seed, same result. */
  readonly seed: number;
  /** Aborted when the run is cancelled or its worker shuts down; check it between units of work. */
  readonly signal: AbortSignal;
  /** Reports progress as a fraction in [0, 1], non-decreasing, with an optional human note. */
  progress(fraction: number, note?: string): void;
  readonly log: Logger;
  readonly artifacts: ArtifactIO;
}
