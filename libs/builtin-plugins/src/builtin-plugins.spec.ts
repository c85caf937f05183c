import * as semver from 'semver';
import { defineKpiEvaluator, defineSegmentationModel, manifestProblems, SDK_VERSION, type KpiEvaluator, type SegmentationModel } from '@workbench/plugin-sdk';
import { builtinPlugins } from './index';

// The registry (in @workbench/engine) is out of reach of a composition lib, so these tests repeat its
// checks with the SDK's own helpers: contract and manifest, SDK range, unique names.
describe('builtinPlugins', () => {
  it('ships the k-means segmenter', () => {
    expect(builtinPlugins.map((p) => p.manifest.name)).toContain('segmenter-kmeans');
  });

  it.each(builtinPlugins.map((p) => [p.manifest.name, p] as const))('%s passes the contract and manifest checks', (_name, plugin) => {
    expect(manifestProblems(plugin.manifest)).toEqual([]);
    const redefine = () =>
      plugin.manifest.kind === 'kpi' ? defineKpiEvaluator(plugin as KpiEvaluator) : defineSegmentationModel(plugin as SegmentationModel);
    expect(redefine).not.toThrow();
  });

  it.each(builtinPlugins.map((p) => [p.manifest.name, p.manifest.sdk] as const))('%s is built for this SDK (range %s)', (_name, range) => {
    expect(semver.satisfies(SDK_VERSION, range)).toBe(true);
  });

  it('has no name twice', () => {
    const names = builtinPlugins.map((p) => p.manifest.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
