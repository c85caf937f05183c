import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { RetrainPolicy, RetrainRequest } from '@workbench/persistence';
import { hasRole, Workbench } from '@workbench/services';
import type { AuthenticatedRequest } from '../auth/api-key.guard';
import { RequireRole } from '../auth/roles.decorator';
import { CreatePolicyDto, UpdatePolicyDto } from './create-policy.dto';

/** A policy as the API shows it; webhook URLs (they may hold a secret token) only to scientists and admins. */
const policyView = (p: RetrainPolicy, req?: AuthenticatedRequest) => ({
  id: p.id,
  segmentation: p.segmentation.name,
  trigger: p.trigger,
  cron: p.cron ?? null,
  rule: p.rule,
  webhookUrl: p.webhookUrl && req?.apiKey && !hasRole(req.apiKey.role, 'scientist') ? '(hidden: scientists and admins see webhook URLs)' : (p.webhookUrl ?? null),
  enabled: p.enabled,
  createdBy: p.createdBy,
  createdAt: p.createdAt,
});

const requestView = (r: RetrainRequest) => ({
  id: r.id,
  policy: r.policy.id,
  segmentation: r.policy.segmentation.name,
  trigger: r.triggerKey,
  status: r.status,
  datasetVersion: r.datasetVersion.version,
  run: r.run ? { id: r.run.id, version: r.run.version } : null,
  champion: r.champion ? { id: r.champion.id, version: r.champion.version } : null,
  outcome: r.outcome ?? null,
  drift: r.drift ?? null,
  error: r.error ?? null,
  createdAt: r.createdAt,
  finishedAt: r.finishedAt ?? null,
});

@ApiTags('retraining')
@ApiSecurity('api-key')
@Controller()
export class RetrainController {
  constructor(private readonly workbench: Workbench) {}

  /** Adds a retrain policy: when it triggers, the segmentation retrains and the result is promoted or flagged by the rule. */
  @Post('segmentations/:id/policies')
  @RequireRole('scientist')
  async create(@Param('id') id: string, @Body() body: CreatePolicyDto, @Req() req: AuthenticatedRequest) {
    const policy = await this.workbench.retrain.createPolicy({ segmentation: id, ...body }, req.apiKey?.name ?? 'unknown');
    return policyView((await this.workbench.retrain.listPolicies(id)).find((p) => p.id === policy.id) as RetrainPolicy);
  }

  @Get('policies')
  @ApiQuery({ name: 'segmentation', required: false })
  async list(@Req() req: AuthenticatedRequest, @Query('segmentation') segmentation?: string) {
    return (await this.workbench.retrain.listPolicies(segmentation)).map((p) => policyView(p, req));
  }

  /** Turns a policy off (it stops triggering) or on again. */
  @Patch('policies/:id')
  @RequireRole('scientist')
  async update(@Param('id') id: string, @Body() body: UpdatePolicyDto) {
    return policyView(await this.workbench.retrain.setPolicyEnabled(id, body.enabled));
  }

  /** Deletes a policy: it never triggers again and is no longer listed; its retrain history stays. */
  @Delete('policies/:id')
  @RequireRole('scientist')
  @HttpCode(204)
  async remove(@Param('id') id: string, @Req() req: AuthenticatedRequest) {
    await this.workbench.retrain.deletePolicy(id, req.apiKey?.name ?? 'unknown');
  }

  /** Retrains now, under every policy of the segmentation, on its latest data; 202 with the retrain requests. */
  @Post('segmentations/:id/retrain')
  @RequireRole('analyst')
  @HttpCode(202)
  async retrain(@Param('id') id: string) {
    const requests = await this.workbench.retrain.manual(id);
    return Promise.all(requests.map(async (r) => requestView(await this.workbench.retrain.getRequest(r.id))));
  }

  @Get('retrains')
  @ApiQuery({ name: 'segmentation', required: false })
  async requests(@Query('segmentation') segmentation?: string) {
    return (await this.workbench.retrain.listRequests(segmentation)).map(requestView);
  }

  @Get('retrains/:id')
  async request(@Param('id') id: string) {
    return requestView(await this.workbench.retrain.getRequest(id));
  }

  /** Outcomes (retrain promoted, flagged, failed), newest first, with their webhook delivery status. */
  @Get('events')
  async events() {
    return (await this.workbench.retrain.events()).map((e) => ({
      id: e.id,
      kind: e.kind,
      segmentation: e.segmentation,
      runId: e.runId ?? null,
      retrain: e.requestId ?? null,
      message: e.message,
      details: e.details,
      webhook: { status: e.webhookStatus, attempts: e.webhookAttempts },
      createdAt: e.createdAt,
    }));
  }
}
