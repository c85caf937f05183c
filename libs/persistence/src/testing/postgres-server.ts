import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The newest PostgreSQL server binaries of this machine (Debian keeps them in /usr/lib/postgresql/<major>/bin). */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((d) => /^\d+$/.test(d))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const bin = majors.map((m) => join(root, m, 'bin')).find((dir) => existsSync(join(dir, 'pg_ctl')));
  if (!bin)
    throw new Error(
      `a test needs PostgreSQL's server binaries (initdb, pg_ctl) under ${root}/<version>/bin; none found`,
    );
  return bin;
}

/**
 * A PostgreSQL server of a test's own (initdb + pg_ctl in a temp folder, on a spare port of 127.0.0.1,
 * trust authentication, user and database `postgres`), for tests that stop and start the database; the
 * machine's own server is never touched. PostgreSQL refuses to run as root: as root, the server runs as
 * the `postgres` system user.
 */
export class PostgresServer {
  private readonly dir = mkdtempSync(join(tmpdir(), 'wb-postgres-'));
  private readonly bin = postgresBin();
  private initialised = false;

  constructor(readonly port: number) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** Creates the cluster on the first call, then starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    const data = join(this.dir, 'data');
    if (!this.initialised) {
      if (userInfo().uid === 0) chownSync(this.dir, ...(await this.postgresUser()));
      await this.as(['initdb', '-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '--no-instructions']);
      this.initialised = true;
    }
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    await this.as([
      'pg_ctl',
      '-D',
      data,
      '-o',
      options,
      '-l',
      join(this.dir, 'server.log'),
      '-w',
      '-t',
      '120',
      'start',
    ]);
  }

  /** Stops the server (fast shutdown: open connections are cut, as in an outage) and waits until it is down. */
  async stop(): Promise<void> {
    if (!this.initialised) return;
    await this.as(['pg_ctl', '-D', join(this.dir, 'data'), '-m', 'fast', '-w', '-t', '120', 'stop']).catch(
      (e: Error) => {
        if (!/is the server running|No such process/i.test(e.message)) throw e;
      },
    );
  }

  /** Stops the server and deletes its folder. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async as([tool, ...args]: string[]): Promise<void> {
    const command = join(this.bin, tool);
    const [file, argv] =
      userInfo().uid === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    try {
      await run(file, argv, { cwd: this.dir });
    } catch (e) {
      const { stderr, stdout } = e as { stderr?: string; stdout?: string };
      throw new Error(`${tool} failed: ${(stderr || stdout || (e as Error).message).trim()}`);
    }
  }

  private async postgresUser(): Promise<[number, number]> {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    return [Number(stdout.trim()), Number(group.trim())];
  }
}
