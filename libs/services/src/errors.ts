/** The thing asked for does not exist (HTTP 404). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** The request clashes with what is stored, e.g. a name already taken (HTTP 409). */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

/** The request is well-formed but cannot be carried out as asked (HTTP 400). */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
}
