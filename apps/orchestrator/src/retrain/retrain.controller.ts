import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { RetrainPolicy } from '@workbench/persistence';
import { COMPARISON_METRICS } from '@workbench/retrain';
import {
  hasRole,
  retrainPolicyView,
  retrainRequestView,
  RetrainService,
  workbenchEventView,
} from '@workbench/services';
import type { AuthenticatedRequest } from '../auth/api-key.guard';
import { RequireRole } from '../auth/roles.decorator';
import { CheckRuleDto, CreatePolicyDto, UpdatePolicyDto } from './create-policy.dto';
import { RetrainPolicyDto, RetrainRequestDto, RuleCheckDto, RuleMetricDto, WorkbenchEventDto } from './retrain.dto';

/** Webhook URLs (they may hold a secret token) only to scientists and admins. */
const policyFor = (req: AuthenticatedRequest) => (p: RetrainPolicy) =>
  retrainPolicyView(p, { hideWebhookUrl: !!req.apiKey && !hasRole(req.apiKey.role, 'scientist') });

@ApiTags('retraining')
@ApiSecurity('api-key')
@Controller()
export class RetrainController {
  constructor(private readonly retrain: RetrainService) {}

  @Post('segmentations/:id/policies')
  @RequireRole('scientist')
  @ApiOperation({
    summary: 'Add a retrain policy',
    description: 'When it triggers, the segmentation retrains and the result is promoted or flagged by the rule.',
  })
  @ApiCreatedResponse({ type: RetrainPolicyDto })
  async create(
    @Param('id') id: string,
    @Body() body: CreatePolicyDto,
    @Req() req: AuthenticatedRequest,
  ): Promise<RetrainPolicyDto> {
    const policy = await this.retrain.createPolicy({ segmentation: id, ...body }, req.apiKey?.name ?? 'unknown');
    return policyFor(req)((await this.retrain.listPolicies(id)).find((p) => p.id === policy.id) as RetrainPolicy);
  }

  @Get('policies')
  @ApiOperation({ summary: 'Retrain policies', description: 'Webhook URLs are shown to scientists and admins only.' })
  @ApiQuery({ name: 'segmentation', required: false })
  @ApiOkResponse({ type: [RetrainPolicyDto] })
  async list(
    @Req() req: AuthenticatedRequest,
    @Query('segmentation') segmentation?: string,
  ): Promise<RetrainPolicyDto[]> {
    return (await this.retrain.listPolicies(segmentation)).map(policyFor(req));
  }

  @Patch('policies/:id')
  @RequireRole('scientist')
  @ApiOperation({ summary: 'Turn a policy off or on', description: 'A disabled policy stops triggering.' })
  @ApiOkResponse({ type: RetrainPolicyDto })
  async update(
    @Param('id') id: string,
    @Body() body: UpdatePolicyDto,
    @Req() req: AuthenticatedRequest,
  ): Promise<RetrainPolicyDto> {
    return policyFor(req)(await this.retrain.setPolicyEnabled(id, body.enabled));
  }

  @Delete('policies/:id')
  @RequireRole('scientist')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a policy',
    description: 'It never triggers again and is no longer listed; its retrain history stays.',
  })
  @ApiNoContentResponse({ description: 'deleted' })
  async remove(@Param('id') id: string, @Req() req: AuthenticatedRequest): Promise<void> {
    await this.retrain.deletePolicy(id, req.apiKey?.name ?? 'unknown');
  }

  @Post('segmentations/:id/retrain')
  @RequireRole('analyst')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Retrain now',
    description: 'Under every policy of the segmentation, on its latest data; answers with the retrain requests.',
  })
  @ApiAcceptedResponse({ type: [RetrainRequestDto] })
  async retrainNow(@Param('id') id: string): Promise<RetrainRequestDto[]> {
    const requests = await this.retrain.manual(id);
    return Promise.all(requests.map(async (r) => retrainRequestView(await this.retrain.getRequest(r.id))));
  }

  @Get('retrains')
  @ApiOperation({ summary: 'Retrain requests' })
  @ApiQuery({ name: 'segmentation', required: false })
  @ApiOkResponse({ type: [RetrainRequestDto] })
  async requests(@Query('segmentation') segmentation?: string): Promise<RetrainRequestDto[]> {
    return (await this.retrain.listRequests(segmentation)).map(retrainRequestView);
  }

  @Get('retrains/:id')
  @ApiOperation({ summary: 'A retrain request' })
  @ApiOkResponse({ type: RetrainRequestDto })
  async request(@Param('id') id: string): Promise<RetrainRequestDto> {
    return retrainRequestView(await this.retrain.getRequest(id));
  }

  @Post('retrains/:id/promote')
  @RequireRole('analyst')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Promote a flagged candidate',
    description:
      "Moves the champion alias to the flagged retrain's run (audited with the key's name, as any alias move) and records the decision. Asking again answers the same; 409 when the request is not flagged or was rejected.",
  })
  @ApiOkResponse({ type: RetrainRequestDto })
  async promote(@Param('id') id: string, @Req() req: AuthenticatedRequest): Promise<RetrainRequestDto> {
    return retrainRequestView(await this.retrain.review(id, 'promoted', req.apiKey?.name ?? 'unknown'));
  }

  @Post('retrains/:id/reject')
  @RequireRole('analyst')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reject a flagged candidate',
    description:
      'Records who rejected the candidate and when; no alias moves. Asking again answers the same; 409 when the request is not flagged or was promoted.',
  })
  @ApiOkResponse({ type: RetrainRequestDto })
  async reject(@Param('id') id: string, @Req() req: AuthenticatedRequest): Promise<RetrainRequestDto> {
    return retrainRequestView(await this.retrain.review(id, 'rejected', req.apiKey?.name ?? 'unknown'));
  }

  @Post('promotion-rules/check')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Check a promotion rule',
    description:
      "The server's parser, as a policy is saved: the metrics the rule reads, or the column and what was expected there. Stores nothing.",
  })
  @ApiOkResponse({ type: RuleCheckDto })
  checkRule(@Body() body: CheckRuleDto): RuleCheckDto {
    return this.retrain.checkRule(body.rule);
  }

  @Get('promotion-rules/metrics')
  @ApiOperation({
    summary: 'Metrics a promotion rule can read',
    description: 'Each computed from the comparison of champion and candidate.',
  })
  @ApiOkResponse({ type: [RuleMetricDto] })
  ruleMetrics(): RuleMetricDto[] {
    return Object.entries(COMPARISON_METRICS).map(([name, description]) => ({ name, description }));
  }

  @Get('events')
  @ApiOperation({
    summary: 'Retrain outcomes',
    description: 'Promoted, flagged, failed; newest first, with their webhook delivery status.',
  })
  @ApiOkResponse({ type: [WorkbenchEventDto] })
  async events(): Promise<WorkbenchEventDto[]> {
    return (await this.retrain.events()).map(workbenchEventView);
  }
}
