import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import Redis from 'ioredis';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { randomQueuePrefix, requireRedis, testRedisUrl } from '@workbench/jobs/testing';
import { createTestDatabase } from '@workbench/persistence/testing';
import { freePort } from '@workbench/services/testing';

// What every browser suite needs: the real server (`workbench demo --serve` on a fresh embedded home),
// Debian's Chromium driven by playwright-core, the API beside the page, and the checks each page gets.

export const ROOT = join(__dirname, '../../..');
/** Screenshots of every page, as test artifacts (the root tmp/ folder is gitignored). */
export const SHOTS = join(ROOT, 'tmp/web-e2e');
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Node's options that run the TypeScript sources, as the package.json scripts do (`node -r ./tools/register.js`). */
const TS_NODE = ['-r', './tools/register.js'];

/** A running server and what a test needs to speak to it. */
export interface Server {
  base: string;
  /** An admin key of the server (the embedded demo writes it to `<home>/ui-key`). */
  key: string;
  home: string;
  /** Everything the server printed so far, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts the README's one command, `npm run demo -- … --serve`, on a fresh embedded home (SQLite + in-process
 * queue) and resolves once the UI address is printed. `demoArgs` are the demo's own options; `env` is added
 * to the server's environment.
 */
export async function startDemoServer(
  demoArgs: string[] = ['--k', '3', '--seed', '11'],
  env: Record<string, string> = {},
): Promise<Server> {
  const home = mkdtempSync(join(tmpdir(), 'wb-web-e2e-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const { child, log, stop } = spawnGroup(
    'npm',
    ['run', '--silent', 'demo', '--', ...demoArgs, '--serve', '--port', String(port)],
    { ...env, WORKBENCH_HOME: home },
  );
  try {
    await waitFor(
      'the UI address',
      async () =>
        log().includes('Workbench UI: ')
          ? true
          : child.exitCode !== null
            ? Promise.reject(new Error(log()))
            : undefined,
      600_000,
      log,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  // Not a terminal: the address is printed without the key, which is in the home's key file.
  if (!log().includes(`Workbench UI: ${base}/ui/ (log in with the key in ${join(home, 'ui-key')})`)) {
    await stop();
    throw new Error(`unexpected UI address line:\n${log()}`);
  }
  const key = readFileSync(join(home, 'ui-key'), 'utf8').trim();
  return { base, key, home, log, stop };
}

/** A process group of its own (e.g. npm and the node it starts), its output kept; `stop` ends the whole group. */
function spawnGroup(command: string, args: string[], env: Record<string, string>, prefix = '') {
  let log = '';
  const child: ChildProcess = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.on('data', (d) => (log += prefix + d));
  child.stderr?.on('data', (d) => (log += prefix + d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    log: () => log,
    exited,
    stop: async () => {
      if (child.pid && child.exitCode === null && child.signalCode === null) {
        process.kill(-child.pid, 'SIGTERM');
        // A server that does not end on SIGTERM is a failure of its own, said as such (not a hook's timeout).
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), 60_000)));
        const outcome = await Promise.race([exited, late]);
        clearTimeout(timer);
        if (outcome === 'late') {
          process.kill(-child.pid, 'SIGKILL');
          await exited;
          throw new Error(`${command} ${args.join(' ')} did not exit within 60 s of SIGTERM:\n${log.slice(-4000)}`);
        }
      }
    },
  };
}

/**
 * The scaled-out deployment: the orchestrator's `api` role and one separate `worker` process (the real
 * `apps/orchestrator/src/main.ts`, built-in plugins) on a fresh PostgreSQL database and Redis with a queue
 * prefix of its own. First `workbench demo` fills it as `startDemoServer` does (the CLI works the demo's run
 * itself, on the same Bull queues), then `workbench keys create` makes the admin key, as the README does.
 * Same {@link Server} as the embedded one, so every browser flow runs on both; `stop` ends both processes,
 * drops the database and deletes the queue's Redis keys.
 */
export async function startBullServer(
  demoArgs: string[] = ['--k', '3', '--seed', '11'],
  env: Record<string, string> = {},
): Promise<Server> {
  await requireRedis(testRedisUrl());
  const db = await createTestDatabase('postgresql');
  const prefix = randomQueuePrefix('web');
  const home = mkdtempSync(join(tmpdir(), 'wb-web-bull-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const shared = {
    ...env,
    WORKBENCH_HOME: home,
    DATABASE_URL: db.url ?? '',
    REDIS_URL: testRedisUrl(),
    WORKBENCH_QUEUE_PREFIX: prefix,
  };
  const processes: ReturnType<typeof spawnGroup>[] = [];
  const log = () => processes.map((p) => p.log()).join('');
  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await db.drop();
    const redis = new Redis(testRedisUrl());
    try {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      await redis.quit();
    }
  };
  /** Runs a CLI command to its end; its stdout. */
  const cli = async (args: string[]): Promise<string> => {
    let out = '';
    const run = spawnGroup(
      process.execPath,
      [...TS_NODE, 'apps/cli/src/main.ts', ...args],
      shared,
      `[workbench ${args[0]}] `,
    );
    processes.push(run);
    run.child.stdout?.on('data', (d) => (out += d));
    const code = await run.exited;
    if (code !== 0) throw new Error(`workbench ${args.join(' ')} exited with ${code}:\n${run.log()}`);
    return out;
  };
  try {
    await cli(['demo', ...demoArgs]);
    // The key is made while the two processes start (it is only needed once they are up).
    const key = cli(['keys', 'create', '--role', 'admin', '--name', 'web e2e (Bull + PostgreSQL)']);
    // Started as `npm run orchestrator` starts it, without its `nx run web:build` first (the e2e target has built
    // the app already; Nx without its daemon takes 5-15 s to say so on a loaded machine).
    const api = spawnGroup(
      process.execPath,
      [...TS_NODE, 'apps/orchestrator/src/main.ts', '--role', 'api'],
      { ...shared, PORT: String(port), HOST: '127.0.0.1' },
      '[api] ',
    );
    const worker = spawnGroup(
      process.execPath,
      [...TS_NODE, 'apps/orchestrator/src/main.ts', '--role', 'worker'],
      shared,
      '[worker] ',
    );
    processes.push(api, worker);
    const up = waitFor(
      'the API process and the worker process',
      async () => {
        if (api.child.exitCode !== null || worker.child.exitCode !== null) throw new Error(log());
        const up = await fetch(`${base}/health`).then(
          (r) => r.ok,
          () => false,
        );
        return up && worker.log().includes('worker up') ? true : undefined;
      },
      600_000,
      log,
    );
    const [created] = await Promise.all([key, up]);
    return { base, key: created.trim(), home, log, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A JSON request to the server with an API key (the server's admin key unless `key` is given); throws on non-2xx. */
export async function api<T>(
  server: Pick<Server, 'base' | 'key'>,
  path: string,
  init: { method?: string; body?: unknown; key?: string } = {},
): Promise<T> {
  const res = await fetch(`${server.base}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'X-API-Key': init.key ?? server.key, 'Content-Type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${await res.text()}`);
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Polls `probe` every 250 ms until it gives a value; the timeout's message ends with `context()` (a server log). */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 240_000,
  context: () => string = () => '',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${context().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Debian's Chromium, headless, on a fresh profile. Close the context when done. */
export async function launchBrowser(): Promise<{ context: BrowserContext; page: Page }> {
  mkdirSync(SHOTS, { recursive: true });
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'wb-chromium-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1400, height: 1000 },
    acceptDownloads: true,
  });
  return { context, page: await context.newPage() };
}

/** Logs the page in with `key` the way a user does: the login link with the key in the fragment. */
export async function logIn(page: Page, server: Pick<Server, 'base'>, key: string): Promise<void> {
  await page.goto(`${server.base}/ui/login#key=${key}`);
  await page.waitForURL(`${server.base}/ui/segmentations`);
}

/** No serious or critical accessibility violation on the page as it is now. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map((v) => `${name}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
  ).toEqual([]);
}

/** A full-page screenshot into tmp/web-e2e/<name>.png. */
export const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
