import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalArtifactStore } from '@workbench/persistence';
import { cliHarness } from '../../test/helpers';

// `workbench gc` through the real command line, on an embedded workbench in a temp home.
jest.setTimeout(120_000);

const { home, attempt: workbench } = cliHarness('gc');

describe('workbench gc', () => {
  it('removes an ingested dataset never, and an artifact no row references once it is older than --grace-hours', async () => {
    const customers = join(home, 'customers.csv');
    writeFileSync(customers, 'customer_id,monetary\na,1\nb,2\n');
    expect((await workbench('ingest', customers, '--dataset', 'tiny')).error).toBeUndefined();
    // What a failed run leaves: content stored, no row naming it; 30 hours ago.
    const store = new LocalArtifactStore(join(home, 'artifacts'));
    const orphan = await store.put(Buffer.from('model of a run that failed'));
    const then = new Date(Date.now() - 30 * 3600_000);
    utimesSync(join(home, 'artifacts', orphan.slice(0, 2), orphan.slice(2)), then, then);

    const within = await workbench('gc', '--grace-hours', '48');
    expect(within.out.stdout).toEqual([
      'removed 0 artifact(s) no row references (0.0 MiB); kept 1 referenced and 1 unreferenced stored within the last 48 h',
    ]);
    const dry = await workbench('gc', '--dry-run', '--json');
    expect(JSON.parse(dry.out.stdout.join('\n'))).toMatchObject({
      artifacts: 2,
      referenced: 1,
      removed: 1,
      dryRun: true,
      graceMs: 24 * 3600_000,
    });
    expect(await store.has(orphan)).toBe(true);
    const done = await workbench('gc');
    expect(done.out.stdout[0]).toMatch(
      /^removed 1 artifact\(s\) no row references \(0\.0 MiB\); kept 1 referenced and 0 unreferenced/,
    );
    expect(await store.has(orphan)).toBe(false);
    expect((await workbench('segmentations')).error).toBeUndefined();
  });
});
