import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { comparisonView, ComparisonsService } from '@workbench/services';
import { RequireRole } from '../auth/roles.decorator';
import { ComparisonDto } from './comparison.dto';
import { CreateComparisonDto } from './create-comparison.dto';

@ApiTags('comparisons')
@ApiSecurity('api-key')
@Controller('comparisons')
export class ComparisonsController {
  constructor(private readonly comparisons: ComparisonsService) {}

  @Post()
  @RequireRole('analyst')
  @HttpCode(202)
  @ApiOperation({ summary: 'Compare two runs', description: 'Queues the comparison of two finished runs; poll GET /comparisons/:id.' })
  @ApiAcceptedResponse({ type: ComparisonDto })
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
  @ApiOperation({ summary: 'A comparison', description: 'Agreement (ARI, NMI), migration matrix and matched segments with KPI changes, once it has succeeded.' })
  @ApiOkResponse({ type: ComparisonDto })
  async get(@Param('id') id: string): Promise<ComparisonDto> {
    return comparisonView(await this.comparisons.get(id));
  }
}
