import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@workbench/services/testing';

// Part of the fault suite (issue 14): two CLIs and a server on one embedded home (SQLite + each
// process's in-process queue), as real processes.
jest.setTimeout(600_000);

const repoRoot = join(__dirname, '../../..');
const FEATURES = { features: ['recency_days', 'frequency', 'monetary'], logFeatures: ['frequency', 'monetary'] };

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(script: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['-r', './tools/register.js', script, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (output.stdout += d));
  child.stderr.on('data', (d) => (output.stderr += d));
  const done = new Promise<Finished>((resolve) => child.on('exit', (code) => resolve({ code, ...output })));
  return { child, output, done };
}

const cli = (home: string, ...args: string[]) => start('apps/cli/src/main.ts', args, { WORKBENCH_HOME: home });

describe('two CLIs and a server on one embedded home', () => {
  const home = mkdtempSync(join(tmpdir(), 'wb-embedded-processes-'));
  let server: ReturnType<typeof start>;
  let base: string;
  let key: string;
  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${base}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', 'x-api-key': key, ...(init.headers ?? {}) },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    const ingest = await cli(home, 'ingest', 'samples/online-retail-customers.csv', '--dataset', 'retail').done;
    expect(ingest.code).toBe(0);
    const created = await cli(home, 'keys', 'create', '--role', 'admin', '--name', 'test', '--json').done;
    key = JSON.parse(created.stdout).key;
    const port = await freePort();
    server = start('apps/orchestrator/src/main.ts', [], { WORKBENCH_HOME: home, PORT: String(port) });
    base = `http://127.0.0.1:${port}`;
    for (
      const deadline = Date.now() + 120_000;
      !/listening on/.test(server.output.stdout + server.output.stderr);
      await new Promise((r) => setTimeout(r, 100))
    ) {
      if (Date.now() > deadline || server.child.exitCode !== null)
        throw new Error(`the server did not start: ${server.output.stderr}`);
    }
  });
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.done;
  });

  it('runs every run exactly once, with no lock error and every CLI exiting 0', async () => {
    expect(
      (
        await api('/segmentations', {
          method: 'POST',
          body: JSON.stringify({ name: 'srv', plugin: 'segmenter-kmeans', dataset: 'retail', params: FEATURES }),
        })
      ).status,
    ).toBe(201);
    const serverRuns: string[] = [];
    for (let i = 0; i < 3; i++) {
      const submitted = await api('/segmentations/srv/runs', { method: 'POST', body: '{}' });
      expect(submitted.status).toBe(202);
      serverRuns.push(submitted.body.id as string);
    }
    // While the server works through its queue, two CLIs start their own in-process workers on the same home.
    const params = JSON.stringify(FEATURES);
    const [a, b] = await Promise.all([
      cli(home, 'run', 'cli-a', '--plugin', 'segmenter-kmeans', '--dataset', 'retail', '--params', params, '--json')
        .done,
      cli(home, 'run', 'cli-b', '--plugin', 'segmenter-kmeans', '--dataset', 'retail', '--params', params, '--json')
        .done,
    ]);
    for (const finished of [a, b]) {
      expect({ code: finished.code, stderr: finished.stderr }).toEqual({
        code: 0,
        stderr: expect.not.stringMatching(/locked|SQLITE_BUSY/i),
      });
    }
    const cliRuns = [a, b].map((f) => (JSON.parse(f.stdout) as { run: { id: string; status: string } }).run);
    expect(cliRuns.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);

    for (const id of serverRuns) {
      for (const deadline = Date.now() + 300_000; ; await new Promise((r) => setTimeout(r, 250))) {
        const run = await api(`/runs/${id}`);
        if (run.body.status === 'succeeded') break;
        if (run.body.status === 'failed' || Date.now() > deadline)
          throw new Error(`server run ${id}: ${JSON.stringify(run.body)}`);
      }
    }
    // Each run was trained by one process only: its model's log line appears once across all of them.
    const logs = [server.output.stdout, server.output.stderr, a.stderr, b.stderr].join('\n');
    expect(logs).not.toMatch(/database is locked|SQLITE_BUSY/i);
    const trainings = (id: string) => logs.split(`run ${id} (segmenter-kmeans): chose k=`).length - 1;
    expect([...serverRuns, ...cliRuns.map((r) => r.id)].map(trainings)).toEqual([1, 1, 1, 1, 1]);
  });

  it('exits non-zero with one error line when a command fails', async () => {
    const failed = await cli(home, 'segments', 'no-such-segmentation@v1').done;
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^error: /m);
  });
});
