import { Body, Controller, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Workbench } from '@workbench/services';
import type { AuthenticatedRequest } from '../auth/api-key.guard';
import { RequireRole } from '../auth/roles.decorator';
import { aliasEventView, aliasView, runView, segmentationView } from '../common/views';
import { MoveAliasDto } from './move-alias.dto';
import { CreateSegmentationDto } from './create-segmentation.dto';
import { SubmitRunDto } from './submit-run.dto';

@ApiTags('segmentations')
@ApiSecurity('api-key')
@Controller('segmentations')
export class SegmentationsController {
  constructor(private readonly workbench: Workbench) {}

  @Post()
  @RequireRole('analyst')
  async create(@Body() body: CreateSegmentationDto) {
    return segmentationView(await this.workbench.segmentations.create(body));
  }

  @Get()
  async list() {
    return (await this.workbench.segmentations.list()).map(segmentationView);
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    return segmentationView(await this.workbench.segmentations.get(id));
  }

  /** Queues the next version of this segmentation; 202 with the run, whose status then moves queued → running → succeeded | failed. */
  @Post(':id/runs')
  @RequireRole('analyst')
  @HttpCode(202)
  async submit(@Param('id') id: string, @Body() body: SubmitRunDto) {
    return runView(await this.workbench.runs.submit(id, body));
  }

  @Get(':id/runs')
  async runs(@Param('id') id: string) {
    const segmentation = await this.workbench.segmentations.get(id);
    const runs = await this.workbench.segmentations.runs(id);
    return runs.map((r) => runView(Object.assign(r, { segmentation })));
  }

  /** Points an alias (`champion`, `candidate`, …) at a finished run of this segmentation; the move is audited. */
  @Put(':id/aliases/:name')
  @RequireRole('analyst')
  async moveAlias(@Param('id') id: string, @Param('name') name: string, @Body() body: MoveAliasDto, @Req() req: AuthenticatedRequest) {
    await this.workbench.aliases.move(id, name, body.run, req.apiKey?.name ?? 'unknown');
    return (await this.workbench.aliases.list(id)).map(aliasView).find((a) => a.name === name);
  }

  @Get(':id/aliases')
  async aliases(@Param('id') id: string) {
    return (await this.workbench.aliases.list(id)).map(aliasView);
  }

  /** Every move of the alias: who moved it from which run to which, and when. */
  @Get(':id/aliases/:name/history')
  async aliasHistory(@Param('id') id: string, @Param('name') name: string) {
    return (await this.workbench.aliases.history(id, name)).map(aliasEventView);
  }
}
