import { applyGuideEdits, parseGuide } from './guide-example';

const guide = [
  'Generate it:',
  '<!-- guide-check: generate -->',
  '```sh',
  'npx nx g @workbench/tools:plugin recency-bands --kind segmenter',
  '```',
  '<!-- guide-check: replace plugins/x/src/index.ts -->',
  '```ts',
  'bands = 4;',
  '```',
  'becomes',
  '```ts',
  'bands = 5;',
  '```',
  '<!-- guide-check: append plugins/x/src/index.spec.ts -->',
  '```ts',
  "it('works', () => {});",
  '```',
].join('\n');

describe('guide example', () => {
  it('reads the generate, replace and append steps in order', () => {
    expect(parseGuide(guide)).toEqual([
      { action: 'generate', name: 'recency-bands', kind: 'segmenter' },
      { action: 'replace', file: 'plugins/x/src/index.ts', before: 'bands = 4;\n', after: 'bands = 5;\n' },
      { action: 'append', file: 'plugins/x/src/index.spec.ts', text: "it('works', () => {});\n" },
    ]);
  });

  it('replaces and appends in the files', () => {
    const files = new Map([
      ['plugins/x/src/index.ts', 'class P {\n  bands = 4;\n}\n'],
      ['plugins/x/src/index.spec.ts', '// spec\n'],
    ]);

    applyGuideEdits(parseGuide(guide), { read: (f) => files.get(f) ?? '', write: (f, t) => files.set(f, t) });

    expect(files.get('plugins/x/src/index.ts')).toBe('class P {\n  bands = 5;\n}\n');
    expect(files.get('plugins/x/src/index.spec.ts')).toBe("// spec\n\nit('works', () => {});\n");
  });

  it('fails, quoting the text, when the guide no longer matches the generated file', () => {
    expect(() => applyGuideEdits(parseGuide(guide), { read: () => 'bands = 6;\n', write: () => undefined })).toThrow(
      `plugins/x/src/index.ts: the guide's "before" text is not in the generated file exactly once:\nbands = 4;`,
    );
  });
});
