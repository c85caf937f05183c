/** Inputs to a drift report or to the comparison metrics that cannot be used: the message names the argument and what was expected. */
export class RetrainInputError extends Error {
  override readonly name = 'RetrainInputError';
}

/** A promotion rule that does not parse; `column` is 1-based and points at the offending token. */
export class PromotionRuleError extends Error {
  override readonly name = 'PromotionRuleError';
  constructor(
    readonly column: number,
    readonly detail: string,
  ) {
    super(`at column ${column}: ${detail}`);
  }
}

/** A cron expression that is malformed, out of range, or never fires. */
export class CronExpressionError extends Error {
  override readonly name = 'CronExpressionError';
}
