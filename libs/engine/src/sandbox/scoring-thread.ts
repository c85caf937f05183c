import type { Worker } from 'node:worker_threads';
import { FeatureRequirementError, type FeatureFrame, type RunContext } from '@workbench/plugin-sdk';
import { PluginContractError } from '../run-segmentation';
import type { ScoreOutcome } from '../score-frame';
import type { SerializedError, ServeSandboxJob, ThreadMessage } from './protocol';
import {
  PluginSandboxError,
  serveContext,
  startSandboxThread,
  threadError,
  threadExit,
  timeLimitError,
  watchMemory,
  type SandboxLimits,
} from './run-in-sandbox';

/** The limits of a warm scoring thread: `timeoutMs` and `memoryMb` for reading the model (as a run's), and each request's deadline. */
export interface ScoringThreadLimits extends SandboxLimits {
  requestTimeoutMs: number;
}

/** The plugin's own error as it crossed the thread: the classes the HTTP API answers as such get them back. */
function revive(error: SerializedError): Error {
  if (error.name === 'FeatureRequirementError') return new FeatureRequirementError(error.message);
  if (error.name === 'PluginContractError') return new PluginContractError(error.message);
  return Object.assign(new Error(error.message), { name: error.name });
}

/** A thread with its model read; `answer` settles the one thing the host waits for on it. */
interface Live {
  worker: Worker;
  answer: ((message: ThreadMessage | Error) => void) | null;
}

/**
 * One trained model kept warm in a sandbox thread of its own for online scoring: the thread reads the model
 * (the plugin's `prepare`) once, then scores the frames of one request after another with the same
 * scoreFrame as a batch. A request past its deadline, a thread past its memory limit, exited or crashed
 * fails that request with a {@link PluginSandboxError} naming the reason, and the thread is replaced; a
 * plugin's own error (a refused customer, a broken contract) fails the request only.
 */
export class ScoringThread {
  private live: Live | null = null;
  /** Requests in turn: the thread scores one at a time, so a deadline is that request's own. */
  private turn: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly job: Omit<ServeSandboxJob, 'task'>,
    /** Where the plugin's progress, logs and artifact requests go. */
    private readonly ctx: RunContext,
    private readonly limits: ScoringThreadLimits,
  ) {}

  /** Starts the thread and waits until its model is read; a failure (the plugin's `prepare`, a limit) is thrown. */
  warm(): Promise<void> {
    return this.inTurn(async () => void (await this.ready()));
  }

  /** Scores `frame` (the run's segments are 0..segmentCount − 1) in the thread, within the request deadline. */
  score(frame: FeatureFrame, segmentCount: number): Promise<ScoreOutcome> {
    const scored = this.inTurn(async () => {
      const live = await this.ready();
      const answer = await this.ask(live, this.limits.requestTimeoutMs, () =>
        live.worker.postMessage({ type: 'score', frame, segmentCount }),
      );
      if (answer.type === 'scored') return answer.outcome;
      if (answer.type === 'score-failed') throw revive(answer.error);
      throw new Error(`the scoring thread of plugin '${this.job.model}' answered '${answer.type}'`);
    });
    // The thread was ended: its replacement reads the model now rather than in the next request's time.
    scored.catch((e: unknown) => {
      if (e instanceof PluginSandboxError && !this.closed) this.warm().catch(() => undefined);
    });
    return scored;
  }

  /** Ends the thread once the requests already in turn are answered. */
  close(): Promise<void> {
    this.closed = true;
    return this.inTurn(async () => undefined);
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.then(work).finally(() => {
      if (this.closed) this.stop();
    });
    this.turn = result.catch(() => undefined);
    return result;
  }

  /** The thread with its model read, started when there is none (the first request, or after a failure). */
  private async ready(): Promise<Live> {
    if (this.live) return this.live;
    const worker = startSandboxThread({ task: 'serve', ...this.job }, this.limits);
    const live: Live = { worker, answer: null };
    this.live = live;
    worker.on('message', (message: ThreadMessage) => {
      if (!serveContext(worker, this.ctx, message, () => this.live === live)) live.answer?.(message);
    });
    worker.on('error', (e: Error & { code?: string }) => this.fail(live, threadError(this.job.model, this.limits, e)));
    worker.on('exit', (code) => this.fail(live, threadExit(this.job.model, code)));
    const answer = await this.ask(live, this.limits.timeoutMs, () => undefined);
    if (answer.type === 'failed') {
      this.fail(live, revive(answer.error));
      throw revive(answer.error);
    }
    return live;
  }

  /** The thread's next answer within `timeoutMs` (sent by `send`), or the error it failed with. */
  private ask(live: Live, timeoutMs: number, send: () => void): Promise<ThreadMessage> {
    return new Promise<ThreadMessage>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(live, timeLimitError(this.job.model, timeoutMs)), timeoutMs);
      const stopWatch = watchMemory(this.job.model, this.limits, (e) => this.fail(live, e));
      live.answer = (message) => {
        live.answer = null;
        clearTimeout(timer);
        stopWatch();
        if (message instanceof Error) reject(message);
        else resolve(message);
      };
      if (this.live !== live) live.answer(new Error(`the scoring thread of plugin '${this.job.model}' has stopped`));
      else send();
    });
  }

  /** Ends the thread, failing what waits on it with `error`; the next request starts another. */
  private fail(live: Live, error: Error): void {
    if (this.live === live) this.live = null;
    live.answer?.(error);
    void live.worker.terminate();
  }

  private stop(): void {
    if (this.live) this.fail(this.live, new Error('closed'));
  }
}
