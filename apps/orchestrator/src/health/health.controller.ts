import {
  Controller,
  Get,
  Inject,
  Injectable,
  OnApplicationShutdown,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { QUEUE_NAMES } from '@workbench/jobs';
import { Workbench } from '@workbench/services';
import type { Response } from 'express';
import Redis from 'ioredis';
import { Public } from '../auth/roles.decorator';

/** How long one dependency may take to answer before it counts as down. */
const CHECK_TIMEOUT_MS = 2000;

function withinTimeout<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) =>
      (timer = setTimeout(
        () => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)),
        CHECK_TIMEOUT_MS,
      )),
  );
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A Redis connection of the health check's own (when REDIS_URL is set): it fails at once while Redis is
 * away instead of queueing the PING, as Bull's own connections do until Redis returns.
 */
@Injectable()
export class RedisProbe implements OnApplicationShutdown {
  private readonly client: Redis | undefined;

  constructor(@Inject(Workbench) workbench: Workbench) {
    const url = workbench.config.redisUrl;
    this.client = url
      ? new Redis(url, {
          lazyConnect: true,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          connectTimeout: CHECK_TIMEOUT_MS,
        })
      : undefined;
    // Errors show in the check's answer; without a listener ioredis would print each reconnect failure.
    this.client?.on('error', () => undefined);
  }

  get configured(): boolean {
    return this.client !== undefined;
  }

  async ping(): Promise<void> {
    if (!this.client) return;
    if (this.client.status === 'wait' || this.client.status === 'end') await this.client.connect();
    await this.client.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    this.client?.disconnect();
  }
}

/**
 * Liveness and readiness, the same on API and worker processes (a worker serves them on
 * WORKBENCH_HEALTH_PORT). Readiness answers 503 naming what is down: the database, Redis (when
 * configured) or the queue.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly workbench: Workbench,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisProbe,
  ) {}

  /** Readiness: the database answers, Redis answers (when configured), every queue can be read. */
  @Public()
  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: database, Redis (when configured) and queues; 503 naming what is down' })
  async ready(@Res({ passthrough: true }) res: Response) {
    const about = { queue: this.workbench.queue.kind, role: this.workbench.config.role };
    try {
      const result = await this.health.check([
        () => this.check('database', () => this.workbench.orm.em.fork().getConnection().execute('select 1')),
        ...(this.redis.configured ? [() => this.check('redis', () => this.redis.ping())] : []),
        () => this.check('queue', () => Promise.all(QUEUE_NAMES.map((name) => this.workbench.queue.depth(name)))),
      ]);
      return { ...result, ...about };
    } catch (e) {
      // Terminus reports a failed check as a 503 whose body names each check; the error filter would keep only a message.
      if (!(e instanceof ServiceUnavailableException)) throw e;
      res.status(503);
      return { ...(e.getResponse() as object), ...about };
    }
  }

  /** Liveness: the process is up and its event loop answers; it checks no dependency. */
  @Public()
  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process answers (no dependency checked)' })
  live() {
    return this.health.check([]);
  }

  private async check(key: string, probe: () => Promise<unknown>) {
    const indicator = this.indicators.check(key);
    try {
      await withinTimeout(key, probe());
      return indicator.up();
    } catch (e) {
      return indicator.down({ message: (e as Error).message });
    }
  }
}
