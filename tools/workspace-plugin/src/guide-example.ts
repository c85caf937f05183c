/**
 * Keeps the worked example of docs/writing-a-plugin.md honest: reads the guide's marked code blocks and
 * replays them on a freshly generated plugin, so tools/check-generator.sh can build and test the result.
 *
 * Markers (an HTML comment on the line before the fenced block(s) it governs):
 *   <!-- guide-check: generate -->               next block holds `npx nx g @workbench/tools:plugin <name> --kind <kind>`
 *   <!-- guide-check: replace <file> -->         next two blocks: the text as generated, and what replaces it
 *   <!-- guide-check: append <file> -->          next block is appended to the file
 *
 * Usage (from the workspace root): node -r ./tools/register.js tools/workspace-plugin/src/guide-example.ts <guide> generate|apply
 */
import { readFileSync, writeFileSync } from 'node:fs';

export type GuideStep =
  | { action: 'generate'; name: string; kind: string }
  | { action: 'replace'; file: string; before: string; after: string }
  | { action: 'append'; file: string; text: string };

const MARKER = /^<!-- guide-check: (generate|replace|append)\s*(\S*)\s*-->$/;
const GENERATE = /nx g @workbench\/tools:plugin ([a-z][a-z0-9-]*) --kind (segmenter|predictor|kpi)\b/;

/** The fenced blocks following line `from`, `count` of them; each block's text without its fences. */
function blocksAfter(lines: string[], from: number, count: number): { blocks: string[]; next: number } {
  const blocks: string[] = [];
  let i = from;
  while (blocks.length < count && i < lines.length) {
    if (/^```/.test(lines[i])) {
      const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
      if (end < 0) throw new Error(`unclosed code block at line ${i + 1}`);
      blocks.push(lines.slice(i + 1, end).join('\n') + '\n');
      i = end + 1;
    } else i++;
  }
  if (blocks.length < count)
    throw new Error(`a guide-check marker above line ${from + 1} needs ${count} code block(s) after it`);
  return { blocks, next: i };
}

/** Reads the marked steps of a guide, in order. */
export function parseGuide(markdown: string): GuideStep[] {
  const lines = markdown.split('\n');
  const steps: GuideStep[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = MARKER.exec(lines[i].trim());
    if (!m) continue;
    const [, action, file] = m;
    if (action === 'generate') {
      const { blocks } = blocksAfter(lines, i + 1, 1);
      const g = GENERATE.exec(blocks[0]);
      if (!g)
        throw new Error(
          `line ${i + 1}: the generate block must hold 'nx g @workbench/tools:plugin <name> --kind <kind>'`,
        );
      steps.push({ action, name: g[1], kind: g[2] });
    } else if (!file) {
      throw new Error(`line ${i + 1}: guide-check ${action} needs a file path`);
    } else if (action === 'replace') {
      const { blocks } = blocksAfter(lines, i + 1, 2);
      steps.push({ action, file, before: blocks[0], after: blocks[1] });
    } else {
      const { blocks } = blocksAfter(lines, i + 1, 1);
      steps.push({ action: 'append', file, text: blocks[0] });
    }
  }
  return steps;
}

/** Applies the replace and append steps to the files of `io`; a `before` text that is not in its file exactly once is an error. */
export function applyGuideEdits(
  steps: GuideStep[],
  io: { read(file: string): string; write(file: string, text: string): void },
): void {
  for (const step of steps) {
    if (step.action === 'generate') continue;
    const text = io.read(step.file);
    if (step.action === 'append') {
      io.write(step.file, `${text}\n${step.text}`);
      continue;
    }
    const at = text.indexOf(step.before);
    if (at < 0 || text.indexOf(step.before, at + 1) >= 0) {
      throw new Error(
        `${step.file}: the guide's "before" text is not in the generated file exactly once:\n${step.before}`,
      );
    }
    io.write(step.file, text.slice(0, at) + step.after + text.slice(at + step.before.length));
  }
}

if (require.main === module) {
  const [guide, command] = process.argv.slice(2);
  const steps = parseGuide(readFileSync(guide, 'utf-8'));
  if (command === 'generate') {
    for (const s of steps) if (s.action === 'generate') process.stdout.write(`${s.name} ${s.kind}\n`);
  } else if (command === 'apply') {
    applyGuideEdits(steps, { read: (f) => readFileSync(f, 'utf-8'), write: (f, t) => writeFileSync(f, t) });
  } else {
    process.stderr.write('usage: guide-example.ts <guide.md> generate|apply\n');
    process.exit(2);
  }
}
