// Markdown-lite for plugin READMEs: the block and inline forms the shipped READMEs use (headings,
// paragraphs, lists, tables, fenced code; `code`, **bold**, [links](url)), parsed into data the page renders
// as React elements — never as HTML, so a README cannot inject markup. Anything else shows as plain text.

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'strong'; text: string }
  | { kind: 'link'; text: string; href: string };

export type Block =
  | { kind: 'heading'; level: number; inline: Inline[] }
  | { kind: 'paragraph'; inline: Inline[] }
  | { kind: 'list'; ordered: boolean; items: Inline[][] }
  | { kind: 'table'; head: Inline[][]; rows: Inline[][][] }
  | { kind: 'code'; text: string };

const INLINE = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;

/** Inline spans of one line of text. A link keeps its target only when it is http(s). */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let at = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > at) out.push({ kind: 'text', text: text.slice(at, m.index) });
    if (m[1] !== undefined) out.push({ kind: 'code', text: m[1] });
    else if (m[2] !== undefined) out.push({ kind: 'strong', text: m[2] });
    else if (/^https?:\/\//.test(m[4])) out.push({ kind: 'link', text: m[3], href: m[4] });
    else out.push({ kind: 'text', text: m[3] });
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push({ kind: 'text', text: text.slice(at) });
  return out;
}

/** The cells of a table row `| a | b |`; a `\|` inside a cell is a literal bar. */
const cells = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => parseInline(c.trim().replace(/\\\|/g, '|')));

const LIST_ITEM = /^\s*(?:([-*])|(\d+)\.)\s+(.*)$/;
const TABLE_RULE = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;

/** The blocks of a markdown text. */
export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '') {
      i++;
      continue;
    }
    if (line.startsWith('```')) {
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].startsWith('```'); i++) body.push(lines[i]);
      blocks.push({ kind: 'code', text: body.join('\n') });
      i++;
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      blocks.push({ kind: 'heading', level: heading[1].length, inline: parseInline(heading[2]) });
      i++;
      continue;
    }
    if (line.trim().startsWith('|') && TABLE_RULE.test(lines[i + 1] ?? '')) {
      const head = cells(line);
      const rows: Inline[][][] = [];
      for (i += 2; i < lines.length && lines[i].trim().startsWith('|'); i++) rows.push(cells(lines[i]));
      blocks.push({ kind: 'table', head, rows });
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      const ordered = item[2] !== undefined;
      const items: string[] = [];
      for (; i < lines.length && lines[i].trim() !== ''; i++) {
        const next = LIST_ITEM.exec(lines[i]);
        if (next) items.push(next[3]);
        else items[items.length - 1] += ` ${lines[i].trim()}`; // a wrapped item goes on
      }
      blocks.push({ kind: 'list', ordered, items: items.map(parseInline) });
      continue;
    }
    const text: string[] = [];
    for (; i < lines.length && lines[i].trim() !== ''; i++) {
      if (lines[i].startsWith('```') || /^#{1,6}\s/.test(lines[i]) || (text.length > 0 && LIST_ITEM.test(lines[i])))
        break;
      text.push(lines[i].trim());
    }
    blocks.push({ kind: 'paragraph', inline: parseInline(text.join(' ')) });
  }
  return blocks;
}
