import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  aliasEventView,
  AliasesService,
  aliasView,
  KpiHistoryService,
  RunsService,
  runView,
  segmentationView,
  SegmentationsService,
} from '@workbench/services';
import type { AuthenticatedRequest } from '../auth/api-key.guard';
import { RequireRole } from '../auth/roles.decorator';
import { ErrorBodyDto } from '../common/error-body.dto';
import { RunDto } from '../runs/run.dto';
import { MoveAliasDto } from './move-alias.dto';
import { CreateSegmentationDto } from './create-segmentation.dto';
import { KpiHistoryDto, KpiHistoryQueryDto } from './kpi-history.dto';
import { AliasDto, AliasEventDto, SegmentationDto } from './segmentation.dto';
import { SubmitRunDto } from './submit-run.dto';

@ApiTags('segmentations')
@ApiSecurity('api-key')
@Controller('segmentations')
export class SegmentationsController {
  constructor(
    private readonly segmentations: SegmentationsService,
    private readonly runs: RunsService,
    private readonly aliases: AliasesService,
    private readonly kpiHistory: KpiHistoryService,
  ) {}

  @Post()
  @RequireRole('analyst')
  @ApiOperation({
    summary: 'Create a segmentation',
    description: 'A plugin with params on a dataset, and the KPI evaluators run after each training.',
  })
  @ApiCreatedResponse({ type: SegmentationDto })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: 'A refused field (params.* for the plugin params, kpis.N.* for an evaluator) is named in `errors`.',
  })
  async create(@Body() body: CreateSegmentationDto): Promise<SegmentationDto> {
    return segmentationView(await this.segmentations.create(body));
  }

  @Get()
  @ApiOperation({ summary: 'All segmentations' })
  @ApiOkResponse({ type: [SegmentationDto] })
  async list(): Promise<SegmentationDto[]> {
    return (await this.segmentations.list()).map(segmentationView);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A segmentation (id or name)' })
  @ApiOkResponse({ type: SegmentationDto })
  async get(@Param('id') id: string): Promise<SegmentationDto> {
    return segmentationView(await this.segmentations.get(id));
  }

  @Post(':id/runs')
  @RequireRole('analyst')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Queue the next version',
    description: 'Answers with the run, whose status then moves queued → running → succeeded | failed.',
  })
  @ApiAcceptedResponse({ type: RunDto })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: 'A refused field (params.* for the merged params, seed, datasetVersion) is named in `errors`.',
  })
  @ApiServiceUnavailableResponse({
    description:
      'The train queue (Redis) did not answer within WORKBENCH_QUEUE_TIMEOUT_MS; no run was recorded, try again later.',
  })
  async submit(@Param('id') id: string, @Body() body: SubmitRunDto): Promise<RunDto> {
    return runView(await this.runs.submit(id, body));
  }

  @Get(':id/runs')
  @ApiOperation({ summary: 'Runs of a segmentation', description: 'Oldest first.' })
  @ApiOkResponse({ type: [RunDto] })
  async listRuns(@Param('id') id: string): Promise<RunDto[]> {
    return (await this.segmentations.runs(id)).map(runView);
  }

  @Get(':id/kpi-history')
  @ApiOperation({
    summary: 'One KPI across the versions',
    description:
      "Each finished version's value of the KPI over all customers and per segment, a segment followed from version to version through the Hungarian matching of consecutive versions (their stored comparison, else computed from the assignments), not by label. `alias` picks the run whose segments name the lines.",
  })
  @ApiOkResponse({ type: KpiHistoryDto })
  async history(@Param('id') id: string, @Query() query: KpiHistoryQueryDto): Promise<KpiHistoryDto> {
    return this.kpiHistory.history(id, query.kpi, query.alias);
  }

  @Put(':id/aliases/:name')
  @RequireRole('analyst')
  @ApiOperation({
    summary: 'Move an alias',
    description:
      'Points an alias (`champion`, `candidate`, …) at a finished run of this segmentation; the move is audited.',
  })
  @ApiOkResponse({ type: AliasDto })
  async moveAlias(
    @Param('id') id: string,
    @Param('name') name: string,
    @Body() body: MoveAliasDto,
    @Req() req: AuthenticatedRequest,
  ): Promise<AliasDto> {
    await this.aliases.move(id, name, body.run, req.apiKey?.name ?? 'unknown');
    return (await this.aliases.list(id)).map(aliasView).find((a) => a.name === name) as AliasDto;
  }

  @Get(':id/aliases')
  @ApiOperation({ summary: 'Aliases of a segmentation' })
  @ApiOkResponse({ type: [AliasDto] })
  async listAliases(@Param('id') id: string): Promise<AliasDto[]> {
    return (await this.aliases.list(id)).map(aliasView);
  }

  @Get(':id/aliases/:name/history')
  @ApiOperation({
    summary: 'History of an alias',
    description: 'Every move: who moved it from which run to which, and when.',
  })
  @ApiOkResponse({ type: [AliasEventDto] })
  async aliasHistory(@Param('id') id: string, @Param('name') name: string): Promise<AliasEventDto[]> {
    return (await this.aliases.history(id, name)).map(aliasEventView);
  }
}
