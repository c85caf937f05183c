import { spawn, type ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';

/** The Redis the integration tests use: REDIS_URL, else the local default. */
export function testRedisUrl(): string {
  return process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
}

/**
 * Throws unless a Redis server answers at `redisUrl`. Use it in a `beforeAll` so that a missing Redis
 * fails the suite with a clear message instead of hanging on ioredis's endless reconnects or skipping.
 */
export async function requireRedis(redisUrl: string, timeoutMs = 2000): Promise<void> {
  try {
    await ping(redisUrl, timeoutMs);
  } catch (error) {
    throw new Error(`Redis is required at ${redisUrl} (set REDIS_URL to use another): ${(error as Error).message}`);
  }
}

function ping(redisUrl: string, timeoutMs: number): Promise<void> {
  const url = new URL(redisUrl);
  const host = url.hostname || '127.0.0.1';
  const port = Number(url.port || 6379);
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let answer = '';
    const finish = (error?: Error) => {
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.setTimeout(timeoutMs, () => finish(new Error(`no answer within ${timeoutMs} ms`)));
    socket.once('error', (error) => finish(error));
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
      if (!answer.includes('\r\n')) return;
      // -NOAUTH still proves a Redis server is listening; the queue then authenticates from the URL.
      if (answer.startsWith('+PONG') || answer.startsWith('-NOAUTH')) finish();
      else finish(new Error(`unexpected answer to PING: ${answer.trim()}`));
    });
    socket.connect(port, host, () => socket.write('PING\r\n'));
  });
}

/** A key prefix no other test uses, so tests sharing one Redis never see each other's jobs. */
export function randomQueuePrefix(label = 'test'): string {
  return `wb-${label}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * A redis-server of a test's own on a spare port of 127.0.0.1 (the machine's Redis is never touched),
 * keeping nothing on disk: stopped and started again, it comes back empty, as a Redis restart without
 * persistence does. Needs `redis-server` on the PATH.
 */
export class RedisServer {
  private child: ChildProcess | undefined;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts it (again) and resolves once it accepts connections. */
  async start(): Promise<void> {
    if (this.isRunning) return;
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (d) => {
        out += d;
        if (out.includes('Ready to accept connections')) resolve();
      });
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`redis-server on port ${this.port} exited with ${code}: ${out}`)));
    });
  }

  /** Stops it (SIGTERM; SIGKILL for a crash) and resolves once it has exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || !this.isRunning) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
}
