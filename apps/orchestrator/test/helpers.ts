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

export async function startApp(config: WorkbenchConfig, bull?: { lockDurationMs?: number; stalledIntervalMs?: number }): Promise<INestApplication> {
  const app = await createHttpApp(config, { plugins: TEST_PLUGINS, logger: false, bull });
  await app.init();
  return app;
}

/** One API key per role, created the way the CLI creates the first admin key. */
export async function createKeys(app: INestApplication): Promise<Record<Role, string>> {
  const workbench = app.get(Workbench);
  const keys = {} as Record<Role, string>;
  for (const role of ['viewer', 'analyst', 'scientist', 'admin'] as const) keys[role] = (await workbench.apiKeys.create(`test ${role}`, role)).key;
  return keys;
}

/** Polls GET /runs/:id until the run has finished. */
export async function waitForRun(app: INestApplication, key: string, runId: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(app.getHttpServer()).get(`/runs/${runId}`).set('X-API-Key', key).expect(200);
    if (res.body.status === 'succeeded' || res.body.status === 'failed' || res.body.status === 'cancelled') return res.body;
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

/** Starts `test/worker.fixture.ts` as its own process (a real worker: it can be killed with SIGKILL). */
export function spawnWorker(config: WorkbenchConfig, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', './tools/register.js', 'apps/orchestrator/test/worker.fixture.ts'], {
    cwd: ROOT,
    env: { ...process.env, WORKBENCH_ROLE: 'worker', WORKBENCH_HOME: config.home, DATABASE_URL: config.databaseUrl, REDIS_URL: config.redisUrl, WORKBENCH_QUEUE_PREFIX: config.queuePrefix, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    child.stdout?.on('data', (d) => String(d).includes('worker ready') && resolve(child));
    child.on('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready: ${stderr}`)));
  });
}

/** Starts `test/api.fixture.ts` as its own API process; resolves with the child and its base URL. */
export function spawnApi(config: WorkbenchConfig, env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['-r', './tools/register.js', 'apps/orchestrator/test/api.fixture.ts'], {
    cwd: ROOT,
    env: { ...process.env, WORKBENCH_HOME: config.home, DATABASE_URL: config.databaseUrl ?? '', REDIS_URL: config.redisUrl ?? '', WORKBENCH_QUEUE_PREFIX: config.queuePrefix, ...env },
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
