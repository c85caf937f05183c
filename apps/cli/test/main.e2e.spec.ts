import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The real process, as `npm run workbench` starts it: register.js must be found from the repo root.
const repoRoot = join(__dirname, '../../..');

function workbench(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, WORKBENCH_HOME: mkdtempSync(join(tmpdir(), 'wb-cli-e2e-')) };
  // Embedded on purpose, whatever the machine running the tests has configured.
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.WORKBENCH_DEBUG;
  return spawnSync(process.execPath, ['-r', './tools/register.js', 'apps/cli/src/main.ts', ...args], {
    cwd: repoRoot,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('the workbench process', () => {
  it('runs the demo and prints one JSON document on stdout', () => {
    const result = workbench(['demo', '--json', '--seed', '5']);
    expect(result.stderr).not.toMatch(/^error:/m);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as {
      run: { version: number; status: string };
      segments: { size: number }[];
    };
    expect([report.run.version, report.run.status]).toEqual([1, 'succeeded']);
    expect(report.segments.reduce((sum, s) => sum + s.size, 0)).toBe(4339);
  }, 60_000);

  it('exits 1 with a one-line error for an unknown segmentation', () => {
    const result = workbench(['runs', 'nope']);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe("error: segmentation 'nope' not found\n");
    expect(result.stdout).toBe('');
  }, 60_000);
});
