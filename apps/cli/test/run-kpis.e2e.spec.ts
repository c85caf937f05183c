import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The real `workbench` process on one embedded store per test file, as a user runs it from the README.
const repoRoot = join(__dirname, '../../..');
const home = mkdtempSync(join(tmpdir(), 'wb-cli-kpis-'));
const INVOICES = 'samples/online-retail-invoices-2011-h1.csv';
const PARAMS = JSON.stringify({
  features: ['recency_days', 'frequency', 'monetary'],
  logFeatures: ['frequency', 'monetary'],
  k: 3,
});

function environment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, WORKBENCH_HOME: home };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.WORKBENCH_DEBUG;
  return env;
}

function workbench(args: string[]) {
  return spawnSync(process.execPath, ['-r', './tools/register.js', 'apps/cli/src/main.ts', ...args], {
    cwd: repoRoot,
    env: environment(),
    encoding: 'utf8',
    timeout: 110_000,
  });
}

interface Report {
  run: { segmentation: { name: string }; status: string };
  kpis: { kpi: string; evaluator: string; segmentKey: number | null }[];
}

const evaluators = (report: Report) => [...new Set(report.kpis.map((k) => k.evaluator.split('@')[0]))].sort();

beforeAll(() => {
  const ingest = workbench(['ingest', INVOICES, '--dataset', 'shop', '--kind', 'transactions', '--returns', 'exclude']);
  expect(ingest.status).toBe(0);
}, 120_000);

describe('workbench run and KPI evaluators', () => {
  it('gives a new segmentation on transactions the standard and CLV evaluators by default, and says so', () => {
    const result = workbench([
      'run',
      'rfm',
      '--plugin',
      'segmenter-kmeans',
      '--dataset',
      'shop',
      '--params',
      PARAMS,
      '--seed',
      '1',
      '--json',
    ]);
    expect(result.stderr).not.toMatch(/^error:/m);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(
      'created segmentation rfm (segmenter-kmeans on shop); KPI evaluators: kpi-standard, kpi-clv, the default on transactions; choose with --kpis',
    );
    const report = JSON.parse(result.stdout) as Report;
    expect(evaluators(report).filter((e) => e !== 'workbench')).toEqual(['kpi-clv', 'kpi-standard']);
    expect(report.kpis.some((k) => k.evaluator.startsWith('kpi-standard@') && k.kpi === 'average_order_value')).toBe(
      true,
    );
    expect(report.kpis.some((k) => k.evaluator.startsWith('kpi-clv@') && k.kpi === 'predictive_clv')).toBe(true);
  }, 120_000);

  it('attaches the evaluators --kpis names, with their params', () => {
    const kpis = JSON.stringify([{ plugin: 'kpi-standard', params: { bootstrapResamples: 50 } }]);
    const result = workbench([
      'run',
      'rfm-standard',
      '--plugin',
      'segmenter-kmeans',
      '--dataset',
      'shop',
      '--params',
      PARAMS,
      '--kpis',
      kpis,
      '--seed',
      '1',
      '--json',
    ]);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('KPI evaluators: kpi-standard\n');
    const report = JSON.parse(result.stdout) as Report;
    expect(report.kpis.some((k) => k.evaluator.startsWith('kpi-clv@'))).toBe(false);
    expect(report.kpis.some((k) => k.evaluator.startsWith('kpi-standard@'))).toBe(true);
    const listed = JSON.parse(workbench(['segmentations', '--json']).stdout) as {
      name: string;
      kpis: { plugin: string; params: Record<string, unknown> }[];
    }[];
    expect(listed.find((s) => s.name === 'rfm-standard')?.kpis).toEqual([
      { plugin: 'kpi-standard', params: expect.objectContaining({ bootstrapResamples: 50 }) },
    ]);
  }, 120_000);

  it('takes --kpis none for a segmentation without evaluators, and names an unknown evaluator', () => {
    const none = workbench([
      'run',
      'rfm-none',
      '--plugin',
      'segmenter-kmeans',
      '--dataset',
      'shop',
      '--params',
      PARAMS,
      '--kpis',
      'none',
      '--seed',
      '1',
      '--json',
    ]);
    expect(none.status).toBe(0);
    expect(evaluators(JSON.parse(none.stdout) as Report)).toEqual(['workbench']);
    const unknown = workbench([
      'run',
      'rfm-x',
      '--plugin',
      'segmenter-kmeans',
      '--dataset',
      'shop',
      '--params',
      PARAMS,
      '--kpis',
      'kpi-standard,kpi-nope',
    ]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/^error: kpis\.1\.plugin: .*kpi-nope/m);
  }, 120_000);
});

describe('--json', () => {
  it('puts nothing but one JSON document on stdout through `npm run -s`, as the README shows', () => {
    const result = spawnSync('npm', ['run', '-s', 'workbench', '--', 'segments', 'rfm@v1', '--json'], {
      cwd: repoRoot,
      env: environment(),
      encoding: 'utf8',
      timeout: 110_000,
    });
    expect(result.status).toBe(0);
    expect((JSON.parse(result.stdout) as Report).run.segmentation.name).toBe('rfm');
  }, 120_000);

  it('keeps every list command to one JSON document on stdout', () => {
    for (const args of [
      ['datasets'],
      ['segmentations'],
      ['features', 'shop'],
      ['runs', 'rfm'],
      ['kpis', 'rfm@v1'],
      ['plugins', 'list'],
      ['events'],
    ]) {
      const result = workbench([...args, '--json']);
      expect([args.join(' '), result.status]).toEqual([args.join(' '), 0]);
      expect(() => JSON.parse(result.stdout)).not.toThrow();
    }
  }, 120_000);
});
