export { DEFAULT_SANDBOX_LIMITS, PluginSandboxError, runInSandbox, type SandboxLimits } from './run-in-sandbox';
export type { SandboxJob } from './protocol';
