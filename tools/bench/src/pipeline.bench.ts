/**
 * The whole pipeline at scale through the real services: ingest a transactions file → create the segmentation
 * (which builds the features) → k-means → (KPIs) → store the run → a second version → compare the two. Prints
 * figures; never a timed test.
 *
 *   node -r ./tools/register.js tools/bench/src/pipeline.bench.ts            1M customers, 10M transactions, SQLite
 *   npm run bench:pipeline -- --pg                                           PostgreSQL (a fresh database on TEST_DATABASE_URL,
 *                                                                            dropped at the end; or BENCH_DATABASE=postgres)
 *   npm run bench:pipeline -- --kpis                                         also kpi-standard (see below)
 *   npm run bench:pipeline -- --no-isolation                                 plugins in the worker's thread, not a sandbox thread per run
 *   BENCH_CUSTOMERS=100000 BENCH_TRANSACTIONS=1000000 npm run bench:pipeline quick run
 *
 * Data: `src/generate-customers.ts` (8 behavioural groups, known per customer), written by a child
 * process to a temp folder (or BENCH_DATA_DIR, where an existing file of the same size is reused).
 * The pipeline runs in this process: `createWorkbench` on a temp WORKBENCH_HOME with the in-process
 * queue, so each run's job (features, training, KPIs, storing) runs here too and is in our RSS.
 * RSS is sampled every 50 ms by a worker thread (the main thread is busy during a run), max per stage.
 * The main thread's longest block per stage is the longest gap between the ticks of a 10 ms interval timer: while
 * it lasts, the process answers nothing, and a PostgreSQL query waiting for a new pool connection fails once it has
 * lasted 30 s (60 s for one waiting for a busy connection): the pool's timers run before the reads when it resumes.
 *
 * KPIs: kpi-standard when @workbench/builtin-plugins registers it (or with --kpis), with its default
 * params unless BENCH_KPI_BOOTSTRAP sets `bootstrapResamples` (the plugin's default is 1000).
 *
 * The ingest and a run are one call each, so their parts are timed a second time by calling what
 * they call, in the same order, on the same data and seed (the indented rows): the data library's
 * ingestTransactions, encodeTransactions, transactionsHash and an artifact put; then
 * RunInputsService.loadRunInput, the engine's runSegmentation and runKpiEvaluators, the artifact puts
 * and AssignmentsService.write in a transaction that is rolled back. BENCH_BREAKDOWN=0 skips that.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { BUILTIN_PLUGINS_MODULE, builtinPlugins } from '@workbench/builtin-plugins';
import { compareAssignments } from '@workbench/compare';
import { encodeTransactions, ingestTransactions, transactionsHash } from '@workbench/data';
import {
  decodeAssignments,
  encodeAssignments,
  runKpiEvaluators,
  runSegmentation,
  type KpiStep,
} from '@workbench/engine';
import kpiStandard from '@workbench/kpi-standard';
import { ComparisonStatus, LocalArtifactStore, RunStatus, type DatasetVersion } from '@workbench/persistence';
import { createTestDatabase, type TestDatabase } from '@workbench/persistence/testing';
import type { RunContext, WorkbenchPlugin } from '@workbench/plugin-sdk';
import { createWorkbench, loadConfig, type Workbench } from '@workbench/services';
import { ensureCustomerBase, FIRST_CUSTOMER_ID } from './generate-customers';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const TRANSACTIONS = Number(process.env.BENCH_TRANSACTIONS ?? 10_000_000);
const FLAGS = new Set(process.argv.slice(2));
const USE_PG = FLAGS.has('--pg') || process.env.BENCH_DATABASE === 'postgres';
const FORCE_KPIS = FLAGS.has('--kpis');
/** `--no-isolation`: plugins in the worker's own thread, as before the sandbox (for before/after figures). */
const ISOLATION = FLAGS.has('--no-isolation') ? 'none' : 'thread';
const BREAKDOWN = process.env.BENCH_BREAKDOWN !== '0';
const KPI_BOOTSTRAP = process.env.BENCH_KPI_BOOTSTRAP;
const K = 8;
/**
 * The targets: at 1M / 10M (and below) the whole pipeline in 60 s under 2 GB (2·10⁹ bytes, 1,907 MiB); at
 * 10M customers / 100M transactions in 10 minutes under 8 GiB.
 */
