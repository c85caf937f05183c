/** A plugin module whose manifest or definition breaks the contract. The message names the plugin, the field and the fix. */
export class PluginDefinitionError extends Error {
  override readonly name = 'PluginDefinitionError';
  constructor(
    readonly plugin: string,
    readonly problems: string[],
  ) {
    super(`plugin '${plugin}' is invalid: ${problems.join('; ')}`);
  }
}

/** One invalid parameter: `path` is the dotted path of the field (`rules.0.when`), `message` says what was expected. */
export interface ParamProblem {
  path: string;
  message: string;
}

/** Parameters that do not satisfy a plugin's params class. */
export class ParamsValidationError extends Error {
  override readonly name = 'ParamsValidationError';
  constructor(
    readonly plugin: string,
    readonly problems: ParamProblem[],
  ) {
    super(`invalid params for '${plugin}': ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
}

/** The input frame lacks a column the plugin requires, or has it with the wrong type. */
export class FeatureRequirementError extends Error {
  override readonly name = 'FeatureRequirementError';
}

/** Thrown by a plugin when `ctx.signal` is aborted; the host then stops the run without retrying it. */
export class RunAbortedError extends Error {
  override readonly name = 'RunAbortedError';
  constructor(reason?: unknown) {
    super(
      `run aborted${reason instanceof Error ? `: ${reason.message}` : typeof reason === 'string' ? `: ${reason}` : ''}`,
    );
  }
}

/**
 * Throws {@link RunAbortedError} when the run has been aborted. Call it between units of work
 * (an iteration, a candidate k, an epoch) so an abort takes effect promptly.
 *
 * @example
 * for (const k of candidates) { throwIfAborted(ctx.signal); fit(k); }
 */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new RunAbortedError(signal.reason);
}
