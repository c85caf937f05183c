export {
  DEFAULT_SANDBOX_LIMITS,
  PluginSandboxError,
  runInSandbox,
  scoreAndEvaluateInSandbox,
  scoreInSandbox,
  type SandboxLimits,
} from './run-in-sandbox';
export type { SandboxJob, ScoreSandboxJob } from './protocol';