const LARGE = CUSTOMERS >= 10_000_000;
const TARGET_MS = LARGE ? 600_000 : 60_000;
const TARGET_RSS_MIB = LARGE ? 8192 : 2e9 / 2 ** 20;
const TARGET_RSS_TEXT = LARGE ? '8 GiB' : '2 GB';
const PARAMS = { features: ['recency_days', 'frequency', 'monetary'], logFeatures: ['frequency'], k: K };

const fmt = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/**
 * Peak RSS sampled every 50 ms from a worker thread, which keeps sampling while the main thread is
 * blocked in a long synchronous step. RSS is per process, so the thread sees everyone's memory.
 * Slot 0: last sample, slot 1: peak since the last reset (KiB).
 */
class RssSampler {
  private readonly slots = new Int32Array(new SharedArrayBuffer(8));
  private readonly worker: Worker;

  constructor() {
    const code = `
      const { workerData } = require('node:worker_threads');
      const a = new Int32Array(workerData);
      const sample = () => {
        const kib = Math.round(process.memoryUsage.rss() / 1024);
        Atomics.store(a, 0, kib);
        for (let peak = Atomics.load(a, 1); kib > peak; peak = Atomics.load(a, 1)) if (Atomics.compareExchange(a, 1, peak, kib) === peak) break;
      };
      sample();
      setInterval(sample, 50);`;
    this.worker = new Worker(code, { eval: true, workerData: this.slots.buffer, execArgv: [] });
    this.worker.unref();
  }

  /** Starts a new stage: its peak begins at the RSS now. */
  reset(): void {
    Atomics.store(this.slots, 1, Math.round(process.memoryUsage.rss() / 1024));
  }

