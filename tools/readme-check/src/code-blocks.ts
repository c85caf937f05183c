/** One fenced code block of a Markdown file, with the heading it sits under. */
export interface CodeBlock {
  /** The text of the nearest heading above the block ('' before the first heading). */
  heading: string;
  /** The fence's info string: `bash` for ```bash. */
  lang: string;
  /** The block's lines, joined with '\n' (no trailing newline). */
  body: string;
  /** 1-based line of the opening fence, for messages. */
  line: number;
}

/**
 * The fenced blocks of a Markdown document (``` and ~~~ fences), in order. Headings inside blocks are not
 * headings. Throws on a fence that is never closed, since a README whose last block swallows the rest of
 * the file would be replayed wrongly.
 */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  let heading = '';
  let open: { fence: string; lang: string; line: number; body: string[] } | undefined;
  lines.forEach((text, index) => {
    if (open) {
      if (text.trimEnd() === open.fence) {
        blocks.push({ heading, lang: open.lang, body: open.body.join('\n'), line: open.line });
        open = undefined;
      } else open.body.push(text);
      return;
    }
    const fence = /^(```+|~~~+)\s*([\w-]*)/.exec(text);
    if (fence) {
      open = { fence: fence[1], lang: fence[2], line: index + 1, body: [] };
      return;
    }
    const title = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (title) heading = title[1];
  });
  if (open) throw new Error(`the code block opened at line ${open.line} is never closed`);
  return blocks;
}

/**
 * The commands of a shell block: comment-only lines dropped, lines ending in `\` joined with the next,
 * trailing comments kept (bash ignores them). Used to compare a README's test commands with `.ci/run`.
 */
export function shellCommands(body: string): string[] {
  const commands: string[] = [];
  let pending = '';
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1).trimEnd() + ' ';
      continue;
    }
    commands.push(pending + line);
    pending = '';
  }
  if (pending) commands.push(pending.trimEnd());
  return commands;
}

/** A command without its trailing `# comment` (outside quotes), trimmed. */
export function withoutComment(command: string): string {
  let quote: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(command[i - 1]))) return command.slice(0, i).trimEnd();
  }
  return command.trim();
}

/**
 * The JSON objects and arrays found in a stream of mixed output (server logs, curl bodies printed without
 * a newline between them), in order. Text that only looks like JSON (`[Nest] …`) is skipped.
 */
export function jsonDocuments(text: string): unknown[] {
  const found: unknown[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '{' && c !== '[') {
      i++;
      continue;
    }
    const end = matchingBracket(text, i);
    if (end > 0) {
      try {
        found.push(JSON.parse(text.slice(i, end + 1)));
        i = end + 1;
        continue;
      } catch {
        // not JSON after all: look again from the next character
      }
    }
    i++;
  }
  return found;
}

/** Index of the bracket closing the one at `start` (strings and escapes respected), or -1. */
function matchingBracket(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
