// A worker thread that reads one part of a transactions file (see transaction-parts.ts) and posts its rows back.
import { parentPort, workerData } from 'node:worker_threads';
import { readPart, type PartJob } from './transaction-parts';

readPart(workerData as PartJob).then(
  ({ output, transfer }) => parentPort?.postMessage({ output }, transfer),
  (error: unknown) => parentPort?.postMessage({ error: (error as Error).message ?? String(error) }),
);
