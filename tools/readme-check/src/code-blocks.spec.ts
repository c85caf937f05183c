import { codeBlocks, jsonDocuments, shellCommands, withoutComment } from './code-blocks';

describe('codeBlocks', () => {
  it('returns each fenced block with its language, heading and opening line', () => {
    const md = ['# Top', '```bash', 'npm test', '```', '', '## Server', 'text', '~~~sh', 'a', 'b', '~~~'].join('\n');
    expect(codeBlocks(md)).toEqual([
      { heading: 'Top', lang: 'bash', body: 'npm test', line: 2 },
      { heading: 'Server', lang: 'sh', body: 'a\nb', line: 8 },
    ]);
  });

  it('does not take a # line inside a block for a heading', () => {
    const md = ['## Real', '```bash', '# a comment', 'echo 1', '```', '```', 'x', '```'].join('\n');
    expect(codeBlocks(md).map((b) => b.heading)).toEqual(['Real', 'Real']);
  });

  it('refuses a block that is never closed, naming its line', () => {
    expect(() => codeBlocks('text\n```bash\nnpm test\n')).toThrow('the code block opened at line 2 is never closed');
  });
});

describe('shellCommands', () => {
  it('drops comment lines and joins continued lines', () => {
    expect(shellCommands('# install\nnpm install \\\n  --no-audit\n\nnpm test   # all\n')).toEqual([
      'npm install --no-audit',
      'npm test   # all',
    ]);
  });
});

describe('withoutComment', () => {
  it('cuts a trailing comment but not a # inside quotes or a word', () => {
    expect(withoutComment('npm test   # all of it')).toBe('npm test');
    expect(withoutComment(`curl -d '{"a":"#1"}' x#y # post`)).toBe(`curl -d '{"a":"#1"}' x#y`);
  });
});

describe('jsonDocuments', () => {
  it('finds bodies printed back to back between log lines, and skips bracketed text that is not JSON', () => {
    const out = '[Nest] 123 LOG started\n  % Total {x\n{"a":1,"s":"}{["}[{"b":[2]}]{"c":"\\"q"}\nrun done';
    expect(jsonDocuments(out)).toEqual([{ a: 1, s: '}{[' }, [{ b: [2] }], { c: '"q' }]);
  });
});
