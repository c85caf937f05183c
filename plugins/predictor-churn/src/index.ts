import { defineSegmentationModel } from '@workbench/plugin-sdk';
import { ARTIFACT_FORMAT } from './artifact';
import { ChurnParams } from './churn-params';
import { assignChurn, PLUGIN_NAME, prepareChurn, trainChurn } from './train';

/** Churn probability per customer from a TensorFlow.js logistic model or MLP; risk tiers Low/Medium/High as the segments. */
export default defineSegmentationModel<ChurnParams>({
  contractVersion: 1,
  manifest: {
    name: PLUGIN_NAME,
    version: '1.0.0',
    kind: 'predictor',
    sdk: '^1.0.0',
    description:
      'TensorFlow.js churn model (logistic regression or MLP on standardised numeric and one-hot categorical features); scores = churn probability, segments = Low/Medium/High risk tiers; holdout AUC, log-loss, Brier and calibration as metrics',
    params: ChurnParams,
    requires: [],
    artifactFormat: ARTIFACT_FORMAT,
    producesScores: true,
    examples: [
      {
        label: 'Churn',
        positiveLabel: 'Yes',
        features: ['tenure', 'MonthlyCharges', 'TotalCharges', 'Contract', 'InternetService', 'PaymentMethod'],
      },
      {
        label: 'churned',
        model: 'mlp',
        hiddenUnits: [16, 8],
        epochs: 40,
        tiers: 'quantiles',
        tierQuantiles: [0.5, 0.8],
      },
      {},
    ],
  },
  train: ({ params, frame }, ctx) => trainChurn(params, frame, ctx),
  assign: (artifact, frame, ctx) => assignChurn(artifact, frame, ctx),
  prepare: (artifact, ctx) => prepareChurn(artifact, ctx),
});
