import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { builtinPlugins } from '@workbench/builtin-plugins';
import type { Role } from '@workbench/persistence';
import { loadConfig, Workbench, type WorkbenchConfig } from '@workbench/services';
import { splitAtMedian } from '@workbench/services/testing';
import request from 'supertest';
import { createHttpApp } from '../src/app/bootstrap';

export const SAMPLE = join(__dirname, '../../../samples/online-retail-customers.csv');
export const TEST_PLUGINS = [...builtinPlugins, splitAtMedian];

export function testConfig(overrides: Partial<WorkbenchConfig> = {}): WorkbenchConfig {
  return loadConfig({}, { home: mkdtempSync(join(tmpdir(), 'wb-orchestrator-')), jobBackoffMs: 10, ...overrides });
}

export async function startApp(
  config: WorkbenchConfig,
  bull?: { lockDurationMs?: number; stalledIntervalMs?: number },
): Promise<INestApplication> {
  const app = await createHttpApp(config, { plugins: TEST_PLUGINS, logger: false, bull });
  await app.init();
  return app;
}

/** One API key per role, created the way the CLI creates the first admin key (in an app's workbench, or a workbench on the same database). */
export async function createKeys(app: INestApplication | Workbench): Promise<Record<Role, string>> {
  const workbench = app instanceof Workbench ? app : app.get(Workbench);
  const keys = {} as Record<Role, string>;
  for (const role of ['viewer', 'analyst', 'scientist', 'admin'] as const)
    keys[role] = (await workbench.apiKeys.create(`test ${role}`, role)).key;
  return keys;
}

/** The customers sample uploaded as dataset `name` over HTTP (201 expected) with `key`; the response body. */
export async function uploadSample(
  http: () => ReturnType<typeof request>,
  key: string,
  name = 'retail',
): Promise<{ dataset: { id: string; name: string }; version: { id: string; version: number; rowCount: number } }> {
  const res = await http()
    .post('/datasets')
    .set('X-API-Key', key)
    .field('name', name)
    .attach('file', SAMPLE)
    .expect(201);
  return res.body;
}

/** Polls GET /runs/:id of an app (or an API process's base URL) until the run has finished. */
export async function waitForRun(
  app: INestApplication | string,
  key: string,
  runId: string,
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(typeof app === 'string' ? app : app.getHttpServer())
      .get(`/runs/${runId}`)
      .set('X-API-Key', key)
      .expect(200);
    if (res.body.status === 'succeeded' || res.body.status === 'failed' || res.body.status === 'cancelled')
      return res.body;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${res.body.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ROOT = join(__dirname, '../../..');

/**
 * Bull lock settings of every worker in these tests (worker.fixture.ts uses the same): Bull runs one
 * stalled check per interval across all workers (the first to check sets a key for its own interval), so one
 * worker with the 30 s default would delay everyone's detection of a dead worker to 30 s.
 */
export const BULL = { lockDurationMs: 1000, stalledIntervalMs: 300 };

/** A worker process and what it says about itself: Bull's local 'active' and 'completed' events, one line each. */
export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  /** Ids of the jobs it took (again after a stall) and of those it completed, in order. */
  active: string[];
  completed: string[];
}

/**
 * Starts `test/worker.fixture.ts` as its own process (a real worker: it can be killed with SIGKILL),
 * reporting the jobs it takes and completes; resolves when it is ready.
 */
export function spawnWorker(
  config: WorkbenchConfig,
  env: Record<string, string> = {},
  name = 'worker',
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['-r', './tools/register.js', 'apps/orchestrator/test/worker.fixture.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      WORKBENCH_ROLE: 'worker',
      WORKBENCH_HOME: config.home,
      DATABASE_URL: config.databaseUrl,
      REDIS_URL: config.redisUrl,
      WORKBENCH_QUEUE_PREFIX: config.queuePrefix,
      WORKBENCH_TEST_REPORT_JOBS: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const worker: WorkerProcess = { name, child, active: [], completed: [] };
  return new Promise((resolve, reject) => {
    let stderr = '';
    let pending = '';
    child.stderr?.on('data', (d) => (stderr += d));
    child.stdout?.on('data', (d) => {
      pending += String(d);
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const event = /^job (active|completed) (\S+)/.exec(line);
        if (event) worker[event[1] as 'active' | 'completed'].push(event[2]);
        else if (line === 'worker ready') resolve(worker);
      }
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready: ${stderr}`)),
    );
  });
}

/** Stops a child process (SIGTERM by default) and resolves once it has exited; nothing to do if it already has. */
export async function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/** Starts `test/api.fixture.ts` as its own API process; resolves with the child and its base URL. */
export function spawnApi(
  config: WorkbenchConfig,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['-r', './tools/register.js', 'apps/orchestrator/test/api.fixture.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      WORKBENCH_HOME: config.home,
      DATABASE_URL: config.databaseUrl ?? '',
      REDIS_URL: config.redisUrl ?? '',
      WORKBENCH_QUEUE_PREFIX: config.queuePrefix,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    child.stdout?.on('data', (d) => {
      const port = /api listening (\d+)/.exec(String(d))?.[1];
      if (port) resolve({ child, url: `http://127.0.0.1:${port}` });
    });
    child.on('exit', (code) => reject(new Error(`api exited with ${code} before it was ready: ${stderr}`)));
  });
}
