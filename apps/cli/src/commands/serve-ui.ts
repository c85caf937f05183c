import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Workbench } from '@workbench/services';
import type { Output } from '../output';

const ROOT = join(__dirname, '../../../..');
/** The local user's key, in the home it opens (as readable as the database beside it: by its owner only). */
export const UI_KEY_FILE = 'ui-key';

/**
 * The key of this home's local user: made once (role admin: whoever owns the home owns its data),
 * kept in `<home>/ui-key` with mode 0600 and reused by every later `demo --serve`.
 */
export async function localUiKey(workbench: Workbench, home: string): Promise<string> {
  const path = join(home, UI_KEY_FILE);
  const stored = (await readFile(path, 'utf8').catch(() => '')).trim();
  if (stored && (await workbench.apiKeys.authenticate(stored))) return stored;
  const { key } = await workbench.apiKeys.create('local user (workbench demo --serve)', 'admin');
  await writeFile(path, `${key}\n`, { mode: 0o600 });
  return key;
}

export interface ServeOptions {
  home: string;
  port: number;
  key: string;
  env: Record<string, string | undefined>;
  /** Whether stdout is a terminal: only then is the login link (with the key) printed. */
  isTty: boolean;
}

async function waitForHealth(url: string, child: { exitCode: number | null }, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the server stopped before it was up (exit code ${child.exitCode}); see its log above`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the server did not answer ${url} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Starts the orchestrator on 127.0.0.1 for this home (`npm run orchestrator`, which builds the web app
 * first, cached by Nx), waits until it answers, and prints the UI's address. On a terminal the address
 * carries the key in its fragment (`#key=…`), which browsers never send to a server; anywhere else
 * (a log file) only the key file's path is printed. Runs until the server stops (Ctrl-C stops both).
 */
export async function serveUi(out: Output, options: ServeOptions): Promise<void> {
  const child = spawn('npm', ['run', '--silent', 'orchestrator'], {
    cwd: ROOT,
    env: { ...options.env, WORKBENCH_HOME: options.home, PORT: String(options.port), HOST: '127.0.0.1' },
    // Server logs to our stderr: stdout keeps only the address, for whoever reads it.
    stdio: ['ignore', 2, 2],
  });
  const stop = () => child.kill('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const exited = new Promise<number>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 0 : 1))),
  );
  const base = `http://127.0.0.1:${options.port}`;
  await waitForHealth(`${base}/health`, child);
  if (options.isTty) {
    out.line(`Workbench UI (this link logs you in; keep it to yourself): ${base}/ui/login#key=${options.key}`);
  } else {
    out.line(`Workbench UI: ${base}/ui/ (log in with the key in ${join(options.home, UI_KEY_FILE)})`);
  }
  out.note('Ctrl-C stops the server.');
  const code = await exited;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  if (code !== 0) throw new Error(`the server stopped with exit code ${code}`);
}
