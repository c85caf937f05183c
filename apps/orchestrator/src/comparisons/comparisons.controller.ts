import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Workbench } from '@workbench/services';
import { RequireRole } from '../auth/roles.decorator';
import { comparisonView } from '../common/views';
import { CreateComparisonDto } from './create-comparison.dto';

@ApiTags('comparisons')
@ApiSecurity('api-key')
@Controller('comparisons')
export class ComparisonsController {
  constructor(private readonly workbench: Workbench) {}

  /** Queues the comparison of two finished runs; 202 with its id. Poll GET /comparisons/:id. */
  @Post()
  @RequireRole('analyst')
  @HttpCode(202)
  async create(@Body() body: CreateComparisonDto) {
    return comparisonView(await this.workbench.comparisons.submit(body.runA, body.runB));
  }

  @Get()
  async list() {
    return (await this.workbench.comparisons.list()).map(comparisonView);
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    return comparisonView(await this.workbench.comparisons.get(id));
  }
}