  peakMiB(): number {
    return Math.max(Atomics.load(this.slots, 1), Math.round(process.memoryUsage.rss() / 1024)) / 1024;
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

/** The longest stretch the main thread went without running a 10 ms interval timer, since the last reset. */
class LoopBlocks {
  private last = performance.now();
  private longestMs = 0;
  private readonly timer = setInterval(() => {
    const now = performance.now();
    this.longestMs = Math.max(this.longestMs, now - this.last);
    this.last = now;
  }, 10).unref();

  reset(): void {
    this.last = performance.now();
    this.longestMs = 0;
  }

  longest(): number {
    return Math.max(this.longestMs, performance.now() - this.last);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

const loopBlocks = new LoopBlocks();

interface Stage {
  name: string;
  ms: number;
  /** The main thread's longest block during the stage. */
  blockMs: number;
  /** CPU time of the whole process (every thread) during the stage: what a busy machine inflates least. */
  cpuMs: number;
  peakMiB: number;
  /** Part of the pipeline's total (ingest, the two runs, the comparison). */
  inPipeline: boolean;
  note?: string;
}

const stages: Stage[] = [];

/** The 1-minute load average: other processes on the machine inflate wall-clock times, not CPU times. */
const loadAverage = (): string => loadavg()[0].toFixed(2);

async function stage<T>(
  sampler: RssSampler,
  name: string,
  inPipeline: boolean,
  fn: () => Promise<T>,
  note?: (result: T) => string,
): Promise<T> {
  process.stdout.write(`${name} ...`);
  sampler.reset();
  loopBlocks.reset();
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result = await fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  const blockMs = loopBlocks.longest();
  const entry: Stage = { name, ms, blockMs, cpuMs, peakMiB: sampler.peakMiB(), inPipeline, note: note?.(result) };
  stages.push(entry);
  process.stdout.write(
    ` ${fmt(ms)} ms, CPU ${fmt(cpuMs)} ms, longest block ${fmt(blockMs)} ms, peak RSS ${fmt(entry.peakMiB)} MiB, load ${loadAverage()}${entry.note ? ` (${entry.note})` : ''}\n`,
  );
  return result;
}

function benchContext(runId: string, seed: number): RunContext {
  const written = new Map<string, Uint8Array>();
  return {
    runId,
    seed,
    signal: new AbortController().signal,
    progress: () => undefined,
    log: {
      info: () => undefined,
      warn: (m) => console.warn(`warning: ${m}`),
      error: (m) => console.error(`error: ${m}`),
    },
    artifacts: {
      write: async (name, bytes) => void written.set(name, bytes),
      read: async (name) => {
        const bytes = written.get(name);
        if (!bytes) throw new Error(`no artifact '${name}'`);
        return bytes;
      },
    },
  };
}

class Rollback extends Error {}

/** The parts of run v1's job, timed one by one on the same data and seed. */
async function breakdown(sampler: RssSampler, wb: Workbench, csv: string, runId: string, kpis: boolean): Promise<void> {
  // A fresh store, so the content-addressed puts really write (the pipeline already stored the same bytes).
  const store = new LocalArtifactStore(join(wb.config.home, 'breakdown-artifacts'));
  {
    const parsed = await stage(
      sampler,
      '  ingest: parse + validate (data ingestTransactions)',
      false,
      () => ingestTransactions(csv),
      (r) => `${fmt(r.table.orderIds.length)} orders`,
    );
    const bytes = await stage(
      sampler,
      '  ingest: encode columns (encodeTransactions)',
      false,
      async () => encodeTransactions(parsed.table),
      (b) => `${fmt(b.length / 1e6)} MB`,
    );
    await stage(sampler, '  ingest: content hash (transactionsHash)', false, async () =>
      transactionsHash(parsed.table),
    );
    await stage(sampler, '  ingest: artifact put', false, () => store.put(bytes));
  }
  const run = await wb.runs.get(runId);
  const input = await stage(
    sampler,
    '  features: loadRunInput (decode + rfm/bgnbd)',
    false,
    () => wb.runInputs.loadRunInput(run.datasetVersion as DatasetVersion, { transactions: true }),
    (i) => `${fmt(i.frame.rowCount)} customers`,
  );
  const ctx = benchContext(run.id, run.seed);
  const model = await wb.plugins.segmentationModel('segmenter-kmeans');
  const outcome = await stage(
    sampler,
    '  k-means: runSegmentation (k = 8)',
    false,
    () => runSegmentation({ model, params: run.params, frame: input.frame, revenueFeature: input.revenueFeature }, ctx),
    (o) => `${o.metrics.iterations} iterations`,
  );
  if (kpis) {
    const segmentation = await wb.segmentations.get(run.segmentation.id);
    const steps: KpiStep[] = [];
    for (const k of segmentation.kpis ?? [])
      steps.push({ evaluator: await wb.plugins.kpiEvaluator(k.plugin), params: k.params ?? {} });
    await stage(
      sampler,
      '  KPIs: runKpiEvaluators (kpi-standard)',
      false,
      () =>
        runKpiEvaluators(
          steps,
          {
            frame: input.frame,
            assignments: outcome.assignments,
            segments: outcome.segments,
            referenceDate: input.referenceDate,
            transactions: input.transactions,
          },
          ctx,
        ),
      (r) => `${fmt(r.length)} figures`,
    );
  }
  await stage(sampler, '  store: model + assignments artifacts', false, async () => {
    await store.put(outcome.artifact.bytes);
    return store.put(encodeAssignments(input.frame.ids, outcome.assignments));
  });
  await stage(sampler, `  store: ${fmt(input.frame.rowCount)} assignment rows (rolled back)`, false, async () => {
    await wb.orm.em
      .fork()
      .transactional(async (tx) => {
        await wb.assignments.write(tx, run.id, input.frame.ids, outcome.assignments);
        throw new Rollback();
      })
      .catch((e: unknown) => {
        if (!(e instanceof Rollback)) throw e;
      });
  });
}

async function main(): Promise<void> {
  const kpiRegistered = builtinPlugins.some((p) => p.manifest.name === 'kpi-standard');
  const withKpis = kpiRegistered || FORCE_KPIS;
  const plugins: WorkbenchPlugin[] =
    kpiRegistered || !FORCE_KPIS ? [...builtinPlugins] : [...builtinPlugins, kpiStandard];
  console.log(
    `pipeline benchmark: ${fmt(CUSTOMERS)} customers, ~${fmt(TRANSACTIONS)} transactions, ${USE_PG ? 'PostgreSQL' : 'SQLite'}, plugins ${ISOLATION === 'thread' ? 'in a sandbox thread per run' : 'in the worker thread'}, node ${process.version}`,
  );
  console.log(
    kpiRegistered
      ? `KPIs: kpi-standard (registered in @workbench/builtin-plugins), bootstrapResamples ${KPI_BOOTSTRAP ?? '1000 (default)'}`
      : FORCE_KPIS
        ? 'KPIs: kpi-standard registered by this bench (--kpis); it is NOT among @workbench/builtin-plugins, so the apps cannot run it'
        : 'KPIs: skipped: kpi-standard is not registered in @workbench/builtin-plugins (--kpis registers it for this bench)',
  );

  const keep = process.env.BENCH_DATA_DIR;
  const dataDir = keep ?? mkdtempSync(join(tmpdir(), 'pipeline-bench-data-'));
  if (keep) mkdirSync(keep, { recursive: true });
  const home = mkdtempSync(join(tmpdir(), 'pipeline-bench-home-'));
  let db: TestDatabase | undefined;
  let wb: Workbench | undefined;
  const sampler = new RssSampler();
  try {
    const base = ensureCustomerBase(dataDir, CUSTOMERS, TRANSACTIONS);
    if (USE_PG) db = await createTestDatabase('postgresql');
    const logs: { at: number; message: string }[] = [];
    const record = (message: string) => logs.push({ at: Date.now(), message });
    wb = await stage(sampler, 'start: open database, migrate, register plugins', false, async () => {
      const w = await createWorkbench(loadConfig({}, { home, databaseUrl: db?.url, pluginIsolation: ISOLATION }), {
        plugins,
        pluginsModule: BUILTIN_PLUGINS_MODULE,
        logger: { log: record, warn: record, error: record },
      });
      await w.startWorker();
      return w;
    });
    const workbench = wb;

    const ingested = await stage(
      sampler,
      'ingest: datasets.ingestTransactions',
      true,
      () => workbench.datasets.ingestTransactions({ dataset: 'bench', source: base.csv }),
      (r) => `${fmt(r.report.rowsAccepted)} rows`,
    );
    const ingestStats = ingested.version.stats as { customers?: number };
    if (ingested.report.rowsAccepted !== base.counts.transactions || ingestStats.customers !== base.counts.customers) {
      throw new Error(
        `ingest found ${ingested.report.rowsAccepted} rows / ${ingestStats.customers} customers; the generator wrote ${base.counts.transactions} / ${base.counts.customers}`,
      );
    }

    // At 100M rows the stored table is over 2 GiB: more than one buffer read or write may hold. The runs read it back.
    const stored = await workbench.artifacts.open(ingested.version.artifactKey);
    const storedBytes = stored.size;
    await stored.close();
    console.log(
      `  stored transactions table: ${fmt(storedBytes / 2 ** 30, 2)} GiB (${fmt(storedBytes)} bytes), written and read back in chunks`,
    );

    // In the pipeline: creating the segmentation builds the run input (the features, checked against the params),
    // which run v1 then takes from the cache.
    await stage(sampler, 'segmentation: segmentations.create (builds the features)', true, () =>
      workbench.segmentations.create({
        name: 'bench-kmeans',
        plugin: 'segmenter-kmeans',
        dataset: 'bench',
        params: PARAMS,
        kpis: withKpis
          ? [
              {
                plugin: 'kpi-standard',
                params: KPI_BOOTSTRAP === undefined ? {} : { bootstrapResamples: Number(KPI_BOOTSTRAP) },
              },
            ]
          : [],
      }),
    );
    const runVersion = async (seed: number) => {
      const submitted = await workbench.runs.submit('bench-kmeans', { seed });
      const run = await workbench.runs.waitFor(submitted.id, undefined, 50);
      if (run.status !== RunStatus.Succeeded) throw new Error(`run v${run.version} ${run.status}: ${run.error}`);
      return run;
    };
    const trainedNote = (started: number) => () => {
      const fitted = logs.find((l) => l.at >= started && /fitted k=/.test(l.message));
      return fitted ? `k-means done at +${fmt(fitted.at - started)} ms` : '';
    };
    let started = Date.now();
    const v1 = await stage(
      sampler,
      `run v1 (seed 1): k-means → ${withKpis ? 'KPIs → ' : ''}store (features from the segmentation's cache)`,
      true,
      () => runVersion(1),
      trainedNote(started),
    );
    started = Date.now();
    const v2 = await stage(
      sampler,
      `run v2 (seed 2): the same, another seed`,
      true,
      () => runVersion(2),
      trainedNote(started),
    );
    const comparison = await stage(
      sampler,
      'compare v1 ↔ v2: comparisons.submit + waitFor',
      true,
      async () => {
        const c = await workbench.comparisons.waitFor((await workbench.comparisons.submit(v1.id, v2.id)).id, 50);
        if (c.status !== ComparisonStatus.Succeeded) throw new Error(`comparison ${c.status}: ${c.error}`);
        return c;
      },
      (c) => `ARI ${Number((c.metrics as { ari: number }).ari).toFixed(4)}`,
    );

    if (BREAKDOWN) {
      console.log('inside the ingest and run v1, part by part (again, same data and seed):');
      await breakdown(sampler, workbench, base.csv, v1.id, withKpis);
    }

    // Known structure: how well run v1 recovers the 8 generated groups.
    const { ids, segment } = decodeAssignments(await workbench.artifacts.get(v1.assignmentsArtifactKey as string));
    const truth = Int32Array.from(ids, (id) => base.groups[Number(id) - FIRST_CUSTOMER_ID]);
    const recovered = compareAssignments({ idsA: ids, segmentA: truth, kA: K, idsB: ids, segmentB: segment, kB: K });

    const table = stages.map((s) => [
      s.name,
      fmt(s.ms),
      fmt(s.cpuMs),
      fmt(s.blockMs),
      s.inPipeline ? `${fmt((s.ms / TARGET_MS) * 100, 1)}%` : '',
      fmt(s.peakMiB),
      s.note ?? '',
    ]);
    const pipeline = stages.filter((s) => s.inPipeline);
    const totalMs = pipeline.reduce((sum, s) => sum + s.ms, 0);
    const peak = Math.max(...stages.map((s) => s.peakMiB));
    const pipelinePeak = Math.max(...pipeline.map((s) => s.peakMiB));
    table.push([
      'pipeline total (ingest + segmentation + 2 runs + compare)',
      fmt(totalMs),
      fmt(pipeline.reduce((sum, s) => sum + s.cpuMs, 0)),
      fmt(Math.max(...pipeline.map((s) => s.blockMs))),
      `${fmt((totalMs / TARGET_MS) * 100, 1)}%`,
      fmt(pipelinePeak),
      '',
    ]);
    const header = ['stage', 'ms', 'CPU ms', 'block ms', `of ${TARGET_MS / 1000} s`, 'peak RSS MiB', 'note'];
    const widths = header.map((h, c) => Math.max(h.length, ...table.map((l) => l[c].length)));
    const line = (cells: string[]) =>
      cells
        .map((cell, c) => (c === 0 || c === header.length - 1 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
        .join('  ')
        .trimEnd();
    console.log();
    console.log(line(header));
    table.forEach((l) => console.log(line(l)));
    console.log();
    for (const run of [v1, v2]) {
      const created = run.queuedAt.getTime();
      const begun = run.startedAt?.getTime() ?? NaN;
      const ended = run.finishedAt?.getTime() ?? NaN;
      console.log(
        `run v${run.version} (own timings): queued ${fmt(begun - created)} ms, startedAt → finishedAt ${fmt(ended - begun)} ms; k ${run.metrics?.k}, iterations ${run.metrics?.iterations}, silhouette ${Number(run.metrics?.silhouette).toFixed(4)}`,
      );
    }
    console.log(
      `comparison (own timings): createdAt → finishedAt ${fmt((comparison.finishedAt?.getTime() ?? NaN) - comparison.createdAt.getTime())} ms`,
    );
    console.log(
      `generated groups vs run v1 segments: ARI ${recovered.ari.toFixed(4)}, NMI ${recovered.nmi.toFixed(4)} (1 = the 8 groups recovered exactly)`,
    );
    if (base.generatedMs !== undefined)
      console.log(
        `data generation (child process, not in the pipeline): ${fmt(base.generatedMs)} ms, ${fmt(base.counts.bytes / 1e6)} MB CSV`,
      );
    console.log(
      `process peak RSS (getrusage maxRSS, whole bench incl. breakdown): ${fmt(process.resourceUsage().maxRSS / 1024)} MiB`,
    );
    console.log();
    const slowest = pipeline.reduce((a, b) => (b.ms > a.ms ? b : a));
    const verdict = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
    console.log(
      `target pipeline < ${TARGET_MS / 1000} s: ${verdict(totalMs < TARGET_MS)} (${fmt(totalMs / 1000, 1)} s, load average now ${loadAverage()})`,
    );
    console.log(
      `target peak RSS < ${TARGET_RSS_TEXT} (${fmt(TARGET_RSS_MIB)} MiB): ${verdict(pipelinePeak < TARGET_RSS_MIB)} (${fmt(pipelinePeak)} MiB during the pipeline; ${fmt(peak)} MiB with the breakdown)`,
    );
    const blocked = pipeline.reduce((a, b) => (b.blockMs > a.blockMs ? b : a));
    console.log(
      `main thread's longest block: ${fmt(blocked.blockMs)} ms in ${blocked.name} (a PostgreSQL query waiting for a new pool connection meanwhile fails past 30 s, for a busy one past 60 s)`,
    );
    if (!LARGE)
      console.log(
        `target no pipeline stage above 20 s: ${verdict(slowest.ms <= TARGET_MS / 3)} (slowest: ${slowest.name}, ${fmt(slowest.ms / 1000, 1)} s)`,
      );
    const parts = stages.filter((s) => !s.inPipeline && s.name.startsWith('  '));
    if (!LARGE && parts.length > 0) {
      const slowestPart = parts.reduce((a, b) => (b.ms > a.ms ? b : a));
      console.log(
        `  and no part of a run above 20 s: ${verdict(slowestPart.ms <= TARGET_MS / 3)} (slowest: ${slowestPart.name.trim()}, ${fmt(slowestPart.ms / 1000, 1)} s)`,
      );
    }
  } finally {
    await sampler.stop();
    loopBlocks.stop();
    await wb?.close();
    await db?.drop();
    rmSync(home, { recursive: true, force: true });
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
