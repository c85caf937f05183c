import {
  Inject,
  Injectable,
  NotFoundException,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestMiddleware,
  Module,
  type NestModule,
} from '@nestjs/common';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { ThrottlerStorage, type ThrottlerStorageService } from '@nestjs/throttler';
import { QUEUE_NAMES } from '@workbench/jobs';
import { Workbench } from '@workbench/services';
import type { NextFunction, Request, Response } from 'express';
import { assertRole, authenticateRequest } from '../auth/api-key.guard';

/** Where bull-board's page, its assets and its API (/queues/api/…) are served, in Bull mode. */
export const DASHBOARD_ROUTE = '/queues';

/**
 * How a browser opens the dashboard. A page reached by navigation cannot send the X-API-Key header, and
 * bull-board's own page loads its assets and calls its API by itself, so an admin's web app first calls
 * POST /admin/queue/dashboard-session (with the header, as every API call) and gets this cookie, then opens /queues.
 * The cookie holds a token for the admin's key (`ApiKeysService.issueToken`), not the key: it expires on the
 * server's clock after {@link DASHBOARD_COOKIE_SECONDS}, is good for the dashboard only, and is checked against the
 * key in the database on each request, so a revoked key's token is refused at once on every process (API
 * processes share no session store; the token needs none). The cookie is HttpOnly (no script reads it),
 * SameSite=Strict (no other site can make the browser send it, so bull-board's retry/clean/pause actions cannot
 * be forged), Path=/queues (sent nowhere else) and Secure over HTTPS; request logs redact cookies.
 */
export const DASHBOARD_COOKIE = 'workbench_queues';
export const DASHBOARD_COOKIE_SECONDS = 15 * 60;

/** Admins only, on every path under /queues: bull-board's page, its static assets and its API. */
@Injectable()
export class DashboardAuthMiddleware implements NestMiddleware {
  constructor(
    private readonly workbench: Workbench,
    @Inject(ThrottlerStorage) private readonly failures: ThrottlerStorageService,
  ) {}

  async use(req: Request, _res: Response, next: NextFunction): Promise<void> {
    const apiKey = await authenticateRequest(req, this.workbench, this.failures, DASHBOARD_COOKIE);
    assertRole(apiKey, 'admin');
    next();
  }
}

/** /queues of a server with the in-process queue: there is no Bull to show; says where its jobs are instead. */
@Module({})
class InProcessQueueNoticeModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(DashboardAuthMiddleware, () => {
        throw new NotFoundException(
          "no queue dashboard here: this server's queue is in-process (no REDIS_URL), so there is no Bull to show; " +
            "its jobs are listed by GET /admin/queue and on the web app's Admin page (/ui/admin)",
        );
      })
      .forRoutes(DASHBOARD_ROUTE);
  }
}

/** bull-board on the five Bull queues (BullModule's, so the same connections) behind the admin check; the notice otherwise. */
export function queueDashboardModules(useBull: boolean): DynamicModule[] {
  if (!useBull) return [{ module: InProcessQueueNoticeModule }];
  return [
    BullBoardModule.forRoot({ route: DASHBOARD_ROUTE, adapter: ExpressAdapter, middleware: DashboardAuthMiddleware }),
    BullBoardModule.forFeature(...QUEUE_NAMES.map((name) => ({ name, adapter: BullAdapter }))),
  ];
}
