import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Workbench } from '@workbench/services';

@ApiTags('customers')
@ApiSecurity('api-key')
@Controller('customers')
export class CustomersController {
  constructor(private readonly workbench: Workbench) {}

  /** Which segment the customer was in, run after run (oldest first). */
  @Get(':id/history')
  @ApiQuery({ name: 'segmentation', required: false, description: 'limit to one segmentation (id or name)' })
  async history(@Param('id') id: string, @Query('segmentation') segmentation?: string) {
    const segmentationId = segmentation ? (await this.workbench.segmentations.get(segmentation)).id : undefined;
    return this.workbench.assignments.history(id, segmentationId);
  }
}
