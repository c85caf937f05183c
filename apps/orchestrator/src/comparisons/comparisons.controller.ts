import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ComparisonReportsService, comparisonView, ComparisonsService } from '@workbench/services';
import { RequireRole } from '../auth/roles.decorator';
import { ComparisonDto } from './comparison.dto';
import { CreateComparisonDto } from './create-comparison.dto';
import { ComparisonKpiDeltasDto } from './kpi-deltas.dto';

@ApiTags('comparisons')
@ApiSecurity('api-key')
@Controller('comparisons')
export class ComparisonsController {
  constructor(
    private readonly comparisons: ComparisonsService,
    private readonly reports: ComparisonReportsService,
  ) {}

  @Post()
  @RequireRole('analyst')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Compare two runs',
    description: 'Queues the comparison of two finished runs; poll GET /comparisons/:id.',
  })
  @ApiAcceptedResponse({ type: ComparisonDto })
  @ApiServiceUnavailableResponse({
    description:
      'The compare queue (Redis) did not answer within WORKBENCH_QUEUE_TIMEOUT_MS; nothing was recorded, try again later.',
  })
  async create(@Body() body: CreateComparisonDto): Promise<ComparisonDto> {
    return comparisonView(await this.comparisons.submit(body.runA, body.runB));
  }

  @Get()
  @ApiOperation({ summary: 'All comparisons' })
  @ApiOkResponse({ type: [ComparisonDto] })
  async list(): Promise<ComparisonDto[]> {
    return (await this.comparisons.list()).map(comparisonView);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'A comparison',
    description: 'Agreement (ARI, NMI), migration matrix and matched segments with KPI changes, once it has succeeded.',
  })
  @ApiOkResponse({ type: ComparisonDto })
  async get(@Param('id') id: string): Promise<ComparisonDto> {
    return comparisonView(await this.comparisons.get(id));
  }

  @Get(':id/kpi-deltas')
  @ApiOperation({
    summary: "KPI changes of a comparison's matched segments",
    description:
      "The KPI evaluators' values of run A and run B over all customers and per matched pair of segments, the change B − A and its interval from the two values' intervals (MOVER), significant where it excludes 0. A comparison not yet succeeded answers 409.",
  })
  @ApiOkResponse({ type: ComparisonKpiDeltasDto })
  async kpiDeltas(@Param('id') id: string): Promise<ComparisonKpiDeltasDto> {
    return this.reports.kpiDeltas(id);
  }
}
