import { createFeatureFrame, FeatureRequirementError, numeric, validateParams } from '@workbench/plugin-sdk';
import { createTestRunContext, describeSegmentationModelConformance } from '@workbench/plugin-sdk/testing';
import { onlineRetailFrame } from '../test/online-retail';
import { smallCustomersFrame } from '../test/small-customers';
import { decodeArtifact } from './artifact';
import plugin from './index';
import { RulesParams } from './internal';

const retail = onlineRetailFrame();
const small = smallCustomersFrame();
const params = (raw: unknown) => validateParams('segmenter-rules', RulesParams, raw);

const RULES = {
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

describeSegmentationModelConformance(plugin, { frame: retail, params: RULES as Partial<RulesParams> });
describeSegmentationModelConformance(plugin, { frame: retail, params: { preset: 'rfm' } });

describe('segmenter-rules with rules', () => {
  it('lists segments in rule order, once each, then the default, with sizes and the rules that make them', async () => {
    const trained = await plugin.train({ params: params(RULES), frame: small }, createTestRunContext());
    // c01 (5 days, 12) and c09 (25 days, 8) are Champions; c04 (200 days) and c07 (300 days) Lapsed;
    // nobody spends 5000, nobody is in Iceland.
    expect(trained.segments.map((s) => [s.key, s.label, s.size])).toEqual([
      [0, 'Champions', 2],
      [1, 'Big spenders', 0],
      [2, 'Lapsed', 2],
      [3, 'Other', 6],
    ]);
    expect(trained.segments.map((s) => [s.profile.rule, s.profile.rule_index])).toEqual([
      ['(recency_days <= 30 and frequency >= 5) or country in ("Iceland")', '0, 3'],
      ['monetary >= 5000', '1'],
      ['recency_days > 180', '2'],
      ['otherwise', 'default'],
    ]);
  });

  it('profiles each segment by the mean of every numeric feature the rules use and the commonest category', async () => {
    const trained = await plugin.train({ params: params(RULES), frame: small }, createTestRunContext());
    expect(trained.segments[0].profile).toMatchObject({ recency_days: 15, frequency: 10, monetary: 2150, share: 0.2 }); // c01, c09
    expect(trained.segments[0].profile.country).toBe('France'); // France and Germany tie; the first level wins
    expect(trained.segments[1].profile).toMatchObject({
      recency_days: null,
      frequency: null,
      monetary: null,
      country: null,
      share: 0,
    });
    expect(trained.segments[2].profile).toMatchObject({ recency_days: 250, frequency: 4, monetary: 645 }); // c04, c07
  });

  it('reports how many customers each rule took first', async () => {
    const trained = await plugin.train({ params: params(RULES), frame: small }, createTestRunContext());
    expect(trained.metrics).toEqual({
      rules: 4,
      segments: 4,
      unmatched: 6,
      rule_0_matches: 2,
      rule_1_matches: 0,
      rule_2_matches: 2,
      rule_3_matches: 0,
    });
  });

  it('warns about a rule that takes nobody and a category the data does not have', async () => {
    const ctx = createTestRunContext();
    await plugin.train({ params: params(RULES), frame: small }, ctx);
    expect(ctx.logLines).toContain(`warn rule 3 ('Champions'): country has no customer with "Iceland"`);
    expect(ctx.logLines).toContain(
      `warn rule 1 ('Big spenders') took no customer: its conditions never hold, or earlier rules take all who meet them`,
    );
  });

  it('reports progress after every rule, then 1', async () => {
    const ctx = createTestRunContext();
    await plugin.train({ params: params(RULES), frame: small }, ctx);
    expect(ctx.progressReports.map((p) => p.fraction)).toEqual([1 / 5, 2 / 5, 3 / 5, 4 / 5, 1]);
  });

  it('refuses, before any work, a rule naming a feature the data lacks, naming rule, segment and feature', async () => {
    const raw = { rules: [RULES.rules[0], { segment: 'Frequent', when: [{ feature: 'orders', op: '>', value: 3 }] }] };
    const ctx = createTestRunContext();
    await expect(plugin.train({ params: params(raw), frame: small }, ctx)).rejects.toThrow(
      new FeatureRequirementError(
        "rules.1.when.0.feature (segment 'Frequent'): 'orders' is not in the data, even ignoring case, spaces and punctuation (available: recency_days, frequency, monetary, country)",
      ),
    );
    expect(ctx.progressReports).toEqual([]);
  });

  it("reads the features of rule expressions as the file spells them (online-retail sample), and stores the data's names", async () => {
    const asWritten = {
      ...RULES,
      rules: RULES.rules.map((r) => ({
        ...r,
        when: r.when.map((c) => ({
          ...c,
          feature: { recency_days: 'Recency Days', frequency: 'FREQUENCY', monetary: 'Monetary', country: 'Country' }[
            c.feature
          ],
        })),
      })),
    };
    const exact = await plugin.train({ params: params(RULES), frame: retail }, createTestRunContext());
    const trained = await plugin.train({ params: params(asWritten), frame: retail }, createTestRunContext());
    expect(Array.from(trained.assignments.segment)).toEqual(Array.from(exact.assignments.segment));
    expect(decodeArtifact(trained.artifact).rules.flatMap((r) => r.when.map((c) => c.feature))).toEqual([
      'recency_days',
      'frequency',
      'monetary',
      'recency_days',
      'country',
    ]);
  });

  it('refuses a rule feature that several columns match, naming them', async () => {
    const twice = createFeatureFrame(small.ids, { ...small.columns, Monetary: small.columns.monetary });
    const raw = { rules: [{ segment: 'Big', when: [{ feature: 'MONETARY', op: '>', value: 3 }] }] };
    await expect(plugin.train({ params: params(raw), frame: twice }, createTestRunContext())).rejects.toThrow(
      new FeatureRequirementError(
        "rules.0.when.0.feature (segment 'Big'): 'MONETARY' could mean any of the columns 'monetary', 'Monetary'; name one exactly",
      ),
    );
  });

  it('gives the same result whatever the seed, since no randomness is involved', async () => {
    const a = await plugin.train({ params: params(RULES), frame: retail }, createTestRunContext({ seed: 1 }));
    const b = await plugin.train({ params: params(RULES), frame: retail }, createTestRunContext({ seed: 987654 }));
    expect(Buffer.from(a.artifact.bytes).equals(Buffer.from(b.artifact.bytes))).toBe(true);
    expect(Array.from(a.assignments.segment)).toEqual(Array.from(b.assignments.segment));
  });

  it('assigns new customers by the stored rules, reading categories by name', async () => {
    const trained = await plugin.train({ params: params(RULES), frame: small }, createTestRunContext());
    const newcomers = createFeatureFrame(['n1', 'n2', 'n3'], {
      recency_days: numeric([10, 400, 50]),
      frequency: numeric([9, 1, 1]),
      monetary: numeric([100, 100, 100]),
      country: { kind: 'categorical', codes: Int32Array.from([0, 0, 1]), levels: ['France', 'Iceland'] },
    });
    const assigned = await plugin.assign(trained.artifact, newcomers, createTestRunContext());
    expect(Array.from(assigned.segment, (k) => trained.segments[k].label)).toEqual([
      'Champions',
      'Lapsed',
      'Champions',
    ]);
  });

  it('refuses an artifact of another format', async () => {
    await expect(
      plugin.assign({ format: 'kmeans-json/1', bytes: new Uint8Array() }, small, createTestRunContext()),
    ).rejects.toThrow("segmenter-rules reads 'rules-json/1' artifacts, not 'kmeans-json/1'");
  });
});

describe('segmenter-rules with the RFM preset', () => {
  it('lists the ten segments of the map, empty ones included, and profiles the hand-computed customers', async () => {
    const trained = await plugin.train({ params: params({ preset: 'rfm' }), frame: small }, createTestRunContext());
    // See src/rfm.spec.ts for the hand computation.
    expect(trained.segments.map((s) => `${s.label}:${s.size}`)).toEqual([
      'Champions:1',
      'Loyal Customers:1',
      'Potential Loyalists:1',
      'New Customers:1',
      'Promising:0',
      'Need Attention:1',
      'About To Sleep:1',
      'At Risk:3',
      "Can't Lose Them:0",
      'Hibernating:1',
    ]);
    const atRisk = trained.segments[7].profile; // c04 (R1 F4 M4), c05 (R2 F3 M3), c10 (R2 F4 M3)
    expect(atRisk.rule).toBe('r_score <= 2 and f_score >= 3 and f_score <= 4');
    expect(atRisk.r_score).toBeCloseTo(5 / 3, 12);
    expect(atRisk.f_score).toBeCloseTo(11 / 3, 12);
    expect(atRisk.m_score).toBeCloseTo(10 / 3, 12);
    expect(atRisk.recency_days).toBeCloseTo(440 / 3, 12);
    expect(atRisk.frequency).toBeCloseTo(13 / 3, 12);
    expect(atRisk.monetary).toBeCloseTo(2000 / 3, 12);
  });

  it('stores the training cut points and scores new customers with them, not by re-ranking', async () => {
    const trained = await plugin.train({ params: params({ preset: 'rfm' }), frame: small }, createTestRunContext());
    const scores = decodeArtifact(trained.artifact).rfm!.scores;
    expect(scores.map((s) => [s.score, s.feature, s.cuts.map((c) => c.value)])).toEqual([
      ['r_score', 'recency_days', [5, 25, 60, 150]],
      ['f_score', 'frequency', [1, 2, 3, 6]],
      ['m_score', 'monetary', [90, 300, 400, 1200]],
    ]);
    // Re-ranked on their own, n1 would be the best of three on every score; against the training cut
    // points n1 (20 days → R4, 4 purchases → F4) is Loyal, n2 (3 days → R5, 1 purchase → F1) New,
    // n3 (400 days → R1, 50 purchases → F5) Can't Lose Them.
    const newcomers = createFeatureFrame(['n1', 'n2', 'n3'], {
      recency_days: numeric([20, 3, 400]),
      frequency: numeric([4, 1, 50]),
      monetary: numeric([10, 10, 10]),
    });
    const assigned = await plugin.assign(trained.artifact, newcomers, createTestRunContext());
    expect(Array.from(assigned.segment, (k) => trained.segments[k].label)).toEqual([
      'Loyal Customers',
      'New Customers',
      "Can't Lose Them",
    ]);
  });

  it('reads the RFM features named in params', async () => {
    const renamed = createFeatureFrame(small.ids, {
      days: small.columns.recency_days,
      orders: small.columns.frequency,
      revenue: small.columns.monetary,
    });
    const trained = await plugin.train(
      {
        params: params({
          preset: 'rfm',
          recencyFeature: 'days',
          frequencyFeature: 'orders',
          monetaryFeature: 'revenue',
        }),
        frame: renamed,
      },
      createTestRunContext(),
    );
    expect(trained.segments[0].profile).toMatchObject({ days: 5, orders: 12, revenue: 2500 });
  });

  it('reads the RFM features as the file spells them (online-retail sample)', async () => {
    const exact = await plugin.train({ params: params({ preset: 'rfm' }), frame: retail }, createTestRunContext());
    const asWritten = await plugin.train(
      {
        params: params({
          preset: 'rfm',
          recencyFeature: 'Recency Days',
          frequencyFeature: 'Frequency',
          monetaryFeature: 'MONETARY',
        }),
        frame: retail,
      },
      createTestRunContext(),
    );
    expect(Buffer.from(asWritten.artifact.bytes).equals(Buffer.from(exact.artifact.bytes))).toBe(true);
    expect(Array.from(asWritten.assignments.segment)).toEqual(Array.from(exact.assignments.segment));
  });

  it('names the param and the feature when an RFM feature is absent, categorical or missing', async () => {
    const train = (frame: typeof small) =>
      plugin.train({ params: params({ preset: 'rfm' }), frame }, createTestRunContext());
    await expect(
      train(
        createFeatureFrame(small.ids, { recency_days: small.columns.recency_days, frequency: small.columns.frequency }),
      ),
    ).rejects.toThrow(
      new FeatureRequirementError(
        "monetaryFeature: 'monetary' is not in the data, even ignoring case, spaces and punctuation (available: recency_days, frequency)",
      ),
    );
    await expect(
      train(createFeatureFrame(small.ids, { ...small.columns, frequency: small.columns.country })),
    ).rejects.toThrow("frequencyFeature: feature 'frequency' is categorical; RFM scores need a numeric feature");
    const gappy = numeric([
      ...Array.from((small.columns.monetary as { values: Float64Array }).values.slice(0, 9)),
      null,
    ]);
    await expect(train(createFeatureFrame(small.ids, { ...small.columns, monetary: gappy }))).rejects.toThrow(
      "monetaryFeature: feature 'monetary' is missing for customer 'c10' (row 10); impute or drop it first",
    );
  });

  it('refuses fewer than five customers', async () => {
    const four = createFeatureFrame(['a', 'b', 'c', 'd'], {
      recency_days: numeric([1, 2, 3, 4]),
      frequency: numeric([1, 2, 3, 4]),
      monetary: numeric([1, 2, 3, 4]),
    });
    await expect(plugin.train({ params: params({}), frame: four }, createTestRunContext())).rejects.toThrow(
      'RFM quintile scores need at least 5 customers, and the data has 4',
    );
  });

  it('reports progress after each score and the segment map, then 1', async () => {
    const ctx = createTestRunContext();
    await plugin.train({ params: params({ preset: 'rfm' }), frame: small }, ctx);
    expect(ctx.progressReports.map((p) => p.fraction)).toEqual([1 / 5, 2 / 5, 3 / 5, 4 / 5, 1]);
  });
});
