import * as semver from 'semver';
import { RunAbortedError } from '../errors';
import type { FeatureFrame } from '../frame';
import { manifestProblems, type PluginManifest } from '../manifest';
import type { SegmentationModel } from '../model';
import { validateParams } from '../params';
import { SDK_VERSION } from '../version';
import { createTestRunContext } from './run-context';

export interface ConformanceFixture<P extends object> {
  /** A small real frame the plugin can train on in well under a second. */
  frame: FeatureFrame;
  /** Raw params for the fixture (validated through the params class, as the host does). */
  params?: Partial<P>;
}

/**
 * The contract every segmentation model must keep, as Jest tests. Call it from the plugin's own
 * spec file:
 *
 * @example
 * import plugin from './index';
 * import { describeSegmentationModelConformance } from '@workbench/plugin-sdk/testing';
 * describeSegmentationModelConformance(plugin, { frame: mallFrame(), params: { k: 5 } });
 */
export function describeSegmentationModelConformance<P extends object>(
  model: SegmentationModel<P>,
  fixture: ConformanceFixture<P>,
): void {
  const name = model.manifest.name;
  const params = () => validateParams(name, model.manifest.params, fixture.params ?? {});

  describe(`${name} keeps the plugin contract`, () => {
    it('has a valid manifest', () => {
      expect(manifestProblems(model.manifest as unknown as PluginManifest<object>)).toEqual([]);
    });

    it(`is built for this SDK (${SDK_VERSION})`, () => {
      expect(semver.satisfies(SDK_VERSION, model.manifest.sdk)).toBe(true);
    });

    it('accepts its default params and the fixture params', () => {
      expect(() => validateParams(name, model.manifest.params, {})).not.toThrow();
      expect(() => params()).not.toThrow();
    });

    it('puts every row into exactly one of the segments it reports', async () => {
      const trained = await model.train({ params: params(), frame: fixture.frame }, createTestRunContext());
      const keys = trained.segments.map((s) => s.key);
      expect(keys).toEqual(keys.map((_, i) => i));
      expect(trained.assignments.segment).toHaveLength(fixture.frame.rowCount);
      const sizes = new Array<number>(keys.length).fill(0);
      for (const s of trained.assignments.segment) {
        expect(s >= 0 && s < keys.length).toBe(true);
        sizes[s]++;
      }
      expect(trained.segments.map((s) => s.size)).toEqual(sizes);
      if (model.manifest.producesScores) expect(trained.assignments.score).toHaveLength(fixture.frame.rowCount);
    });

    it('is deterministic for a fixed seed', async () => {
      const a = await model.train({ params: params(), frame: fixture.frame }, createTestRunContext({ seed: 11 }));
      const b = await model.train({ params: params(), frame: fixture.frame }, createTestRunContext({ seed: 11 }));
      expect(Array.from(b.assignments.segment)).toEqual(Array.from(a.assignments.segment));
      expect(Buffer.from(b.artifact.bytes).equals(Buffer.from(a.artifact.bytes))).toBe(true);
      expect(b.metrics).toEqual(a.metrics);
    });

    it('assigns the training data back to the segments it trained', async () => {
      const trained = await model.train({ params: params(), frame: fixture.frame }, createTestRunContext());
      const again = await model.assign(trained.artifact, fixture.frame, createTestRunContext());
      expect(Array.from(again.segment)).toEqual(Array.from(trained.assignments.segment));
    });

    it('reports progress from 0 to 1 without going back', async () => {
      const ctx = createTestRunContext();
      await model.train({ params: params(), frame: fixture.frame }, ctx);
      const fractions = ctx.progressReports.map((p) => p.fraction);
      expect(fractions.length).toBeGreaterThan(0);
      fractions.forEach((f, i) => {
        expect(f >= 0 && f <= 1).toBe(true);
        if (i > 0) expect(f).toBeGreaterThanOrEqual(fractions[i - 1]);
      });
      expect(fractions.at(-1)).toBe(1);
    });

    it('stops with RunAbortedError when aborted before it starts', async () => {
      const controller = new AbortController();
      controller.abort('cancelled by the test');
      await expect(
        model.train({ params: params(), frame: fixture.frame }, createTestRunContext({ signal: controller.signal })),
      ).rejects.toBeInstanceOf(RunAbortedError);
    });

    it('stops with RunAbortedError when aborted while it runs', async () => {
      const controller = new AbortController();
      const ctx = createTestRunContext({
        signal: controller.signal,
        onProgress: () => controller.abort('cancelled by the test'),
      });
      await expect(model.train({ params: params(), frame: fixture.frame }, ctx)).rejects.toBeInstanceOf(
        RunAbortedError,
      );
    });
  });
}
