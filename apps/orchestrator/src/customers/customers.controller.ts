import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AssignmentsService, SegmentationsService } from '@workbench/services';
import { HistoryEntryDto } from './history.dto';

@ApiTags('customers')
@ApiSecurity('api-key')
@Controller('customers')
export class CustomersController {
  constructor(
    private readonly segmentations: SegmentationsService,
    private readonly assignments: AssignmentsService,
  ) {}

  @Get(':id/history')
  @ApiOperation({
    summary: "A customer's segments over time",
    description: 'Which segment the customer was in, run after run (oldest first).',
  })
  @ApiQuery({ name: 'segmentation', required: false, description: 'limit to one segmentation (id or name)' })
  @ApiOkResponse({ type: [HistoryEntryDto] })
  async history(@Param('id') id: string, @Query('segmentation') segmentation?: string): Promise<HistoryEntryDto[]> {
    const segmentationId = segmentation ? (await this.segmentations.get(segmentation)).id : undefined;
    return this.assignments.history(id, segmentationId);
  }
}
