export {
  DEFAULT_SANDBOX_LIMITS,
  PluginSandboxError,
  runInSandbox,
  scoreAndEvaluateInSandbox,
  scoreInSandbox,
  type SandboxLimits,
} from './run-in-sandbox';
export { ScoringThread, type ScoringThreadLimits } from './scoring-thread';
export type { SandboxJob, ScoreSandboxJob, ServeSandboxJob } from './protocol';
