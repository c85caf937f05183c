import { IsNumber } from 'class-validator';
import {
  createFeatureFrame,
  defineSegmentationModel,
  numeric,
  PluginDefinitionError,
  type SegmentationModel,
} from '@workbench/plugin-sdk';
import { createTestRunContext } from '@workbench/plugin-sdk/testing';
import { decodeAssignments, encodeAssignments } from './assignments-codec';
import { PluginRegistry, UnknownPluginError } from './plugin-registry';
import { PluginContractError, runSegmentation } from './run-segmentation';

class ThresholdParams {
  @IsNumber() threshold = 10;
}

/** A two-segment model: spend below / at or above a threshold. Small enough to check by hand. */
function thresholdModel(
  overrides: Partial<SegmentationModel<ThresholdParams>> = {},
): SegmentationModel<ThresholdParams> {
  return defineSegmentationModel<ThresholdParams>({
    contractVersion: 1,
    manifest: {
      name: 'segmenter-threshold',
      version: '1.0.0',
      kind: 'segmenter',
      sdk: '^1.0.0',
      description: 'splits customers at a spend threshold',
      params: ThresholdParams,
      requires: [{ name: 'spend', type: 'numeric' }],
      artifactFormat: 'threshold/1',
      producesScores: false,
    },
    async train({ params, frame }, ctx) {
      const spend = frame.columns.spend;
      if (spend.kind !== 'numeric') throw new Error('unreachable');
      const segment = Int32Array.from(spend.values, (v) => (v >= params.threshold ? 1 : 0));
      const sizes = [0, 0];
      segment.forEach((s) => sizes[s]++);
      ctx.progress(0.5);
      return {
        artifact: { format: 'threshold/1', bytes: new TextEncoder().encode(String(params.threshold)) },
        segments: [
          { key: 0, label: 'Low', size: sizes[0], profile: {} },
          { key: 1, label: 'High', size: sizes[1], profile: {} },
        ],
        assignments: { segment },
        metrics: {},
      };
    },
    async assign() {
      return { segment: new Int32Array() };
    },
    ...overrides,
  });
}

const frame = createFeatureFrame(['a', 'b', 'c', 'd'], {
  spend: numeric([5, 20, 30, 1]),
  visits: numeric([1, 2, 3, 4]),
});

describe('runSegmentation', () => {
  it('adds shares and revenue shares computed by hand', async () => {
    const outcome = await runSegmentation(
      { model: thresholdModel(), params: { threshold: 10 }, frame, revenueFeature: 'spend' },
      createTestRunContext(),
    );
    // Low = {a: 5, d: 1}, High = {b: 20, c: 30}; total spend 56.
    expect(outcome.segments.map((s) => [s.label, s.size, s.share, s.revenueShare])).toEqual([
      ['Low', 2, 0.5, 6 / 56],
      ['High', 2, 0.5, 50 / 56],
    ]);
  });

  it('validates params before training, naming the field', async () => {
    await expect(
      runSegmentation({ model: thresholdModel(), params: { threshold: 'high' }, frame }, createTestRunContext()),
    ).rejects.toThrow("invalid params for 'segmenter-threshold': threshold: threshold must be a number");
  });

  it('names a required feature the data lacks', async () => {
    const noSpend = createFeatureFrame(['a'], { visits: numeric([1]) });
    await expect(
      runSegmentation({ model: thresholdModel(), params: {}, frame: noSpend }, createTestRunContext()),
    ).rejects.toThrow("plugin 'segmenter-threshold' needs the numeric feature 'spend', which the data does not have");
  });

  it('catches a plugin whose reported sizes disagree with its assignments', async () => {
    const model = thresholdModel({
      async train() {
        return {
          artifact: { format: 'threshold/1', bytes: new Uint8Array() },
          segments: [{ key: 0, label: 'All', size: 3, profile: {} }],
          assignments: { segment: new Int32Array(4) },
          metrics: {},
        };
      },
    });
    await expect(runSegmentation({ model, params: {}, frame }, createTestRunContext())).rejects.toThrow(
      PluginContractError,
    );
  });
});

describe('PluginRegistry', () => {
  it('registers a valid plugin and lists it', () => {
    const registry = new PluginRegistry();
    registry.register(thresholdModel());
    expect(registry.list()).toEqual([
      expect.objectContaining({ name: 'segmenter-threshold', version: '1.0.0', kind: 'segmenter', source: 'builtin' }),
    ]);
    expect(registry.segmentationModel('segmenter-threshold').manifest.version).toBe('1.0.0');
  });

  it('refuses a duplicate name, saying where the first came from', () => {
    const registry = new PluginRegistry();
    registry.register(thresholdModel());
    expect(() => registry.register(thresholdModel(), '/plugins/copy')).toThrow(
      /already registered \(version 1.0.0 from builtin\)/,
    );
  });

  it('refuses a plugin built for another SDK major version', () => {
    const plugin = { ...thresholdModel(), manifest: { ...thresholdModel().manifest, sdk: '^2.0.0' } };
    expect(() => new PluginRegistry().register(plugin)).toThrow(
      'it needs plugin SDK ^2.0.0 but this workbench has SDK 1.0.0',
    );
  });

  it('refuses a module that is not a plugin', () => {
    expect(() => new PluginRegistry().register({ hello: 'world' }, 'some-package')).toThrow(PluginDefinitionError);
  });

  it('names the registered plugins when asked for an unknown one', () => {
    const registry = new PluginRegistry();
    registry.register(thresholdModel());
    expect(() => registry.get('segmenter-kmeans')).toThrow(
      new UnknownPluginError("no plugin named 'segmenter-kmeans' (registered: segmenter-threshold)"),
    );
  });
});

describe('assignments codec', () => {
  it('round-trips ids, segments and scores', () => {
    const back = decodeAssignments(
      encodeAssignments(['x', 'y'], { segment: Int32Array.from([1, 0]), score: Float64Array.from([0.25, 0.75]) }),
    );
    expect([back.ids, Array.from(back.segment), Array.from(back.score ?? [])]).toEqual([
      ['x', 'y'],
      [1, 0],
      [0.25, 0.75],
    ]);
  });
});
