import { categorical, createFeatureFrame, numeric, validateParams } from '@workbench/plugin-sdk';
import { createTestRunContext } from '@workbench/plugin-sdk/testing';
import { onlineRetailFrame, rfmReference } from '../test/online-retail';
import { decodeArtifact } from './artifact';
import plugin from './index';
import { fitQuintiles, RulesParams, scoreFromQuintile } from './internal';

/**
 * The RFM preset against an independent pandas computation (test/reference/rfm_reference.py, output in
 * test/fixtures/rfm-reference.json) on the shipped sample of 4,338 Online Retail customers. Counts and
 * scores must agree exactly; means to 1e-9 relative (summation order differs).
 */
const frame = onlineRetailFrame();
const reference = rfmReference();
const trainedOnce = plugin.train(
  { params: validateParams('segmenter-rules', RulesParams, { preset: 'rfm' }), frame },
  createTestRunContext(),
);

const column = (name: string) => (frame.columns[name] as { values: Float64Array }).values;
const rfmDigits = () => {
  const r = scoreFromQuintile(fitQuintiles(column('recency_days')).quintile, true);
  const f = scoreFromQuintile(fitQuintiles(column('frequency')).quintile, false);
  const m = scoreFromQuintile(fitQuintiles(column('monetary')).quintile, false);
  return Array.from(r, (_, i) => `${r[i]}${f[i]}${m[i]}`).join('');
};

describe('RFM preset against pandas on samples/online-retail-customers.csv', () => {
  it('reads the whole sample', () => {
    expect(frame.rowCount).toBe(reference.customers);
  });

  it('gives every customer the same R, F and M scores as pandas qcut of rank(method=first)', () => {
    expect(rfmDigits()).toBe(reference.rfm_digits);
  });

  it('scores the named customers as pandas does', () => {
    const digits = rfmDigits();
    for (const [id, expected] of Object.entries(reference.named_customers)) {
      const i = frame.ids.indexOf(id);
      expect({ id, R: Number(digits[3 * i]), F: Number(digits[3 * i + 1]), M: Number(digits[3 * i + 2]) }).toEqual({
        id,
        R: expected.R,
        F: expected.F,
        M: expected.M,
      });
    }
  });

  it('puts exactly as many customers into each segment as the regex map does', async () => {
    const trained = await trainedOnce;
    expect(Object.fromEntries(trained.segments.map((s) => [s.label, s.size]))).toEqual(
      Object.fromEntries(Object.entries(reference.segments).map(([name, s]) => [name, s.count])),
    );
  });

  it('names the same segment as pandas for the named customers', async () => {
    const trained = await trainedOnce;
    for (const [id, expected] of Object.entries(reference.named_customers)) {
      expect({ id, segment: trained.segments[trained.assignments.segment[frame.ids.indexOf(id)]].label }).toEqual({
        id,
        segment: expected.segment,
      });
    }
  });

  it('profiles each segment with the mean scores and raw features pandas computes', async () => {
    const trained = await trainedOnce;
    for (const s of trained.segments) {
      const means = reference.segments[s.label].means!;
      const pairs: [string, number][] = [
        ['r_score', means.R],
        ['f_score', means.F],
        ['m_score', means.M],
        ['recency_days', means.recency_days],
        ['frequency', means.frequency],
        ['monetary', means.monetary],
      ];
      for (const [key, expected] of pairs) {
        expect(Math.abs((s.profile[key] as number) - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected));
      }
    }
  });

  it('cuts at the largest value of each quintile, as pandas groups them', async () => {
    const scores = decodeArtifact((await trainedOnce).artifact).rfm!.scores;
    const levels = reference.score_levels;
    // Ascending quintile q of recency is R = 6 − q, so the R cuts are the maxima of R = 5, 4, 3, 2.
    expect(scores[0].cuts.map((c) => c.value)).toEqual([5, 4, 3, 2].map((r) => levels.R[String(r)].max));
    expect(scores[1].cuts.map((c) => c.value)).toEqual([1, 2, 3, 4].map((f) => levels.F[String(f)].max));
    expect(scores[2].cuts.map((c) => c.value)).toEqual([1, 2, 3, 4].map((m) => levels.M[String(m)].max));
  });

  it("segments the README's rule example exactly as numpy.select does (first true condition wins)", async () => {
    const raw = {
      rules: [
        {
          segment: 'Champions',
          when: [
            { feature: 'recency_days', op: '<=', value: 30 },
            { feature: 'frequency', op: '>=', value: 5 },
          ],
        },
        { segment: 'Big spenders', when: [{ feature: 'monetary', op: '>=', value: 5000 }] },
        { segment: 'Lapsed', when: [{ feature: 'recency_days', op: '>', value: 180 }] },
        { segment: 'Champions', when: [{ feature: 'country', op: 'in', values: ['Iceland'] }] },
      ],
      defaultSegment: 'Other',
    };
    const trained = await plugin.train(
      { params: validateParams('segmenter-rules', RulesParams, raw), frame },
      createTestRunContext(),
    );
    expect(Object.fromEntries(trained.segments.map((s) => [s.label, s.size]))).toEqual(reference.rules_example_counts);
  });

  it('assigns the training customers back to their segments from the stored cut points', async () => {
    const trained = await trainedOnce;
    const again = await plugin.assign(trained.artifact, frame, createTestRunContext());
    expect(Array.from(again.segment)).toEqual(Array.from(trained.assignments.segment));
  });

  it('gives every customer its training segment when scored alone (by the model prepared once, as online scoring does), and as a batch', async () => {
    const trained = await trainedOnce;
    const ctx = createTestRunContext();
    const batch = await plugin.assign(trained.artifact, frame, ctx);
    expect(Array.from(batch.segment)).toEqual(Array.from(trained.assignments.segment));
    const prepared = await (plugin.prepare as NonNullable<typeof plugin.prepare>)(trained.artifact, ctx);
    const alone = new Int32Array(frame.rowCount);
    for (let i = 0; i < frame.rowCount; i++) {
      const columns = Object.fromEntries(
        Object.entries(frame.columns).map(([name, c]) => [
          name,
          c.kind === 'numeric' ? numeric([c.values[i]]) : categorical([c.codes[i] < 0 ? null : c.levels[c.codes[i]]]),
        ]),
      );
      alone[i] = (await prepared.assign(createFeatureFrame([frame.ids[i]], columns), ctx)).segment[0];
    }
    const differing = Array.from(alone).filter((s, i) => s !== trained.assignments.segment[i]).length;
    expect(differing).toBe(0);
  });

  it('keeps only the smaller side of each split tie by id in the model', async () => {
    const { rfm } = decodeArtifact((await trainedOnce).artifact);
    for (const score of rfm?.scores ?? []) {
      for (const cut of score.cuts) {
        const split = cut.tiesBelow < cut.ties;
        expect([score.feature, cut.value, cut.minority !== undefined]).toEqual([score.feature, cut.value, split]);
        if (cut.minority) {
          const sizes = [cut.tiesBelow, cut.ties - cut.tiesBelow];
          expect(cut.minority.ids).toHaveLength(cut.minority.side === 'below' ? sizes[0] : sizes[1]);
          expect(cut.minority.ids.length * 2).toBeLessThanOrEqual(cut.ties);
        }
      }
    }
  });
});
