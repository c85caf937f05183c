import type { SandboxLimits } from '@workbench/engine';
import { InvalidRequestError } from './errors';

/** What a segmentation may ask of its plugins' sandbox per run (stored on the segmentation). */
export interface PluginLimits {
  timeoutSeconds?: number;
  memoryMb?: number;
}

/** The server's caps: no segmentation may ask for more. */
export interface PluginLimitCaps {
  maxSeconds: number;
  maxMemoryMb: number;
}

/** The caps when the configuration gives none (WORKBENCH_PLUGIN_MAX_SECONDS / _MAX_MEMORY_MB's defaults). */
export const DEFAULT_PLUGIN_LIMIT_CAPS: PluginLimitCaps = { maxSeconds: 3600, maxMemoryMb: 8192 };

/** Where a processor runs plugins: a sandbox thread per job within the caps, or its own thread (`none`). */
export interface PluginIsolation {
  mode: 'thread' | 'none';
  caps: PluginLimitCaps;
}

export const DEFAULT_PLUGIN_ISOLATION: PluginIsolation = { mode: 'thread', caps: DEFAULT_PLUGIN_LIMIT_CAPS };

/** Limits of a segmentation that asks for none (lowered to the caps when those are smaller). */
export const DEFAULT_PLUGIN_LIMITS = { timeoutSeconds: 300, memoryMb: 2048 } as const;

/** Checks requested limits against the caps; the message names the field and the allowed range. */
export function checkPluginLimits(limits: PluginLimits | undefined, caps: PluginLimitCaps): PluginLimits | null {
  if (!limits) return null;
  const check = (field: keyof PluginLimits, max: number, min: number) => {
    const value = limits[field];
    if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= max)) {
      throw InvalidRequestError.at(
        `limits.${field}`,
        `limits.${field} ${value} must be a whole number from ${min} to ${max} (the server's cap)`,
      );
    }
  };
  check('timeoutSeconds', caps.maxSeconds, 1);
  check('memoryMb', caps.maxMemoryMb, 64);
  return {
    ...(limits.timeoutSeconds !== undefined && { timeoutSeconds: limits.timeoutSeconds }),
    ...(limits.memoryMb !== undefined && { memoryMb: limits.memoryMb }),
  };
}

/** The sandbox limits of one run: the segmentation's own, else the defaults, never above the caps (which may have been lowered since). */
export function sandboxLimits(limits: PluginLimits | null | undefined, caps: PluginLimitCaps): SandboxLimits {
  const seconds = Math.min(limits?.timeoutSeconds ?? DEFAULT_PLUGIN_LIMITS.timeoutSeconds, caps.maxSeconds);
  const memoryMb = Math.min(limits?.memoryMb ?? DEFAULT_PLUGIN_LIMITS.memoryMb, caps.maxMemoryMb);
  return { timeoutMs: seconds * 1000, memoryMb };
}
