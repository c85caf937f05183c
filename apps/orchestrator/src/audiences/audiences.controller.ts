import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { AudiencesService, audienceSubscriptionView, hasRole } from '@workbench/services';
import type { AuthenticatedRequest } from '../auth/api-key.guard';
import { RequireRole } from '../auth/roles.decorator';
import { AudienceSubscriptionDto, SubscribeAudiencesDto } from './audience.dto';

/** Webhook URLs (they may hold a secret token) only to scientists and admins, as for alerts and retrain policies. */
const hideUrl = (req: AuthenticatedRequest) => !!req.apiKey && !hasRole(req.apiKey.role, 'scientist');

@ApiTags('audiences')
@ApiSecurity('api-key')
@Controller()
export class AudiencesController {
  constructor(private readonly audiences: AudiencesService) {}

  @Post('segmentations/:id/audiences')
  @RequireRole('scientist')
  @ApiOperation({
    summary: "Subscribe a webhook to a segmentation's audience changes",
    description:
      "When a version succeeds, each segment is matched to the previous version's segment by the Hungarian matching over their shared customers, and an `audience.changed` event per segment and part, `{ segment, previous, entered: [ids], left: [ids], counts: { entered, left }, part, parts }` with at most chunkSize ids (counts are the whole change's, over all parts), is posted to the webhook and retried like the other webhooks. A first version posts every segment's customers as entered; a previous segment matched to none posts all its customers as left (segment key −1).",
  })
  @ApiCreatedResponse({ type: AudienceSubscriptionDto })
  async subscribe(
    @Param('id') id: string,
    @Body() body: SubscribeAudiencesDto,
    @Req() req: AuthenticatedRequest,
  ): Promise<AudienceSubscriptionDto> {
    const subscription = await this.audiences.subscribe(id, body, req.apiKey?.name ?? 'unknown');
    return audienceSubscriptionView(subscription, { hideWebhookUrl: hideUrl(req) });
  }

  @Get('audiences')
  @ApiOperation({
    summary: 'Audience subscriptions',
    description: 'Webhook URLs are shown to scientists and admins only.',
  })
  @ApiOkResponse({ type: [AudienceSubscriptionDto] })
  async list(@Req() req: AuthenticatedRequest): Promise<AudienceSubscriptionDto[]> {
    return (await this.audiences.list()).map((s) => audienceSubscriptionView(s, { hideWebhookUrl: hideUrl(req) }));
  }

  @Delete('audiences/:id')
  @RequireRole('scientist')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete an audience subscription',
    description:
      'Its webhook gets no more audience changes and it is no longer listed; who deleted it and when are kept, and its past changes stay in the events. Webhooks of its changes not yet delivered are not sent.',
  })
  @ApiNoContentResponse({ description: 'deleted' })
  async remove(@Param('id') id: string, @Req() req: AuthenticatedRequest): Promise<void> {
    await this.audiences.delete(id, req.apiKey?.name ?? 'unknown');
  }
}
