import * as semver from 'semver';
import { RunAbortedError } from '../errors';
import { kpiResultProblem, type KpiEvaluator, type KpiInput, type KpiResult } from '../kpi';
import { manifestProblems, type PluginManifest } from '../manifest';
import { validateParams } from '../params';
import { SDK_VERSION } from '../version';
import { createTestRunContext } from './run-context';

export interface KpiConformanceFixture<P extends object> {
  /** A small real input (frame, assignments, segments, reference date, transactions, tables) the evaluator computes in well under a second. */
  input: Omit<KpiInput<P>, 'params'>;
  /** Raw params for the fixture (validated through the params class, as the host does). */
  params?: Partial<P>;
}

type TypedArray = Int32Array | Uint8Array | Float64Array;

/** Copies of every typed array of an input, to see whether evaluating it wrote into them. */
function arraysOf(input: KpiConformanceFixture<object>['input']): [string, TypedArray][] {
  const out: [string, TypedArray][] = [];
  const frame = (prefix: string, f: KpiInput<object>['frame']) => {
    for (const [name, column] of Object.entries(f.columns))
      out.push([`${prefix}.${name}`, column.kind === 'numeric' ? column.values : column.codes]);
  };
  frame('frame', input.frame);
  out.push(['assignments.segment', input.assignments.segment]);
  for (const [name, column] of Object.entries(input.transactions ?? {}))
    out.push([`transactions.${name}`, column as TypedArray]);
  for (const [name, table] of Object.entries(input.tables ?? {})) frame(`tables.${name}`, table);
  return out.map(([name, a]) => [name, a.slice()]);
}

/**
 * The contract every KPI evaluator must keep, as Jest tests: the host's checks of each figure (a declared
 * KPI, a segment of the run, a finite number or null with a note), the unit its manifest declares,
 * determinism for a seed, an untouched input, JSON details, and stopping when the run is cancelled. Call
 * it from the plugin's own spec file:
 *
 * @example
 * import plugin from './index';
 * import { describeKpiEvaluatorConformance } from '@workbench/plugin-sdk/testing';
 * describeKpiEvaluatorConformance(plugin, { input: { frame, assignments, segments, referenceDate, transactions }, params: { windowDays: 365 } });
 */
export function describeKpiEvaluatorConformance<P extends object>(
  evaluator: KpiEvaluator<P>,
  fixture: KpiConformanceFixture<P>,
): void {
  const name = evaluator.manifest.name;
  const params = () => validateParams(name, evaluator.manifest.params, fixture.params ?? {});
  const evaluate = (seed = 42, signal?: AbortSignal): Promise<KpiResult[]> =>
    evaluator.evaluate({ ...fixture.input, params: params() }, createTestRunContext({ seed, signal }));

  describe(`${name} keeps the KPI evaluator contract`, () => {
    it('has a valid manifest that defines each KPI once, with a title, a unit and a definition', () => {
      expect(manifestProblems(evaluator.manifest as unknown as PluginManifest<object>)).toEqual([]);
      expect(evaluator.manifest.kind).toBe('kpi');
      const keys = evaluator.manifest.kpis.map((k) => k.key);
      expect(new Set(keys).size).toBe(keys.length);
      for (const k of evaluator.manifest.kpis)
        expect(
          [k.key, k.title, k.unit, k.definition].filter((text) => typeof text !== 'string' || text.trim() === ''),
        ).toEqual([]);
    });

    it(`is built for this SDK (${SDK_VERSION})`, () => {
      expect(semver.satisfies(SDK_VERSION, evaluator.manifest.sdk)).toBe(true);
    });

    it('accepts its default params and the fixture params', () => {
      expect(() => validateParams(name, evaluator.manifest.params, {})).not.toThrow();
      expect(() => params()).not.toThrow();
    });

    // One evaluation serves the checks of what it returns; the input is copied before it, to see it unchanged after.
    let before: [string, TypedArray][];
    let results: KpiResult[];
    beforeAll(async () => {
      before = arraysOf(fixture.input);
      results = await evaluate();
    });

    it('returns only figures the host accepts, each in the unit its manifest declares', () => {
      expect(results.length).toBeGreaterThan(0);
      const declared = new Map(evaluator.manifest.kpis.map((k) => [k.key, k.unit]));
      const segments = new Set(fixture.input.segments.map((s) => s.key));
      expect(
        results.map((r) => kpiResultProblem(r, name, new Set(declared.keys()), segments)).filter((p) => p !== null),
      ).toEqual([]);
      expect(results.filter((r) => r.unit !== declared.get(r.kpi)).map((r) => `${r.kpi}: '${r.unit}'`)).toEqual([]);
    });

    it('keeps the details of each figure to JSON', () => {
      for (const r of results)
        if (r.details !== undefined) expect(JSON.parse(JSON.stringify(r.details))).toEqual(r.details);
    });

    it('leaves its input unchanged', () => {
      const after = new Map(arraysOf(fixture.input));
      const changed = before.filter(
        ([name, copy]) => !Buffer.from(copy.buffer).equals(Buffer.from(after.get(name)?.buffer ?? new ArrayBuffer(0))),
      );
      expect(changed.map(([name]) => name)).toEqual([]);
    });

    it('gives the same figures for the same seed', async () => {
      expect(await evaluate()).toEqual(results);
    });

    it('stops with RunAbortedError when the run is cancelled', async () => {
      const controller = new AbortController();
      controller.abort('cancelled by the test');
      await expect(evaluate(42, controller.signal)).rejects.toBeInstanceOf(RunAbortedError);
    });
  });
}
