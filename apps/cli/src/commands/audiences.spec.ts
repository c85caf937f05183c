import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturePath } from '@workbench/plugin-sdk/testing';
import { buildProgram } from '../cli';
import { MemoryOutput } from '../output';

// Audience subscriptions from the command line, on an embedded workbench in a temp home: added, listed, removed.
jest.setTimeout(120_000);

const home = mkdtempSync(join(tmpdir(), 'wb-cli-audiences-'));
const scratch = mkdtempSync(join(tmpdir(), 'wb-cli-audiences-files-'));
const HOOK = 'http://127.0.0.1:9/audiences';

async function workbench(...args: string[]): Promise<MemoryOutput> {
  const out = new MemoryOutput();
  await buildProgram({ env: { WORKBENCH_HOME: home, WORKBENCH_WEBHOOK_ALLOW: '127.0.0.1' }, out })
    .exitOverride()
    .parseAsync(['node', 'workbench', ...args]);
  return out;
}
const json = async <T>(...args: string[]): Promise<T> =>
  JSON.parse((await workbench(...args, '--json')).stdout.join('\n'));

describe('workbench audiences', () => {
  beforeAll(async () => {
    const path = join(scratch, 'elog.csv');
    writeFileSync(
      path,
      readFileSync(fixturePath('cdnowElog.csv'), 'utf8').trim().split('\n').slice(0, 3001).join('\n'),
    );
    await workbench(
      'ingest',
      path,
      '--dataset',
      'shop',
      '--kind',
      'transactions',
      '--map',
      'customerId=masterid,timestamp=date,amount=sales',
    );
    const params = JSON.stringify({ features: ['recency_days', 'frequency'], k: 2 });
    await workbench('run', 'shop-kmeans', '--plugin', 'segmenter-kmeans', '--dataset', 'shop', '--params', params);
  });

  it('removes a subscription: it is no longer listed, and removing it again names it as not found', async () => {
    const first = await json<{ id: string }>('audiences', 'add', 'shop-kmeans', '--webhook', HOOK, '--chunk', '100');
    const second = await json<{ id: string }>('audiences', 'add', 'shop-kmeans', '--webhook', `${HOOK}/2`);
    expect((await json<{ id: string }[]>('audiences', 'list')).map((s) => s.id)).toEqual([first.id, second.id]);

    expect((await workbench('audiences', 'remove', first.id)).stdout).toEqual([
      `audience subscription ${first.id} deleted: its webhook gets no more changes; its past changes stay in the events`,
    ]);
    expect((await json<{ id: string; webhookUrl: string }[]>('audiences', 'list')).map((s) => s.id)).toEqual([
      second.id,
    ]);
    await expect(workbench('audiences', 'remove', first.id)).rejects.toThrow(
      `audience subscription '${first.id}' not found`,
    );
  });
});
