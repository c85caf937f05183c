import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { AlertsService, alertView, hasRole } from '@workbench/services';
import type { AuthenticatedRequest } from '../auth/api-key.guard';
import { RequireRole } from '../auth/roles.decorator';
import { AlertDto, CreateAlertDto } from './alert.dto';

/** Webhook URLs (they may hold a secret token) only to scientists and admins, as for retrain policies. */
const hideUrl = (req: AuthenticatedRequest) => !!req.apiKey && !hasRole(req.apiKey.role, 'scientist');

@ApiTags('alerts')
@ApiSecurity('api-key')
@Controller()
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Post('segmentations/:id/alerts')
  @RequireRole('scientist')
  @ApiOperation({
    summary: 'Add a KPI alert',
    description:
      "Checked for every segment after each successful run of the segmentation and each successful scoring with one of its runs' models (over the scored customers' KPIs); a run or scoring with a breaching segment fires it once: an `alert.fired` event and the webhook, retried like a retrain's.",
  })
  @ApiCreatedResponse({ type: AlertDto })
  async create(
    @Param('id') id: string,
    @Body() body: CreateAlertDto,
    @Req() req: AuthenticatedRequest,
  ): Promise<AlertDto> {
    const alert = await this.alerts.create(id, body, req.apiKey?.name ?? 'unknown');
    return alertView(alert, [], { hideWebhookUrl: hideUrl(req) });
  }

  @Get('alerts')
  @ApiOperation({
    summary: 'KPI alerts',
    description: 'Every alert with its firings, newest first. Webhook URLs are shown to scientists and admins only.',
  })
  @ApiOkResponse({ type: [AlertDto] })
  async list(@Req() req: AuthenticatedRequest): Promise<AlertDto[]> {
    const [alerts, firings] = [await this.alerts.list(), await this.alerts.firings()];
    return alerts.map((a) => alertView(a, firings, { hideWebhookUrl: hideUrl(req) }));
  }

  @Delete('alerts/:id')
  @RequireRole('scientist')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a KPI alert',
    description:
      'It never fires again and is no longer listed; who deleted it and when are kept, and its past firings stay in the events. Webhooks of its firings not yet delivered are not sent.',
  })
  @ApiNoContentResponse({ description: 'deleted' })
  async remove(@Param('id') id: string, @Req() req: AuthenticatedRequest): Promise<void> {
    await this.alerts.delete(id, req.apiKey?.name ?? 'unknown');
  }
}
