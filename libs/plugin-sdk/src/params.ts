import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ParamsValidationError, type ParamProblem } from './errors';

/** A params class: class-validator decorated, with defaults as property initialisers, constructible without arguments. */
export type ParamsClass<P extends object> = new () => P;

function flatten(errors: ValidationError[], prefix = ''): ParamProblem[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ path, message }));
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/**
 * Turns raw JSON params into a validated instance of the plugin's params class: defaults fill what
 * is absent, unknown fields are refused (a typo must not be silently ignored), and every problem
 * names its field.
 *
 * @example
 * const params = validateParams('segmenter-kmeans', KMeansParams, { k: 4 }); // params.maxIterations === 300
 * @throws ParamsValidationError
 */
export function validateParams<P extends object>(plugin: string, paramsClass: ParamsClass<P>, raw: unknown): P {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ParamsValidationError(plugin, [{ path: '(params)', message: 'params must be a JSON object' }]);
  }
  const instance = plainToInstance(paramsClass, raw ?? {}, { exposeDefaultValues: true });
  // forbidUnknownValues off: a plugin without params has a class with no decorators, which is valid.
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) throw new ParamsValidationError(plugin, flatten(errors));
  return instance;
}
