import { ParamsValidationError, validateParams, type ParamsClass } from '@workbench/plugin-sdk';

/**
 * One refused field of a request: `field` is its dotted path in the request body (`params.kMax`,
 * `kpis.0.plugin`, `seed`), `message` says what was expected. The HTTP API sends these in the 400 body
 * (`errors`) so a form can show each message beside its field.
 */
export interface FieldError {
  field: string;
  message: string;
}

/** The thing asked for does not exist (HTTP 404). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** The request clashes with what is stored, e.g. a name already taken (HTTP 409); `errors` names the field when one is to blame. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

/** The request is well-formed but cannot be carried out as asked (HTTP 400); `errors` names the fields to blame. */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }

  /** A refusal of one field, whose message (naming the field) is also the request's message. */
  static at(field: string, message: string): InvalidRequestError {
    return new InvalidRequestError(message, [{ field, message }]);
  }
}

/**
 * Plugin params a request carried at `at` (`params`, `kpis.0.params`) that the plugin's params class refuses.
 * Still a {@link ParamsValidationError} (same message and problems), and its {@link errors} are located in the body.
 */
export class RequestParamsError extends ParamsValidationError {
  constructor(
    cause: ParamsValidationError,
    readonly at: string,
  ) {
    super(cause.plugin, cause.problems);
  }

  get errors(): FieldError[] {
    // '(params)' is validateParams' path for params that are not an object at all.
    return this.problems.map((p) => ({
      field: p.path === '(params)' ? this.at : `${this.at}.${p.path}`,
      message: p.message,
    }));
  }
}

/** {@link validateParams} for params a request carried at `at`: a refusal is a {@link RequestParamsError}. */
export function validateRequestParams<P extends object>(
  plugin: string,
  paramsClass: ParamsClass<P>,
  raw: unknown,
  at: string,
): P {
  try {
    return validateParams(plugin, paramsClass, raw);
  } catch (e) {
    throw e instanceof ParamsValidationError ? new RequestParamsError(e, at) : e;
  }
}
