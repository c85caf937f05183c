import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown } from './markdown';

describe('parseMarkdown', () => {
  it('reads headings, paragraphs joined across lines, lists with wrapped items, and fenced code', () => {
    const blocks = parseMarkdown(
      [
        '# segmenter-kmeans',
        '',
        'A segmentation model',
        'plugin: k-means.',
        '',
        '- first',
        '  goes on',
        '- second',
        '',
        '1. one',
        '2. two',
        '',
        '```bash',
        'npx nx test x',
        '  indented',
        '```',
        '## Params',
      ].join('\n'),
    );
    expect(blocks).toEqual([
      { kind: 'heading', level: 1, inline: [{ kind: 'text', text: 'segmenter-kmeans' }] },
      { kind: 'paragraph', inline: [{ kind: 'text', text: 'A segmentation model plugin: k-means.' }] },
      {
        kind: 'list',
        ordered: false,
        items: [[{ kind: 'text', text: 'first goes on' }], [{ kind: 'text', text: 'second' }]],
      },
      { kind: 'list', ordered: true, items: [[{ kind: 'text', text: 'one' }], [{ kind: 'text', text: 'two' }]] },
      { kind: 'code', text: 'npx nx test x\n  indented' },
      { kind: 'heading', level: 2, inline: [{ kind: 'text', text: 'Params' }] },
    ]);
  });

  it('reads a table with its header, a literal bar in a cell and inline code', () => {
    const [table] = parseMarkdown(
      ['| param | rule |', '|---|:---:|', '| `k` | int 2..50 |', "| `op` | '<' \\| '>' |"].join('\n'),
    );
    expect(table).toEqual({
      kind: 'table',
      head: [[{ kind: 'text', text: 'param' }], [{ kind: 'text', text: 'rule' }]],
      rows: [
        [[{ kind: 'code', text: 'k' }], [{ kind: 'text', text: 'int 2..50' }]],
        [[{ kind: 'code', text: 'op' }], [{ kind: 'text', text: "'<' | '>'" }]],
      ],
    });
  });
});

describe('parseInline', () => {
  it('reads code, bold and http(s) links, and keeps other link targets out', () => {
    expect(
      parseInline('use `k` **only** with [sklearn](https://scikit-learn.org) or [x](javascript:alert(1))'),
    ).toEqual([
      { kind: 'text', text: 'use ' },
      { kind: 'code', text: 'k' },
      { kind: 'text', text: ' ' },
      { kind: 'strong', text: 'only' },
      { kind: 'text', text: ' with ' },
      { kind: 'link', text: 'sklearn', href: 'https://scikit-learn.org' },
      { kind: 'text', text: ' or ' },
      { kind: 'text', text: 'x' },
      { kind: 'text', text: ')' },
    ]);
  });
});
