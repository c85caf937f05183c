import * as semver from 'semver';
import {
  defineKpiEvaluator,
  defineSegmentationModel,
  manifestProblems,
  paramsJsonSchema,
  SDK_VERSION,
  type KpiEvaluator,
  type SegmentationModel,
} from '@workbench/plugin-sdk';
import { existsSync } from 'node:fs';
import { BUILTIN_PLUGIN_MODULES, BUILTIN_PLUGIN_READMES, builtinPlugins } from './index';

// The registry (in @workbench/engine) is out of reach of a composition lib, so these tests repeat its
// checks with the SDK's own helpers: contract and manifest, SDK range, unique names.
describe('builtinPlugins', () => {
  it('ships the k-means segmenter', () => {
    expect(builtinPlugins.map((p) => p.manifest.name)).toContain('segmenter-kmeans');
  });

  it.each(builtinPlugins.map((p) => [p.manifest.name, p] as const))(
    '%s passes the contract and manifest checks',
    (_name, plugin) => {
      expect(manifestProblems(plugin.manifest)).toEqual([]);
      const redefine = () =>
        plugin.manifest.kind === 'kpi'
          ? defineKpiEvaluator(plugin as KpiEvaluator)
          : defineSegmentationModel(plugin as SegmentationModel);
      expect(redefine).not.toThrow();
    },
  );

  it.each(builtinPlugins.map((p) => [p.manifest.name, p.manifest.sdk] as const))(
    '%s is built for this SDK (range %s)',
    (_name, range) => {
      expect(semver.satisfies(SDK_VERSION, range)).toBe(true);
    },
  );

  it('finds the README of every shipped plugin (its folder is named as the plugin)', () => {
    const missing = builtinPlugins
      .map((p) => BUILTIN_PLUGIN_READMES[p.manifest.name])
      .filter((path) => !path || !existsSync(path));
    expect(missing).toEqual([]);
  });

  it("names each plugin's own module, which default-exports that very plugin (what a sandbox thread loads)", () => {
    const exported = builtinPlugins.map(
      (p) => (require(BUILTIN_PLUGIN_MODULES[p.manifest.name]) as { default: unknown }).default,
    );
    expect(exported).toEqual(builtinPlugins);
    exported.forEach((plugin, i) => expect(plugin).toBe(builtinPlugins[i]));
  });

  it('has no name twice', () => {
    const names = builtinPlugins.map((p) => p.manifest.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

/** Every property of a params schema, nested ones included (array items and object properties), with its path. */
function paramPaths(
  properties: Record<string, Record<string, unknown>>,
  prefix = '',
): { path: string; schema: Record<string, unknown> }[] {
  return Object.entries(properties).flatMap(([name, schema]) => {
    const path = `${prefix}${name}`;
    const items = schema.items as Record<string, unknown> | undefined;
    const nested = (schema.properties ?? items?.properties) as Record<string, Record<string, unknown>> | undefined;
    return [{ path, schema }, ...(nested ? paramPaths(nested, `${path}${items ? '[]' : ''}.`) : [])];
  });
}

describe('params JSON Schema of the shipped plugins', () => {
  it.each(builtinPlugins.map((p) => [p.manifest.name, p] as const))(
    '%s describes every param, nested ones included',
    (_name, plugin) => {
      const undescribed = paramPaths(paramsJsonSchema(plugin.manifest.params).properties)
        .filter(({ schema }) => typeof schema.description !== 'string' || schema.description.length < 10)
        .map(({ path }) => path);
      expect(undescribed).toEqual([]);
    },
  );

  it("gives segmenter-rules' nested rules in full, not a bare array", () => {
    const rules = paramsJsonSchema(builtinPlugins.find((p) => p.manifest.name === 'segmenter-rules')!.manifest.params)
      .properties.rules as {
      type: string;
      items: {
        type: string;
        properties: Record<string, { type?: string; items?: { properties?: Record<string, unknown> } }>;
      };
    };
    expect(rules.type).toBe('array');
    expect(rules.items.type).toBe('object');
    expect(Object.keys(rules.items.properties).sort()).toEqual(expect.arrayContaining(['segment', 'when']));
    expect(Object.keys(rules.items.properties.when.items?.properties ?? {}).sort()).toEqual(
      expect.arrayContaining(['feature', 'op']),
    );
  });
});
