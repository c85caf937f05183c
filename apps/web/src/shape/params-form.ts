// What the new-run form and the plugins page make of a plugin's params JSON Schema (GET /plugins) and of
// the server's 400 (`errors: [{ field, message }]`, each field a dotted path in the request body).

/** One property of a params JSON Schema (the subset the workbench generates). */
export interface ParamSchema {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  pattern?: string;
  items?: ParamSchema;
  properties?: Record<string, ParamSchema>;
}

export interface ParamsSchema {
  type?: string;
  properties?: Record<string, ParamSchema>;
  required?: string[];
}

/** A refused field of a request, as the server names it. */
export interface FieldError {
  field: string;
  message: string;
}

/** rjsf's error tree: `__errors` at each level, children by property name (or array index). */
export interface ErrorTree {
  __errors?: string[];
  [child: string]: ErrorTree | string[] | undefined;
}

/**
 * Sorts the server's field errors: those under `paramsAt` (`params.kMax`, `params.rules.0.when`) become
 * rjsf `extraErrors` of the generated form; the others (`name`, `seed`, `kpis.0.plugin`) are kept by field
 * for the page's own inputs, and `unplaced` holds messages about fields the page does not show.
 */
export function placeErrors(
  errors: readonly FieldError[],
  pageFields: readonly string[],
  paramsAt = 'params',
): { params: ErrorTree; fields: Record<string, string[]>; unplaced: string[] } {
  const params: ErrorTree = {};
  const fields: Record<string, string[]> = {};
  const unplaced: string[] = [];
  for (const { field, message } of errors) {
    if (field === paramsAt || field.startsWith(`${paramsAt}.`)) {
      let node = params;
      for (const step of field.split('.').slice(paramsAt.split('.').length)) {
        node = (node[step] as ErrorTree | undefined) ?? (node[step] = {});
      }
      (node.__errors ??= []).push(message);
      continue;
    }
    // `kpis.1.plugin` belongs to the KPI evaluators input, `limits.memoryMb` to limits, and so on.
    const owner = pageFields.find((f) => field === f || field.startsWith(`${f}.`));
    if (owner) (fields[owner] ??= []).push(message);
    else unplaced.push(`${field}: ${message}`);
  }
  return { params, fields, unplaced };
}

/**
 * The params a form starts from: the segmentation's params limited to what the schema knows (a param a
 * newer plugin version dropped would be refused), so the schema's defaults fill the rest.
 */
export function initialParams(
  schema: ParamsSchema,
  params: Record<string, unknown> | null | undefined,
): Record<string, unknown> {
  const known = schema.properties ?? {};
  return Object.fromEntries(Object.entries(params ?? {}).filter(([name, v]) => name in known && v !== null));
}

/** One row of the plugins page's param table: name, type, default, the rule in words, description. */
export interface ParamRow {
  name: string;
  type: string;
  default: string;
  rule: string;
  description: string;
}

function typeOf(s: ParamSchema): string {
  if (s.type === 'array') return `array of ${s.items ? typeOf(s.items) : 'values'}`;
  return s.type ?? (s.enum ? 'one of' : 'any');
}

/** A param's constraints in words, e.g. `2 … 50`, `one of fast, ml-kmeans`, `1–20 items, unique`. */
export function ruleOf(s: ParamSchema): string {
  const parts: string[] = [];
  if (s.enum) parts.push(`one of ${s.enum.map(String).join(', ')}`);
  if (s.minimum !== undefined && s.maximum !== undefined) parts.push(`${s.minimum} … ${s.maximum}`);
  else if (s.minimum !== undefined) parts.push(`≥ ${s.minimum}`);
  else if (s.maximum !== undefined) parts.push(`≤ ${s.maximum}`);
  if (s.minLength !== undefined && s.minLength > 0) parts.push('not empty');
  if (s.maxLength !== undefined) parts.push(`at most ${s.maxLength} characters`);
  if (s.pattern) parts.push(`matches ${s.pattern}`);
  if (s.minItems !== undefined && s.maxItems !== undefined)
    parts.push(s.minItems === s.maxItems ? `${s.minItems} items` : `${s.minItems}–${s.maxItems} items`);
  else if (s.minItems !== undefined) parts.push(`at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`);
  else if (s.maxItems !== undefined) parts.push(`at most ${s.maxItems} items`);
  if (s.uniqueItems) parts.push('unique');
  const item = s.items && s.type === 'array' && !s.items.properties ? ruleOf(s.items) : '';
  if (item) parts.push(`each ${item}`);
  return parts.join('; ');
}

/** The params of a schema as table rows, nested params (rules[].when[].op) flattened with their paths. */
export function paramRows(schema: ParamsSchema, prefix = ''): ParamRow[] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, s]) => {
    const path = `${prefix}${name}`;
    const row: ParamRow = {
      name: path,
      type: typeOf(s),
      default:
        s.default === undefined ? (schema.required?.includes(name) ? 'required' : 'absent') : JSON.stringify(s.default),
      rule: ruleOf(s),
      description: s.description ?? '',
    };
    const nested = s.properties ? s : s.items?.properties ? s.items : undefined;
    return [row, ...(nested ? paramRows(nested, `${path}${s.items ? '[]' : ''}.`) : [])];
  });
}
