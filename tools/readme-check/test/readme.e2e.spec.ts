import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase } from '@workbench/persistence/testing';
import { codeBlocks, jsonDocuments, shellCommands, withoutComment, type CodeBlock } from '../src/code-blocks';
import { freePort } from '@workbench/services/testing';

// Replays every ```bash block of the README, as a new user would type it, in a copy of the workspace
// (what git would commit now, with node_modules hard-linked, so the README's `npm install` runs for real
// but fast). Each block runs in its own bash (-euo pipefail) and its own process group; servers it starts
// in the background are stopped when the block has been checked. The only edits made to a block are the
// machine-specific names listed in `localise` (HTTP port, PostgreSQL database, shared artifact folder), so
// that the replay can run beside other work on this machine.
// The README's test commands are not replayed here (this suite is part of them): the test checks that
// .ci/run runs exactly those lines instead.

const repo = resolve(__dirname, '../../..');
const readme = readFileSync(join(repo, 'README.md'), 'utf8');
const ciRun = readFileSync(join(repo, '.ci/run'), 'utf8');
const blocks = codeBlocks(readme).filter((b) => b.lang === 'bash');
const testCommands = ['npm test', 'WORKBENCH_DATASETS=../shared/datasets npm run test:datasets'];

jest.setTimeout(600_000);

let work: string;
let port: number;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'wb-readme-'));
  execFileSync(
    'bash',
    [
      '-c',
      `git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\\0' "$f"; done | tar --null -T - -cf - | tar -xf - -C "${work}"`,
    ],
    { cwd: repo },
  );
  execFileSync('cp', ['-al', join(repo, 'node_modules'), join(work, 'node_modules')]);
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The environment of a new user's shell: nothing of Jest, Nx, npm or a configured workbench. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) =>
        !/^(NX_|JEST_|npm_|WORKBENCH_|SWC_NODE_)/.test(k) &&
        !['DATABASE_URL', 'REDIS_URL', 'NODE_ENV', 'NODE_OPTIONS', 'CI', 'PORT'].includes(k),
    ),
  );
  return { ...env, PORT: String(port), ...extra };
}

interface Replay {
  code: number | null;
  /** stdout and stderr as they came */
  output: string;
  stdout: string;
}

/**
 * Runs a script in the workspace copy in a process group of its own. `whileUp` runs after the script has
 * ended, while anything it started in the background still runs; then the whole group is stopped.
 */
