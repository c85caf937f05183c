import { plainToInstance } from 'class-transformer';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  validateSync,
} from 'class-validator';
import { parseCidr } from './webhook-targets';

/**
 * Settings read once from the environment and validated; nothing else reads `process.env`.
 * Embedded default: SQLite file and artifacts under WORKBENCH_HOME, in-process queue.
 * Scale-out: DATABASE_URL=postgres://…, REDIS_URL=redis://…, and WORKBENCH_HOME on a shared folder.
 */
export class WorkbenchConfig {
  /** Folder for the SQLite file and the artifact store. */
  @IsString() home = '.workbench';

  /** PostgreSQL URL; absent = SQLite file `<home>/workbench.sqlite`. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  databaseUrl?: string;

  /** Redis URL for the Bull queue; absent = the in-process queue. */
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  redisUrl?: string;

  /** Key prefix of the Bull queues, so several workbenches can share one Redis. */
  @IsString()
  @Matches(/^[a-zA-Z0-9_-]+$/, { message: 'WORKBENCH_QUEUE_PREFIX may hold letters, digits, _ and - only' })
  queuePrefix = 'workbench';

  @IsIn(['api', 'worker', 'all'], { message: 'WORKBENCH_ROLE must be api, worker or all' }) role:
    | 'api'
    | 'worker'
    | 'all' = 'all';

  @IsInt({ message: 'PORT must be an integer' }) @Min(1) @Max(65535) port = 3000;

  /** Address the HTTP server binds; default 127.0.0.1 embedded (in-process queue), all interfaces with REDIS_URL. */
  @IsOptional() @IsString() host?: string;

  /** Port of a worker's own /health and /metrics (role worker); absent = the worker serves no HTTP. */
  @IsOptional() @IsInt({ message: 'WORKBENCH_HEALTH_PORT must be an integer' }) @Min(1) @Max(65535) healthPort?: number;

  /** Jobs one worker process runs at once. */
  @IsInt({ message: 'WORKBENCH_CONCURRENCY must be an integer' }) @Min(1) @Max(64) concurrency = 1;

  /**
   * Attempts per job and the first retry delay (doubling after each failure) for transient faults
   * (database, Redis, a lost worker): 8 attempts from 2 s wait about 4 minutes in all, enough to ride
   * out a restart. A permanent failure (bad params, a missing feature, a plugin over its limits) is not retried.
   */
  @IsInt({ message: 'WORKBENCH_JOB_ATTEMPTS must be an integer' }) @Min(1) @Max(20) jobAttempts = 8;
  @IsInt({ message: 'WORKBENCH_JOB_BACKOFF_MS must be an integer' }) @Min(0) jobBackoffMs = 2000;

  /**
   * Folders plugin folders may be registered from (absolute, existing; `:`-separated in the environment).
   * Empty: only installed npm packages. A plugin is code that runs with the worker's rights.
   */
  @IsArray() @IsString({ each: true }) pluginDirs: string[] = [];

  /** Largest plugin folder (all its files, node_modules included), in MiB. */
  @IsInt({ message: 'WORKBENCH_PLUGIN_MAX_MB must be an integer' }) @Min(1) @Max(10_240) pluginMaxMb = 100;

  /** Failed authentications one client (IP address) may make per minute, per API process, before it gets 429 for a minute. */
  @IsInt({ message: 'WORKBENCH_AUTH_FAILURES_PER_MINUTE must be an integer' }) @Min(1) authFailuresPerMinute = 20;

  /**
   * Private, loopback or link-local addresses (IPs or CIDRs; `,`-separated in the environment) that
   * webhooks may reach anyway; public addresses are always allowed, the rest refused.
   */
  @IsArray() @IsString({ each: true }) webhookAllow: string[] = [];

  /** Serve /docs (the OpenAPI document) without an API key. */
  @IsBoolean({ message: 'WORKBENCH_PUBLIC_DOCS must be true or false' }) publicDocs = false;

  /** `thread`: each run's plugins in a worker thread of their own, with time and memory limits; `none`: in the worker's own thread. */
  @IsIn(['thread', 'none'], { message: 'WORKBENCH_PLUGIN_ISOLATION must be thread or none' }) pluginIsolation:
    | 'thread'
    | 'none' = 'thread';
  /** The most a segmentation may give its plugins per run (its own `limits` default to 300 s and 2048 MiB, within these). */
  @IsInt({ message: 'WORKBENCH_PLUGIN_MAX_SECONDS must be an integer' }) @Min(1) pluginMaxSeconds = 3600;
  @IsInt({ message: 'WORKBENCH_PLUGIN_MAX_MEMORY_MB must be an integer' }) @Min(64) pluginMaxMemoryMb = 8192;
  /**
   * Online scoring (`POST /runs/:id/score` with customers): how long the model's sandbox thread may take to
   * score one request's customers; past it the request fails with that reason and the thread is replaced.
   */
  @IsInt({ message: 'WORKBENCH_SCORE_TIMEOUT_MS must be an integer' }) @Min(10) scoreTimeoutMs = 5000;

