// The production build: `node tools/build.js orchestrator cli` (the apps' `build` targets), then the built
// CLI and server run with plain Node, never loading swc or the register hook, on an embedded home. Their
// results are checked against the same requests served from the TypeScript sources.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createKeys, startApp, stopProcess, testConfig } from './helpers';
import { freePort } from '@workbench/services/testing';

const ROOT = join(__dirname, '../../..');
const INVOICES = join(ROOT, 'samples/online-retail-invoices.csv');
const work = mkdtempSync(join(tmpdir(), 'wb-dist-'));

// Loaded before the built app: any attempt to load swc fails the process, and each worker thread started
// is reported, so the test sees the k-means engine's threads run from the built files.
const PROBE = join(work, 'probe.js');
writeFileSync(
  PROBE,
  `const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (/^@swc(-node)?\\//.test(request)) throw new Error('the built app tried to load ' + request);
  return load.call(this, request, ...rest);
};
const threads = require('node:worker_threads');
const Worker = threads.Worker;
threads.Worker = class extends Worker {
  constructor(...args) { super(...args); process.stderr.write('probe: worker thread started\\n'); }
};
`,
);

/** 60,000 customers in four groups: enough rows for the k-means engine to split a fit over two threads. */
function writeCustomers(file: string): void {
  let state = 42;
  const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const centres = [
    [20, 12, 4000],
    [90, 4, 900],
    [200, 2, 300],
    [330, 1, 120],
  ];
  const lines = ['customer_id,recency_days,frequency,monetary'];
  for (let i = 0; i < 60_000; i++) {
    const [r, f, m] = centres[i % 4];
    lines.push(
      `c${i},${Math.round(r * (0.7 + 0.6 * random()))},${Math.max(1, Math.round(f * (0.5 + random())))},${(m * (0.5 + random())).toFixed(2)}`,
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}
const CUSTOMERS = join(work, 'customers-60k.csv');
writeCustomers(CUSTOMERS);

type Target = Parameters<typeof request>[0];

/** The README's flow on one server: upload, segment (k-means on two threads for the big file), read KPIs. */
async function segmentAndReadKpis(target: Target, key: string) {
  const http = () => request(target);
  const post = (path: string) => http().post(path).set('X-API-Key', key);
  await post('/datasets')
    .field('name', 'shop')
    .field('kind', 'transactions')
    .field('returns', 'exclude')
    .attach('file', INVOICES)
    .expect(201);
  await post('/datasets').field('name', 'many').attach('file', CUSTOMERS).expect(201);
  const segmentations = [
    {
      name: 'rfm-kmeans',
      plugin: 'segmenter-kmeans',
      dataset: 'shop',
      params: { features: ['recency_days', 'frequency', 'monetary'], logFeatures: ['frequency', 'monetary'], k: 4 },
      kpis: [{ plugin: 'kpi-standard' }],
    },
    {
      name: 'many-kmeans',
      plugin: 'segmenter-kmeans',
      dataset: 'many',
      params: { features: ['recency_days', 'frequency', 'monetary'], k: 4, threads: 2 },
    },
  ];
  const results: Record<string, unknown> = {};
  for (const segmentation of segmentations) {
    await post('/segmentations').send(segmentation).expect(201);
    const submitted = await post(`/segmentations/${segmentation.name}/runs`).send({ seed: 7 }).expect(202);
    let run: { status: string; error?: string | null } = submitted.body;
    for (const deadline = Date.now() + 180_000; run.status !== 'succeeded' && run.status !== 'failed'; ) {
      if (Date.now() > deadline) throw new Error(`run of ${segmentation.name} still ${run.status}`);
      await new Promise((r) => setTimeout(r, 200));
      run = (await http().get(`/runs/${submitted.body.id}`).set('X-API-Key', key).expect(200)).body;
    }
    expect([segmentation.name, run.status, run.error ?? null]).toEqual([segmentation.name, 'succeeded', null]);
    const segments = (await http().get(`/runs/${submitted.body.id}/segments`).set('X-API-Key', key).expect(200))
      .body as { key: number; label: string; size: number }[];
    const kpis = (await http().get(`/runs/${submitted.body.id}/kpis`).set('X-API-Key', key).expect(200)).body as {
      segment: unknown;
      kpi: string;
      value: number | null;
    }[];
    results[segmentation.name] = {
      segments: segments.map((s) => ({ key: s.key, label: s.label, size: s.size })),
      kpis: kpis.map((k) => ({ segment: k.segment, kpi: k.kpi, value: k.value })),
    };
  }
  return results;
}

describe('the production build', () => {
  const home = mkdtempSync(join(tmpdir(), 'wb-dist-home-'));
  let server: ChildProcess | undefined;
  let serverErr = '';
  let port: number;
  let reference: INestApplication | undefined;
  let key = '';

  beforeAll(() => {
    execFileSync(process.execPath, ['tools/build.js', 'orchestrator', 'cli'], { cwd: ROOT, stdio: 'pipe' });
  });

  afterAll(async () => {
    await stopProcess(server);
    await reference?.close();
  });

  const env = () => {
    const { NODE_OPTIONS: _ignored, DATABASE_URL: _db, REDIS_URL: _redis, ...rest } = process.env;
    return { ...rest, WORKBENCH_HOME: home };
  };

  it('runs the built CLI with plain node: a key for the server', () => {
    const out = execFileSync(
      process.execPath,
      ['-r', PROBE, 'dist/apps/cli/main.js', 'keys', 'create', '--role', 'admin', '--name', 'dist', '--json'],
      { cwd: ROOT, env: env(), encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toMatchObject({ role: 'admin', name: 'dist' });
    key = JSON.parse(out).key;
  });

  it('serves the README flow from dist/ with plain node, k-means on worker threads, with the results of the sources', async () => {
    port = await freePort();
    server = spawn(process.execPath, ['-r', PROBE, 'dist/apps/orchestrator/main.js', '--role', 'all'], {
      cwd: ROOT,
      env: { ...env(), PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stderr?.on('data', (d) => (serverErr += d));
    await new Promise<void>((resolve, reject) => {
      let out = '';
      server?.stdout?.on('data', (d) => {
        out += d;
        if (out.includes('listening on')) resolve();
      });
      server?.once('exit', (code) => reject(new Error(`the built server exited with ${code}: ${serverErr}`)));
    });
    const built = await segmentAndReadKpis(`http://127.0.0.1:${port}`, key);
    expect(serverErr).toContain('probe: worker thread started');
    expect(serverErr).not.toContain('tried to load');
    // The shipped plugins' READMEs are part of the build (the Plugins page reads them).
    const readme = await request(`http://127.0.0.1:${port}`)
      .get('/plugins/segmenter-kmeans/readme')
      .set('X-API-Key', key)
      .expect(200);
    expect(readme.body.readme).toMatch(/^# segmenter-kmeans\n/);

    reference = await startApp(testConfig());
    const sources = await segmentAndReadKpis(reference.getHttpServer(), (await createKeys(reference)).admin);
    expect(built).toEqual(sources);
    const kpis = (built['rfm-kmeans'] as { kpis: { kpi: string }[] }).kpis.map((k) => k.kpi);
    expect(kpis).toEqual(expect.arrayContaining(['revenue_share', 'average_order_value']));
  }, 300_000);
});
