import { defineSegmentationModel } from '@workbench/plugin-sdk';
import { ARTIFACT_FORMAT } from './artifact';
import { RulesParams } from './rules-params';
import { assignRules, PLUGIN_NAME, prepareRules, trainRules } from './train';

/** Declarative segments: ordered rules over features (first match wins), or the RFM quintile preset. */
export default defineSegmentationModel<RulesParams>({
  contractVersion: 1,
  manifest: {
    name: PLUGIN_NAME,
    version: '1.0.0',
    kind: 'segmenter',
    sdk: '^1.0.0',
    description:
      "ordered declarative rules over features (all conditions of a rule ANDed, first matching rule wins, the rest go to a default segment), or preset 'rfm': rank-quintile R, F, M scores and the R×F segment map",
    params: RulesParams,
    requires: [],
    artifactFormat: ARTIFACT_FORMAT,
    producesScores: false,
    examples: [
      {
        rules: [
          {
            segment: 'Champions',
            when: [
              { feature: 'recency_days', op: '<=', value: 30 },
              { feature: 'frequency', op: '>=', value: 5 },
            ],
          },
          { segment: 'Lapsed', when: [{ feature: 'recency_days', op: '>', value: 180 }] },
          { segment: 'Big spenders', when: [{ feature: 'monetary', op: '>=', value: 5000 }] },
        ],
        defaultSegment: 'Other',
      },
      { preset: 'rfm' },
      {
        preset: 'rfm',
        recencyFeature: 'days_since_last_order',
        frequencyFeature: 'orders',
        monetaryFeature: 'revenue',
      },
      {},
    ],
  },
  train: ({ params, frame }, ctx) => trainRules(params, frame, ctx),
  assign: (artifact, frame, ctx) => assignRules(artifact, frame, ctx),
  prepare: (artifact, ctx) => prepareRules(artifact, ctx),
});
