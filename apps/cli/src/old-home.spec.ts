import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { builtinPlugins } from '@workbench/builtin-plugins';
import { decodeAssignments } from '@workbench/engine';
import { ComparisonStatus, DatasetVersion, RunStatus, type Run } from '@workbench/persistence';
import { createWorkbench, loadConfig, type Workbench } from '@workbench/services';

// A home written by the code before WBF2 (fixture README): its customers versions and its runs' assignments store
// ids as JSON. Opened with the current code, everything that reads them must give what the old code gave.
jest.setTimeout(600_000);

const fixture = join(__dirname, '../test/fixtures/home-wbf1');
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const stored = JSON.parse(readFileSync(join(fixture, 'comparison.json'), 'utf8')) as {
  runA: string;
  runB: string;
  metrics: unknown;
  migration: unknown;
  matching: unknown;
};
const magicOf = async (wb: Workbench, key: string) =>
  Buffer.from((await wb.artifacts.get(key)).subarray(0, 4)).toString();

let wb: Workbench;
const home = mkdtempSync(join(tmpdir(), 'wb-old-home-'));

beforeAll(async () => {
  cpSync(join(fixture, 'artifacts'), join(home, 'artifacts'), { recursive: true });
  writeFileSync(join(home, 'workbench.sqlite'), gunzipSync(readFileSync(join(fixture, 'workbench.sqlite.gz'))));
  wb = await createWorkbench(loadConfig({}, { home, pluginIsolation: 'none' }), {
    plugins: builtinPlugins,
    logger: quiet,
  });
  await wb.startWorker();
}, 600_000);

afterAll(async () => {
  await wb?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('a home written before WBF2 (ids as JSON in frames and assignments) keeps working', () => {
  let oldA: Run;
  let oldB: Run;
  beforeAll(async () => {
    [oldA, oldB] = [await wb.runs.get(stored.runA), await wb.runs.get(stored.runB)];
    // The fixture really is old: both runs' assignments are WBF1 artifacts.
    expect([
      await magicOf(wb, oldA.assignmentsArtifactKey as string),
      await magicOf(wb, oldB.assignmentsArtifactKey as string),
    ]).toEqual(['WBF1', 'WBF1']);
  });

  it('compares its two runs (different dataset versions) exactly as the old code did', async () => {
    const c = await wb.comparisons.waitFor((await wb.comparisons.submit(oldA.id, oldB.id)).id, 20);
    expect(c.status).toBe(ComparisonStatus.Succeeded);
    expect({ metrics: c.metrics, migration: c.migration, matching: c.matching }).toEqual({
      metrics: stored.metrics,
      migration: stored.migration,
      matching: stored.matching,
    });
  });

  it("exports a run's assignments from its old artifact as its stored rows say", async () => {
    const rows = await wb.assignments.forRun(oldA.id);
    expect(rows).toHaveLength(400);
    const history = await wb.assignments.history(rows[17].customerId);
    expect(history.find((h) => h.version === oldA.version)?.segmentLabel).toBe(rows[17].segmentLabel);
  });

  it('trains again on an old dataset version (WBF1 frame): same assignments, now stored as WBF2, and compares with the old run', async () => {
    const again = await wb.runs.waitFor((await wb.runs.submit('kmeans', { seed: 1 })).id, undefined, 20);
    expect(again.status).toBe(RunStatus.Succeeded);
    expect((again.datasetVersion as DatasetVersion).id).toBe((oldB.datasetVersion as DatasetVersion).id);
    expect(await magicOf(wb, again.assignmentsArtifactKey as string)).toBe('WBF2');
    const [before, now] = [
      decodeAssignments(await wb.artifacts.get(oldB.assignmentsArtifactKey as string)),
      decodeAssignments(await wb.artifacts.get(again.assignmentsArtifactKey as string)),
    ];
    expect(now.ids).toEqual(before.ids);
    expect(Array.from(now.segment)).toEqual(Array.from(before.segment));
    expect(now.idTable.equals(before.idTable)).toBe(true);
    const c = await wb.comparisons.waitFor((await wb.comparisons.submit(oldB.id, again.id)).id, 20);
    expect(c.metrics).toMatchObject({ ari: 1, nmi: 1, matched: 500, onlyInA: 0, onlyInB: 0 });
  });
});
