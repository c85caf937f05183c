import { getMetadataStorage } from 'class-validator';
import type { ParamsClass } from './params';

/** The subset of JSON Schema the workbench shows for plugin params. */
export interface ParamsJsonSchema {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required: string[];
  additionalProperties: false;
}

const TYPES: Record<string, Record<string, unknown>> = {
  isInt: { type: 'integer' },
  isNumber: { type: 'number' },
  isString: { type: 'string' },
  isBoolean: { type: 'boolean' },
  isArray: { type: 'array' },
  isObject: { type: 'object' },
};

/**
 * JSON Schema of a params class, read from its class-validator decorators and its defaults, so
 * the API and CLI show exactly what validation enforces. Covers the common decorators (types,
 * IsIn, Min/Max, Length, ArrayUnique, IsOptional); a property with other rules still appears, with
 * its default, and validation remains the authority.
 *
 * @example
 * paramsJsonSchema(KMeansParams).properties.k // { type: 'integer', minimum: 2, maximum: 50 }
 */
export function paramsJsonSchema<P extends object>(paramsClass: ParamsClass<P>): ParamsJsonSchema {
  const defaults = new paramsClass() as Record<string, unknown>;
  const properties: Record<string, Record<string, unknown>> = {};
  const optional = new Set<string>();
  for (const m of getMetadataStorage().getTargetValidationMetadatas(paramsClass, '', true, false)) {
    const p = (properties[m.propertyName] ??= {});
    const [first, second] = m.constraints ?? [];
    const name = m.name ?? '';
    if (m.type === 'conditionalValidation') optional.add(m.propertyName);
    else if (m.each && TYPES[name]) p.items = { ...TYPES[name] };
    else if (TYPES[name]) Object.assign(p, TYPES[name]);
    else if (name === 'isIn') p.enum = first;
    else if (name === 'min') p.minimum = first;
    else if (name === 'max') p.maximum = first;
    else if (name === 'arrayUnique') p.uniqueItems = true;
    else if (name === 'arrayMinSize') p.minItems = first;
    else if (name === 'arrayMaxSize') p.maxItems = first;
    else if (name === 'isLength') Object.assign(p, { minLength: first, ...(second !== undefined ? { maxLength: second } : {}) });
  }
  for (const [name, value] of Object.entries(defaults)) {
    if (value === undefined) continue;
    (properties[name] ??= {}).default = value;
  }
  const required = Object.keys(properties).filter((name) => !optional.has(name) && defaults[name] === undefined);
  return { type: 'object', properties, required, additionalProperties: false };
}
