import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

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
