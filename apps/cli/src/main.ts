import { buildProgram } from './cli';
import { ProcessOutput } from './output';

/**
 * Entry of `workbench` (`npm run workbench -- <command>`). Any error ends the process with exit code 1
 * and one line `error: <message>` on stderr; WORKBENCH_DEBUG=1 adds the stack trace.
 */
async function main(argv: string[]): Promise<number> {
  const out = new ProcessOutput();
  try {
    await buildProgram({ env: process.env, out }).parseAsync(argv);
    return 0;
  } catch (e) {
    out.endProgress();
    const error = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`error: ${error.message}\n`);
    if (process.env.WORKBENCH_DEBUG === '1' && error.stack) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

void main(process.argv).then((code) => {
  process.exitCode = code;
});
