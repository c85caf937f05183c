import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturePath } from '@workbench/plugin-sdk/testing';
import { buildProgram } from '../src/cli';
import { MemoryOutput } from '../src/output';

export const fixtures = join(__dirname, 'fixtures');

/**
 * The real command line (commander parses the flags) run in-process on an embedded workbench in a fresh temp
 * home, its output captured; `scratch` is a temp folder for the files a spec makes. `attempt` answers the error
 * with the output written before it, `workbench` throws it.
 */
export function cliHarness(name: string, env: Record<string, string> = {}) {
  const home = mkdtempSync(join(tmpdir(), `wb-cli-${name}-`));
  const scratch = mkdtempSync(join(tmpdir(), `wb-cli-${name}-files-`));

  async function attempt(...args: string[]): Promise<{ out: MemoryOutput; error?: Error }> {
    const out = new MemoryOutput();
    try {
      await buildProgram({ env: { WORKBENCH_HOME: home, ...env }, out })
        .exitOverride()
        .parseAsync(['node', 'workbench', ...args]);
      return { out };
    } catch (error) {
      return { out, error: error as Error };
    }
  }

  async function workbench(...args: string[]): Promise<MemoryOutput> {
    const { out, error } = await attempt(...args);
    if (error) throw error;
    return out;
  }

  const json = async <T>(...args: string[]): Promise<T> =>
    JSON.parse((await workbench(...args, '--json')).stdout.join('\n'));

  function file(name: string, content: string | Buffer): string {
    const path = join(scratch, name);
    writeFileSync(path, content);
    return path;
  }

  /**
   * The arguments of `workbench ingest` reading the first `lines` lines of the CDNOW elog fixture (header
   * included; all of them when omitted) as the transactions of dataset 'shop'.
   */
  function cdnowIngest(lines?: number): string[] {
    const elog = readFileSync(fixturePath('cdnowElog.csv'), 'utf8').trim().split('\n');
    const path = file(`elog-${lines ?? 'all'}.csv`, elog.slice(0, lines).join('\n'));
    return [
      'ingest',
      path,
      '--dataset',
      'shop',
      '--kind',
      'transactions',
      '--map',
      'customerId=masterid,timestamp=date,amount=sales',
    ];
  }

  return { home, scratch, attempt, workbench, json, file, cdnowIngest };
}
