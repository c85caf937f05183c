// A worker thread that reads one part of a transactions file (see transaction-parts.ts) and posts its rows back.
// It is started before its part is known (its code loads meanwhile) and gets the part as its one message.
import { parentPort } from 'node:worker_threads';
import { readPart, type PartJob } from './transaction-parts';

parentPort?.once('message', (job: PartJob) => {
  void readPart(job).then(
    ({ output, transfer }) => parentPort?.postMessage({ output }, transfer),
    (error: unknown) => parentPort?.postMessage({ error: (error as Error).message ?? String(error) }),
  );
});
