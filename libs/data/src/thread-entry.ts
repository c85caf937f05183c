import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * How to start `<name>` of `dir` as a worker thread: the compiled `.js` beside it (a build), or the `.ts` source run
 * through the workspace's register hook (sources run directly, tests).
 */
export function threadEntry(dir: string, name: string): { file: string; execArgv: string[] } {
  const js = join(dir, `${name}.js`);
  if (existsSync(js)) return { file: js, execArgv: [] };
  for (let at = dir; at !== dirname(at); at = dirname(at)) {
    const register = join(at, 'tools', 'register.js');
    if (existsSync(register)) return { file: join(dir, `${name}.ts`), execArgv: ['-r', register] };
  }
  throw new Error(`no ${name}.js beside ${dir} and no tools/register.js above it to run the .ts source`);
}

/**
 * Starts `<name>` of `dir` as a worker thread that answers with one message (see {@link threadEntry}): `answer` is that
 * message, or null when the thread failed first (it could not start, threw, or exited). It loads its code while its
 * caller prepares its job, which goes to it by `worker.postMessage`.
 */
export function startAnsweringThread<T>(dir: string, name: string): { worker: Worker; answer: Promise<T | null> } {
  const entry = threadEntry(dir, name);
  const worker = new Worker(entry.file, { execArgv: entry.execArgv });
  const answer = new Promise<T | null>((resolve) => {
    worker.once('message', (message: T) => resolve(message));
    worker.once('error', () => resolve(null));
    worker.once('exit', () => resolve(null));
  });
  return { worker, answer };
}
