import { cliHarness } from '../../test/helpers';

// Audience subscriptions from the command line, on an embedded workbench in a temp home: added, listed, removed.
jest.setTimeout(120_000);

const { workbench, json, cdnowIngest } = cliHarness('audiences', { WORKBENCH_WEBHOOK_ALLOW: '127.0.0.1' });
const HOOK = 'http://127.0.0.1:9/audiences';

describe('workbench audiences', () => {
  beforeAll(async () => {
    await workbench(...cdnowIngest(3001));
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