  /** A run not finished this long after it was submitted is failed by the reconciler, with that reason. */
  @IsInt({ message: 'WORKBENCH_RUN_DEADLINE_S must be an integer' }) @Min(1) runDeadlineSeconds = 6 * 3600;
  /** How often API processes reconcile runs with the queue (re-queue lost jobs, fail runs past their deadline); 0 = never. */
  @IsInt({ message: 'WORKBENCH_RECONCILE_MS must be an integer' }) @Min(0) reconcileMs = 30_000;
  /** How long a submission waits for the queue before answering 503 (Redis unreachable). */
  @IsInt({ message: 'WORKBENCH_QUEUE_TIMEOUT_MS must be an integer' }) @Min(100) queueTimeoutMs = 5000;
  /**
   * How often `GET /events/stream` sends a heartbeat comment (so proxies keep the connection open) and checks
   * that the client's key is still active.
   */
  @IsInt({ message: 'WORKBENCH_EVENTS_HEARTBEAT_MS must be an integer' }) @Min(100) eventsHeartbeatMs = 15_000;
}

const ENV: Record<string, keyof WorkbenchConfig> = {
  WORKBENCH_HOME: 'home',
  DATABASE_URL: 'databaseUrl',
  REDIS_URL: 'redisUrl',
  WORKBENCH_QUEUE_PREFIX: 'queuePrefix',
  WORKBENCH_ROLE: 'role',
  PORT: 'port',
  HOST: 'host',
  WORKBENCH_HEALTH_PORT: 'healthPort',
  WORKBENCH_CONCURRENCY: 'concurrency',
  WORKBENCH_JOB_ATTEMPTS: 'jobAttempts',
  WORKBENCH_JOB_BACKOFF_MS: 'jobBackoffMs',
  WORKBENCH_PLUGIN_DIRS: 'pluginDirs',
  WORKBENCH_PLUGIN_MAX_MB: 'pluginMaxMb',
  WORKBENCH_AUTH_FAILURES_PER_MINUTE: 'authFailuresPerMinute',
  WORKBENCH_PUBLIC_DOCS: 'publicDocs',
  WORKBENCH_WEBHOOK_ALLOW: 'webhookAllow',
  WORKBENCH_PLUGIN_ISOLATION: 'pluginIsolation',
  WORKBENCH_PLUGIN_MAX_SECONDS: 'pluginMaxSeconds',
  WORKBENCH_PLUGIN_MAX_MEMORY_MB: 'pluginMaxMemoryMb',
  WORKBENCH_SCORE_TIMEOUT_MS: 'scoreTimeoutMs',
  WORKBENCH_RUN_DEADLINE_S: 'runDeadlineSeconds',
  WORKBENCH_RECONCILE_MS: 'reconcileMs',
  WORKBENCH_QUEUE_TIMEOUT_MS: 'queueTimeoutMs',
  WORKBENCH_EVENTS_HEARTBEAT_MS: 'eventsHeartbeatMs',
};
const NUMERIC = new Set<keyof WorkbenchConfig>([
  'port',
  'healthPort',
  'concurrency',
  'jobAttempts',
  'jobBackoffMs',
  'pluginMaxMb',
  'authFailuresPerMinute',
  'pluginMaxSeconds',
  'pluginMaxMemoryMb',
  'scoreTimeoutMs',
  'runDeadlineSeconds',
  'reconcileMs',
  'queueTimeoutMs',
  'eventsHeartbeatMs',
]);
const BOOLEAN: Record<string, boolean> = { true: true, '1': true, false: false, '0': false };
/** Settings given in the environment as `:`-separated lists. */
const LISTS = new Set<keyof WorkbenchConfig>(['pluginDirs']);

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Builds the config from environment variables plus explicit overrides; a bad value stops the start with its name. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<WorkbenchConfig> = {},
): WorkbenchConfig {
  const raw: Record<string, unknown> = {};
  for (const [variable, key] of Object.entries(ENV)) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    if (key === 'publicDocs') raw[key] = BOOLEAN[value] ?? value;
    else if (key === 'webhookAllow')
      raw[key] = value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
    else
      raw[key] =
        NUMERIC.has(key) && /^-?\d+$/.test(value)
          ? Number(value)
          : LISTS.has(key)
            ? value.split(':').filter((v) => v !== '')
            : value;
  }
  const config = plainToInstance(WorkbenchConfig, { ...raw, ...overrides }, { exposeDefaultValues: true });
  const errors = validateSync(config);
  if (errors.length > 0) {
    const variableOf = (key: string) => Object.entries(ENV).find(([, k]) => k === key)?.[0] ?? key;
    throw new ConfigError(
      `invalid configuration: ${errors.map((e) => `${variableOf(e.property)}: ${Object.values(e.constraints ?? {}).join(', ')}`).join('; ')}`,
    );
  }
  config.pluginDirs = config.pluginDirs.map((dir) => {
    if (!isAbsolute(dir) || !existsSync(dir) || !statSync(dir).isDirectory())
      throw new ConfigError(`WORKBENCH_PLUGIN_DIRS: '${dir}' must be the absolute path of an existing folder`);
    const real = realpathSync(dir);
    if (real === '/')
      throw new ConfigError("WORKBENCH_PLUGIN_DIRS: '/' would allow every folder; name the folders plugins live in");
    return real;
  });
  const badCidr = config.webhookAllow.find((cidr) => !parseCidr(cidr));
  if (badCidr !== undefined)
    throw new ConfigError(
      `WORKBENCH_WEBHOOK_ALLOW: '${badCidr}' is not an IP address or CIDR range such as 10.0.0.0/8`,
    );
  if (config.role !== 'all' && !config.redisUrl) {
    throw new ConfigError(
      `WORKBENCH_ROLE=${config.role} needs REDIS_URL: the in-process queue only works when one process is both api and worker (role all)`,
    );
  }
  return config;
}
