/** Inputs to a comparison that cannot be compared: the message says which argument, where, and what was expected. */
export class ComparisonInputError extends Error {
  override readonly name = 'ComparisonInputError';
}
