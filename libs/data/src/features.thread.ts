// A worker thread that computes the features of one range of customers (see customer-feature-range.ts) and posts
// them back. It is started before its range is known (its code loads meanwhile) and gets the range as its one message.
import { parentPort } from 'node:worker_threads';
import { computeFeatureRange, FEATURE_COLUMNS, type FeatureRangeJob } from './customer-feature-range';

parentPort?.once('message', (job: FeatureRangeJob) => {
  try {
    const result = computeFeatureRange(job);
    // The thread's own buffers (never shared), moved rather than copied.
    const buffers = [...FEATURE_COLUMNS.map((name) => result.out[name].buffer), result.rowOf.buffer] as ArrayBuffer[];
    parentPort?.postMessage(result, buffers);
  } catch (error) {
    parentPort?.postMessage({ error: (error as Error).message ?? String(error) });
  }
});
