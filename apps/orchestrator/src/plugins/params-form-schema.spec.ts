import type { RJSFSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { builtinPlugins } from '@workbench/builtin-plugins';
import { paramsJsonSchema, ParamsValidationError, validateParams, type WorkbenchPlugin } from '@workbench/plugin-sdk';

// The web app's new-run form is generated from the params JSON Schema GET /plugins serves and checks its
// fields with @rjsf/validator-ajv8 before submitting; the server then validates with the params class
// (class-validator). These tests run both on the same params and compare their verdicts field by field.

type Schema = Record<string, unknown> & { type?: string; properties?: Record<string, Schema>; items?: Schema };

/** The fields the form's validator refuses (dotted paths, as the server names them). */
function formRefuses(schema: Schema, params: Record<string, unknown>): string[] {
  const { errors } = validator.validateFormData(params, schema as RJSFSchema);
  // rjsf writes `.rules.0.when` (or `.` + a missing property's parent); the server writes `rules.0.when`.
  return [...new Set(errors.map((e) => (e.property ?? '').replace(/^\./, '')))].sort();
}

/** The fields the server's params class refuses. */
function serverRefuses(plugin: WorkbenchPlugin, params: Record<string, unknown>): string[] {
  try {
    validateParams(plugin.manifest.name, plugin.manifest.params, params);
    return [];
  } catch (e) {
    if (!(e instanceof ParamsValidationError)) throw e;
    return [...new Set(e.problems.map((p) => p.path))].sort();
  }
}

/** Values one property of the schema allows: its default, its bounds, each enum value. */
function validValues(s: Schema): unknown[] {
  const values: unknown[] = [];
  if (s.default !== undefined) values.push(s.default);
  if (Array.isArray(s.enum)) values.push(...s.enum);
  if (s.type === 'integer' || s.type === 'number') {
    if (typeof s.minimum === 'number') values.push(s.minimum);
    if (typeof s.maximum === 'number') values.push(s.maximum);
  }
  if (s.type === 'string' && !s.enum && !s.pattern) values.push('some_name');
  if (typeof s.pattern === 'string' && s.pattern.includes('\\d{4}')) values.push('2011-12-09');
  if (s.type === 'array' && s.items?.type === 'string' && !s.items.enum) values.push(['a', 'b']);
  return values;
}

/** Values one property of the schema refuses: wrong type, out of bounds, not in the enum, empty, repeated. */
function invalidValues(s: Schema): unknown[] {
  const values: unknown[] = [];
  if (s.type === 'integer') values.push(2.5, 'x');
  if (s.type === 'number') values.push('x', true);
  if ((s.type === 'integer' || s.type === 'number') && typeof s.minimum === 'number') values.push(s.minimum - 1);
  if ((s.type === 'integer' || s.type === 'number') && typeof s.maximum === 'number') values.push(s.maximum + 1);
  if (s.type === 'string') values.push(5);
  if (s.type === 'string' && Array.isArray(s.enum)) values.push('none-of-these');
  if (s.type === 'string' && s.minLength === 1) values.push('');
  if (typeof s.pattern === 'string') values.push('next tuesday');
  if (s.type === 'array') values.push('x', { a: 1 });
  if (s.type === 'array' && typeof s.minItems === 'number' && s.minItems > 0) values.push([]);
  if (s.type === 'array' && s.uniqueItems && s.items?.type === 'string') values.push(['a', 'a']);
  if (s.type === 'array' && s.items?.type === 'string' && s.items.minLength === 1) values.push(['']);
  return values;
}

/**
 * Rules only the server can check (one field against another): the form lets them through and the
 * server's 400 names the field (`errors`), which the form then shows. Each must be met by some case below.
 */
const SERVER_ONLY: Record<string, string[]> = {
  'segmenter-kmeans': ['kMax'], // kMax ≥ kMin
  'kpi-clv': ['holdoutEnd'], // holdoutEnd needs observationEnd, and after it
  'segmenter-rules': ['defaultSegment'], // defaultSegment goes with rules
};

/**
 * The top-level params a list of refused paths falls in: class-validator blames `features` for a bad item
 * where ajv blames `features.0`; each form shows it at the param either way.
 */
const topLevel = (paths: string[]) => [...new Set(paths.map((p) => p.split('.')[0]))].sort();

const cases = builtinPlugins.map((plugin) => [plugin.manifest.name, plugin] as const);

describe('the params JSON Schema of each shipped plugin, as the web form uses it', () => {
  it.each(cases)('%s: ajv 8 compiles it and every property has a description', (_name, plugin) => {
    const schema = paramsJsonSchema(plugin.manifest.params) as unknown as Schema;
    expect(validator.rawValidation(schema as RJSFSchema, {}).validationError).toBeUndefined();
    const undescribed = Object.entries(schema.properties ?? {}).filter(([, s]) => typeof s.description !== 'string');
    expect(undescribed).toEqual([]);
  });

  it.each(cases)('%s: every default of the params class is in the schema', (_name, plugin) => {
    const schema = paramsJsonSchema(plugin.manifest.params) as unknown as Schema;
    const defaults = JSON.parse(JSON.stringify(new plugin.manifest.params())) as Record<string, unknown>;
    const inSchema = Object.fromEntries(
      Object.entries(schema.properties ?? {})
        .filter(([, s]) => s.default !== undefined)
        .map(([name, s]) => [name, s.default]),
    );
    expect(inSchema).toEqual(defaults);
  });

  it.each(cases)('%s: the form and the server agree on the defaults and the examples', (_name, plugin) => {
    const schema = paramsJsonSchema(plugin.manifest.params) as unknown as Schema;
    for (const params of [{}, ...(plugin.manifest.examples ?? [])] as Record<string, unknown>[]) {
      expect([params, formRefuses(schema, params)]).toEqual([params, []]);
      expect([params, serverRefuses(plugin, params)]).toEqual([params, []]);
    }
  });

  it.each(cases)(
    '%s: the form and the server refuse the same fields, one property changed at a time',
    (name, plugin) => {
      const schema = paramsJsonSchema(plugin.manifest.params) as unknown as Schema;
      const serverOnlyHits = new Set<string>();
      let compared = 0;
      for (const [property, s] of Object.entries(schema.properties ?? {})) {
        for (const value of [...validValues(s), ...invalidValues(s)]) {
          const params = { [property]: value };
          const form = topLevel(formRefuses(schema, params));
          const server = topLevel(serverRefuses(plugin, params));
          const serverOnly = server.filter((f) => !form.includes(f) && SERVER_ONLY[name]?.includes(f));
          serverOnly.forEach((f) => serverOnlyHits.add(f));
          expect({ params, form, server: server.filter((f) => !serverOnly.includes(f)) }).toEqual({
            params,
            form,
            server: form,
          });
          compared++;
        }
        // An unknown property: both refuse it (additionalProperties: false, forbidNonWhitelisted).
      }
      expect(formRefuses(schema, { notAParam: 1 }).length).toBeGreaterThan(0);
      expect(serverRefuses(plugin, { notAParam: 1 })).toEqual(['notAParam']);
      expect([...serverOnlyHits].sort()).toEqual(SERVER_ONLY[name] ?? []);
      expect(compared).toBeGreaterThan(Object.keys(schema.properties ?? {}).length);
    },
  );

  it("segmenter-kmeans: kMax below kMin passes the form and the server's refusal names kMax", () => {
    const kmeans = builtinPlugins.find((p) => p.manifest.name === 'segmenter-kmeans') as WorkbenchPlugin;
    const schema = paramsJsonSchema(kmeans.manifest.params) as unknown as Schema;
    expect(formRefuses(schema, { kMin: 6, kMax: 4 })).toEqual([]);
    expect(serverRefuses(kmeans, { kMin: 6, kMax: 4 })).toEqual(['kMax']);
  });

  it('segmenter-rules: both refuse a bad operator deep in a rule, at the same path', () => {
    const rules = builtinPlugins.find((p) => p.manifest.name === 'segmenter-rules') as WorkbenchPlugin;
    const schema = paramsJsonSchema(rules.manifest.params) as unknown as Schema;
    const params = { rules: [{ segment: 'Big', when: [{ feature: 'monetary', op: '~', value: 3 }] }] };
    expect(formRefuses(schema, params)).toEqual(['rules.0.when.0.op']);
    expect(serverRefuses(rules, params)).toEqual(['rules.0.when.0.op']);
  });
});
