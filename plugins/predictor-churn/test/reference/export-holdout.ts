/**
 * Writes the holdout rows the plugin uses for seed 42 and holdoutFraction 0.2 on the Telco fixture, so
 * the sklearn reference script scores exactly the same customers. From the repository root:
 *
 *   node -r ./tools/register.js plugins/predictor-churn/test/reference/export-holdout.ts
 *
 * The spec `sklearn-reference.spec.ts` checks that the plugin's split still equals this file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labelVector } from '../../src/preprocessing';
import { stratifiedHoldout } from '../../src/split';
import { telcoFrame, type HoldoutFixture } from '../telco';

const SEED = 42;
const FRACTION = 0.2;
const frame = telcoFrame();
const split = stratifiedHoldout(labelVector(frame, 'Churn', 'Yes'), FRACTION, SEED);
const out: HoldoutFixture = {
  seed: SEED,
  holdoutFraction: FRACTION,
  rows: frame.rowCount,
  holdout: Array.from(split.holdout),
};
writeFileSync(join(__dirname, '..', 'fixtures', 'telco-holdout.json'), `${JSON.stringify(out)}\n`);
console.log(`wrote ${split.holdout.length} holdout rows of ${frame.rowCount}`);
