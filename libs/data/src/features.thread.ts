// A worker thread that computes the features of one range of customers (see customer-feature-range.ts) into the
// shared columns it is given, and says when it is done. It is started before its range is known (its code loads meanwhile) and gets the range as its one message.
import { parentPort } from 'node:worker_threads';
import { computeFeatureRange, type FeatureRangeJob } from './customer-feature-range';

parentPort?.once('message', (job: FeatureRangeJob) => {
  try {
    computeFeatureRange(job);
    parentPort?.postMessage({ done: true });
  } catch (error) {
    parentPort?.postMessage({ error: (error as Error).message ?? String(error) });
  }
});
