// First: decorators (NestJS, MikroORM, class-validator) read and write metadata as their classes load.
import 'reflect-metadata';
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

// `workbench export … | head` closes stdout early; that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

void main(process.argv).then((code) => {
  process.exitCode = code;
  // An error ends the process now, whatever handle a failed command left open (stderr is synchronous on
  // pipes and files here); a finished command gets a little while to let its handles close, never forever.
  if (code !== 0) process.exit(code);
  setTimeout(() => process.exit(code), 10_000).unref();
});
