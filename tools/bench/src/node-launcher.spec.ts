import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// tools/node.sh: how the package scripts run node (see its comment). Its figures are in tools/bench/README.md.
const root = join(__dirname, '../../..');
const { GLIBC_TUNABLES: _callers, ...baseEnv } = process.env;

function launch(code: string, env: NodeJS.ProcessEnv = {}, launcher = true): string {
  const [command, args] = launcher
    ? ['sh', [join(root, 'tools/node.sh'), '-e', code]]
    : [process.execPath, ['-e', code]];
  return execFileSync(command as string, args as string[], { encoding: 'utf8', env: { ...baseEnv, ...env } }).trim();
}

/** Kilobytes of this process's memory in transparent huge pages once it has filled a 64 MiB buffer. */
const HUGE_KB_AFTER_64_MIB = `new Float64Array(8 << 20).fill(1);
  console.log(/AnonHugePages:\\s+(\\d+)/.exec(require('node:fs').readFileSync('/proc/self/smaps_rollup', 'utf8'))[1]);`;

describe('tools/node.sh', () => {
  it("runs node with glibc's huge-page tunable, after the tunables the caller set", () => {
    expect(launch('console.log(process.env.GLIBC_TUNABLES)')).toBe('glibc.malloc.hugetlb=1');
    expect(launch('console.log(process.env.GLIBC_TUNABLES)', { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' })).toBe(
      'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1',
    );
  });

  it('passes its arguments to node as they are', () => {
    expect(
      execFileSync('sh', [join(root, 'tools/node.sh'), '-p', 'process.argv.slice(1).join("|")', 'a b', '--x=1'], {
        encoding: 'utf8',
      }).trim(),
    ).toBe('a b|--x=1');
  });

  it('puts large buffers in huge pages where the kernel and the C library have them, and only then', () => {
    const mode = /\[(\w+)\]/.exec(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))?.[1];
    const glibc = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header
      .glibcVersionRuntime;
    const tunable = glibc !== undefined && Number(glibc.split('.')[0]) * 100 + Number(glibc.split('.')[1]) >= 235;
    const launched = Number(launch(HUGE_KB_AFTER_64_MIB));
    const plain = Number(launch(HUGE_KB_AFTER_64_MIB, {}, false));
    if (mode === 'never' || (mode === 'madvise' && !tunable)) expect(launched).toBe(0);
    else expect(launched).toBeGreaterThanOrEqual(32 * 1024); // at least half the buffer
    // Without the launcher, huge pages only where the kernel gives them unasked.
    if (mode !== 'always') expect(plain).toBe(0);
  });

  it('is how every package script that runs node runs it', () => {
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;
    const runningNode = Object.entries(scripts).filter(([, command]) => /(^|&&\s*|\s)node\s/.test(command));
    expect(runningNode.map(([name]) => name)).toEqual([]);
    const launched = Object.keys(scripts).filter((name) => scripts[name].includes('sh tools/node.sh '));
    expect(launched).toEqual(
      expect.arrayContaining(['workbench', 'orchestrator', 'start', 'bench:peer', 'bench:pipeline']),
    );
  });
});
