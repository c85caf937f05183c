import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/**
 * A full garbage collection, run before allocating GBs of shared memory. V8 does not count SharedArrayBuffers in the
 * memory that prompts it to collect, so such an allocation never frees the ArrayBuffers that died before it: at 100M
 * transactions the ingest's ~2.5 GB stayed while the run input's table was read into shared memory, and the process
 * peaked at 7.7 GiB instead of 5.6 (bench:pipeline, 10M customers). Node offers no collection without
 * `--expose-gc`; set here, that flag gives the `gc` function to the contexts made after it, such as this one.
 */
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
