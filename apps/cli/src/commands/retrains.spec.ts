import { cliHarness } from '../../test/helpers';

// Retrains from the command line, on an embedded workbench in a temp home: a policy whose rule no candidate can
// meet flags every retrain, and a person promotes or rejects it with `workbench retrains promote|reject`, as the
// web app's buttons do; policies are disabled, enabled and removed.
jest.setTimeout(120_000);

const { workbench, json, cdnowIngest } = cliHarness('retrains');

type Retrain = {
  id: string;
  status: string;
  run: { version: number } | null;
  review: { decision: string; by: string } | null;
};
const champion = async () => (await json<{ run: { version: number } }>('segments', 'shop-kmeans@champion')).run.version;

describe('workbench retrains and policies', () => {
  const ingest = (lines: number) => workbench(...cdnowIngest(lines));
  let policy: string;

  beforeAll(async () => {
    await ingest(3001);
    const params = JSON.stringify({ features: ['recency_days', 'frequency'], k: 2 });
    await workbench(
      'run',
      'shop-kmeans',
      '--plugin',
      'segmenter-kmeans',
      '--dataset',
      'shop',
      '--params',
      params,
      '--seed',
      '1',
    );
    await workbench('promote', 'shop-kmeans@v1', '--alias', 'champion');
    policy = (await json<{ id: string }>('policies', 'add', 'shop-kmeans', '--rule', 'ari >= 2')).id;
  });

  it('lists a flagged candidate as waiting, rejects it (the champion stays), and refuses to promote it afterwards', async () => {
    await ingest(5001);
    const [flagged] = await json<Retrain[]>('retrains', 'list', 'shop-kmeans');
    expect(flagged).toMatchObject({ status: 'flagged', run: { version: 2 }, review: null });
    expect((await workbench('retrains')).stdout.join('\n')).toMatch(/flagged +v2 +v1 +waiting/);

    expect((await workbench('retrains', 'reject', flagged.id)).stdout).toEqual([
      'shop-kmeans v2: rejected by cli; shop-kmeans@champion stays v1',
    ]);
    expect(await champion()).toBe(1);
    // The same decision again answers as it is; the other one is a conflict naming the first.
    expect((await json<Retrain>('retrains', 'reject', flagged.id)).review).toMatchObject({
      decision: 'rejected',
      by: 'cli',
    });
    await expect(workbench('retrains', 'promote', flagged.id)).rejects.toThrow(
      new RegExp(`retrain request ${flagged.id} was already rejected by cli at .*; it cannot be promoted as well`),
    );
  });

  it('promotes a flagged candidate: the champion alias moves to its run', async () => {
    await workbench('retrain', 'shop-kmeans');
    const candidate = (await json<Retrain[]>('retrains', 'list', 'shop-kmeans')).at(-1) as Retrain;
    expect(candidate).toMatchObject({ status: 'flagged', run: { version: 3 } });
    expect((await workbench('retrains', 'promote', candidate.id)).stdout).toEqual([
      'shop-kmeans v3: promoted by cli; shop-kmeans@champion → v3',
    ]);
    expect(await champion()).toBe(3);
  });

  it('a disabled policy does not retrain on new data, an enabled one does, a removed one is gone with its history kept', async () => {
    expect((await workbench('policies', 'disable', policy)).stdout).toEqual([
      `policy ${policy} of shop-kmeans: disabled`,
    ]);
    expect((await workbench('policies', 'list')).stdout.join('\n')).toMatch(/new data +disabled +ari >= 2/);
    await ingest(7001);
    expect(await json<Retrain[]>('retrains', 'list')).toHaveLength(2);
    await expect(workbench('retrain', 'shop-kmeans')).rejects.toThrow(
      "segmentation 'shop-kmeans' has no enabled retrain policy; add one, or enable one (PATCH /policies/:id, CLI policies enable <id>)",
    );

    await workbench('policies', 'enable', policy);
    await ingest(9001);
    expect(await json<Retrain[]>('retrains', 'list')).toHaveLength(3);

    await workbench('policies', 'remove', policy);
    expect(await json<unknown[]>('policies', 'list')).toEqual([]);
    expect(await json<Retrain[]>('retrains', 'list')).toHaveLength(3);
  });
});
