import type { FeatureFrame, KpiInput, ModelArtifact, SegmentDescription } from '@workbench/plugin-sdk';
import type { ScoreEvaluationOutcome, ScoreOutcome } from '../score-frame';
import type { PluginWorkResult } from '../train-and-evaluate';

/** What the host hands a sandbox thread: module specifiers to load the plugins from, and copies of the data. */
export interface SandboxJob {
  /** Modules (paths or package names) whose exports are plugins: a default export, or an array of plugins. */
  modules: string[];
  model: string;
  params: unknown;
  frame: FeatureFrame;
  revenueFeature?: string;
  kpis: { evaluator: string; params: unknown }[];
  kpiInput: Pick<KpiInput<unknown>, 'referenceDate' | 'transactions' | 'tables'>;
  runId: string;
  seed: number;
}

/** What the host hands a sandbox thread to score data with a trained model (see scoreFrame). */
export interface ScoreSandboxJob {
  task: 'score';
  modules: string[];
  model: string;
  artifact: ModelArtifact;
  frame: FeatureFrame;
  segmentCount: number;
  runId: string;
  seed: number;
  /** When set, the scored customers' KPIs are measured too (see scoreAndEvaluate), by evaluators these modules hold. */
  evaluate?: {
    segments: SegmentDescription[];
    revenueFeature?: string;
    kpis: { evaluator: string; params: unknown }[];
    kpiInput: Pick<KpiInput<unknown>, 'referenceDate' | 'transactions' | 'tables'>;
  };
}

/**
 * What the host hands a warm scoring thread (see ScoringThread): one trained model, read (and prepared by
 * the plugin) once, then frames to score one request at a time.
 */
export interface ServeSandboxJob {
  task: 'serve';
  modules: string[];
  model: string;
  artifact: ModelArtifact;
  runId: string;
  seed: number;
}

/** An error as it crosses the thread boundary: its class name and message survive, its prototype does not. */
export interface SerializedError {
  name: string;
  message: string;
}

export type ThreadMessage =
  | { type: 'progress'; fraction: number; note?: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'artifact-write'; requestId: number; name: string; bytes: Uint8Array }
  | { type: 'artifact-read'; requestId: number; name: string }
  | { type: 'done'; result: PluginWorkResult | ScoreOutcome | ScoreEvaluationOutcome }
  | { type: 'failed'; error: SerializedError }
  /** A warm scoring thread has read its model and takes frames. */
  | { type: 'ready' }
  | { type: 'scored'; outcome: ScoreOutcome }
  /** The plugin refused a frame; the thread stays (as a plugin error fails one request, not the model). */
  | { type: 'score-failed'; error: SerializedError };

export type HostMessage =
  /** The job itself, the first message: the thread was started with its modules alone (see startSandboxThread). */
  | { type: 'job'; job: SandboxJob | ScoreSandboxJob | ServeSandboxJob }
  | { type: 'reply'; requestId: number; bytes?: Uint8Array; error?: SerializedError }
  | { type: 'abort'; reason: string }
  | { type: 'score'; frame: FeatureFrame; segmentCount: number };
