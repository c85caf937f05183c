import { Writable } from 'node:stream';
import { ProcessOutput } from './output';

function sink() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('ProcessOutput', () => {
  it('prints a progress line per quarter done when stderr is not a terminal', () => {
    const out = sink();
    const err = sink();
    const output = new ProcessOutput(out.stream, err.stream, false);
    for (const f of [0, 0.1, 0.3, 0.35, 0.6, 0.99, 1]) output.progress(f, `at ${f}`);
    output.endProgress();
    expect(err.text()).toBe('25%  at 0.3\n50%  at 0.6\n75%  at 0.99\n100%  at 1\n');
    expect(out.text()).toBe('');
  });

  it('redraws one bar on a terminal and keeps it below status lines', () => {
    const err = sink();
    const output = new ProcessOutput(sink().stream, err.stream, true);
    output.progress(0.5, 'k=3');
    output.note('hello');
    output.endProgress();
    const bar = `[${'#'.repeat(15)}${'-'.repeat(15)}]  50%  k=3`;
    expect(err.text()).toBe(`\r\x1b[2K${bar}\r\x1b[2Khello\n${bar}\n`);
  });
});
