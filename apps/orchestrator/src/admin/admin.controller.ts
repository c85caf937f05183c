import { ConflictException, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { ApiKey } from '@workbench/persistence';
import { queueJobsView, Workbench } from '@workbench/services';
import type { Response } from 'express';
import type { AuthenticatedRequest } from '../auth/api-key.guard';
import { RequireRole } from '../auth/roles.decorator';
import { DASHBOARD_COOKIE, DASHBOARD_COOKIE_SECONDS, DASHBOARD_ROUTE } from './queue-dashboard';
import { DashboardSessionDto, QueueJobsDto } from './queue.dto';

@ApiTags('admin')
@ApiSecurity('api-key')
@Controller('admin/queue')
@RequireRole('admin')
export class AdminQueueController {
  constructor(private readonly workbench: Workbench) {}

  @Get()
  @ApiOperation({
    summary: "The queue's jobs",
    description:
      'Every queue: live jobs and the last finished ones. With the in-process queue this is the only view of them; with Bull, /queues (bull-board) shows more.',
  })
  @ApiOkResponse({ type: QueueJobsDto })
  async jobs(): Promise<QueueJobsDto> {
    const view = await queueJobsView(this.workbench.queue);
    return { ...view, dashboard: view.kind === 'bull' ? DASHBOARD_ROUTE : null };
  }

  @Post('dashboard-session')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Open the queue dashboard in this browser',
    description: `Sets an HttpOnly, SameSite=Strict cookie for ${DASHBOARD_ROUTE} only, lasting ${DASHBOARD_COOKIE_SECONDS / 60} minutes, so the browser can open bull-board, which cannot send the X-API-Key header. Bull mode only.`,
  })
  @ApiOkResponse({ type: DashboardSessionDto })
  @ApiConflictResponse({ description: 'the queue is in-process: there is no dashboard' })
  openDashboard(@Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): DashboardSessionDto {
    if (this.workbench.queue.kind !== 'bull')
      throw new ConflictException(
        "this server's queue is in-process (no REDIS_URL): there is no queue dashboard; GET /admin/queue lists its jobs",
      );
    // The guard has just accepted the key of a header (this route takes no cookie), so there is one.
    const expiresAt = new Date(Date.now() + DASHBOARD_COOKIE_SECONDS * 1000);
    const token = this.workbench.apiKeys.issueToken(req.apiKey as ApiKey, DASHBOARD_COOKIE, expiresAt);
    res.cookie(DASHBOARD_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: DASHBOARD_ROUTE,
      maxAge: DASHBOARD_COOKIE_SECONDS * 1000,
    });
    return { dashboard: DASHBOARD_ROUTE, expiresAt };
  }
}