async function replay(
  script: string,
  env: NodeJS.ProcessEnv,
  whileUp?: (output: () => string) => Promise<void>,
): Promise<Replay> {
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: work,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The documents the block prints are read from stdout alone: curl's progress meter (stderr, as its
  // stdout is a pipe here) can land in the middle of a long response.
  let output = '';
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString();
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const stop = () => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // the group has already ended
    }
  };
  try {
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    if (code === 0 && whileUp) await whileUp(() => output);
    return { code, output, stdout };
  } finally {
    stop();
    // let the killed servers release their ports and files before the next block
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The script of a block with the machine-specific names made local to this test. */
function localise(block: CodeBlock, names: Record<string, string> = {}): string {
  let script = block.body.replaceAll('localhost:3000', `localhost:${port}`);
  for (const [from, to] of Object.entries(names)) script = script.replaceAll(from, to);
  return script;
}

function blockUnder(heading: string): CodeBlock {
  const found = blocks.filter((b) => b.heading === heading);
  if (found.length !== 1)
    throw new Error(`expected one bash block under '${heading}' in README.md, found ${found.length}`);
  return found[0];
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const expectSuccess = (r: Replay) => {
  if (r.code !== 0) throw new Error(`the block exited with ${r.code}; its output:\n${r.output}`);
};

/** Runs the checks of a replay; a failure shows the replay's whole output under the failed expectation. */
async function checkOutput(r: Replay, checks: () => void | Promise<void>): Promise<void> {
  try {
    await checks();
  } catch (err) {
    (err as Error).message += `\n\nthe replay's output:\n${r.output}`;
    throw err;
  }
}

/** The replays, by the heading each block sits under: a new block needs its own entry here. */
const replays: Record<string, (block: CodeBlock) => Promise<void>> = {
  'Segment Workbench': async (block) => {
    const commands = shellCommands(block.body).map(withoutComment);
    const tests = commands.filter((c) => testCommands.includes(c));
    expect(tests).toEqual(['npm test']);
    const run = await replay(commands.filter((c) => !testCommands.includes(c)).join('\n'), userEnv());
    expectSuccess(run);
    // the demo: version 1 of the segmentation on version 1 of the sample, its segments and KPIs
    expect(run.output).toMatch(/demo-kmeans v1 · dataset online-retail v1 · segmenter-kmeans@/);
    expect(run.output).toMatch(/^revenue\s+currency units/m);
    expect(run.output).toMatch(/^predictive_clv\s/m);
    // "Run it again and you get version 2 on the same dataset version"
    const again = await replay('npm run demo', userEnv());
    expectSuccess(again);
    expect(again.output).toMatch(/demo-kmeans v2 · dataset online-retail v1 · /);
  },

  'Retraining on new data, embedded': async (block) => {
    const run = await replay(localise(block), userEnv());
    expectSuccess(run);
    await checkOutput(run, () => {
      expect(run.output).toMatch(/rfm-kmeans v1\b/);
      // `events` lists exactly one retrain outcome: v2 of rfm-kmeans, promoted or flagged by the rule
      const outcomes = run.output
        .split('\n')
        .filter((l) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+retrain\.(promoted|flagged)\s/.test(l));
      expect(outcomes).toHaveLength(1);
      expect(outcomes[0]).toMatch(/v2 of 'rfm-kmeans'/);
    });
  },

  'The server': async (block) => {
    const run = await replay(localise(block), userEnv());
    expectSuccess(run);
    await checkOutput(run, () => {
      type Doc = Record<string, unknown>;
      const docs = jsonDocuments(run.stdout) as (Doc | Doc[])[];
      const find = <T>(what: string, test: (d: Doc) => boolean) => {
        const found = docs.find((d) => !Array.isArray(d) && test(d));
        if (!found) throw new Error(`no ${what} in the replay's output`);
        return found as T;
      };
      const upload = find<{ dataset: { name: string }; version: { version: number } }>(
        'upload response',
        (d) => 'dataset' in d && 'version' in d && 'created' in d,
      );
      const segmentation = find<{ name: string; kpis: { plugin: string }[] }>(
        'segmentation',
        (d) => d['name'] === 'rfm-kmeans' && 'kpis' in d,
      );
      const run1 = find<{ version: number; status: string }>('submitted run', (d) => 'seed' in d && 'status' in d);
      const kpis = docs.find((d): d is Doc[] => Array.isArray(d) && d.length > 0 && 'kpi' in d[0]) as {
        kpi: string;
        segmentKey: unknown;
        value: number | null;
      }[];
      // version 1 of 'shop'; the segmentation with its two evaluators; run v1 queued; its KPIs, overall and per segment
      expect([upload.dataset.name, upload.version.version]).toEqual(['shop', 1]);
      expect([segmentation.name, segmentation.kpis.map((k) => k.plugin)]).toEqual([
        'rfm-kmeans',
        ['kpi-standard', 'kpi-clv'],
      ]);
      expect([run1.version, run1.status]).toEqual([1, 'queued']);
      const revenue = kpis.filter((k) => k.kpi === 'revenue');
      expect(revenue.length).toBeGreaterThan(1);
      expect(revenue.find((k) => k.segmentKey === null)?.value).toBeGreaterThan(0);
    });
  },

  'Production build': async (block) => {
    const run = await replay(localise(block), userEnv());
    expectSuccess(run);
    await checkOutput(run, () => {
      // both apps built; the built CLI ran the demo; the built server came up and answered /health (the block's last line)
      expect(run.output).toMatch(/built orchestrator: \d+ files/);
      expect(run.output).toMatch(/built cli: \d+ files/);
      expect(run.output).toMatch(/demo-kmeans v\d+ · dataset online-retail v1 · segmenter-kmeans@/);
      expect(run.output).toMatch(/role all: listening/);
    });
  },

  'Scale: PostgreSQL, Redis and many workers': async (block) => {
    const database = await createTestDatabase('postgresql');
    const home = mkdtempSync(join(tmpdir(), 'wb-readme-shared-'));
    cleanups.push(async () => {
      await database.drop();
      rmSync(home, { recursive: true, force: true });
    });
    const script = localise(block, {
      'postgres://postgres@127.0.0.1:5432/workbench': database.url as string,
      '/srv/workbench': home,
    });
    const run = await replay(
      script,
      userEnv({ WORKBENCH_QUEUE_PREFIX: `readme-${process.pid}-${Date.now()}` }),
      async (output) => {
        // the API answered /health in the block; both workers come up on the same queues
        await until('two workers up', () => (output().match(/worker up/g) ?? []).length >= 2).catch((err: Error) => {
          err.message += `\n\nthe replay's output:\n${output()}`;
          throw err;
        });
      },
    );
    expectSuccess(run);
    await checkOutput(run, () => expect(run.output).toMatch(/role api: listening/));
  },

  'Tests and benchmarks': async (block) => {
    // the public-datasets suite: a test command, run by .ci/run, not replayed here
    expect(shellCommands(block.body).map(withoutComment)).toEqual([
      'WORKBENCH_DATASETS=../shared/datasets npm run test:datasets',
    ]);
  },
};

describe('README.md, replayed', () => {
  beforeAll(async () => {
    port = await freePort();
  });

  it('has a replay for every bash block, and no replay without its block', () => {
    expect(blocks.map((b) => b.heading).sort()).toEqual(Object.keys(replays).sort());
  });

  it('runs its test commands in .ci/run exactly as written', () => {
    const ciLines = ciRun.split('\n').map((l) => l.trim());
    for (const command of testCommands)
      expect(ciLines.some((l) => l === command || l.startsWith(`${command} 2>&1 | tee`))).toBe(true);
  });

  for (const heading of Object.keys(replays)) {
    it(`replays the block under '${heading}'`, async () => {
      await replays[heading](blockUnder(heading));
    });
  }
});
