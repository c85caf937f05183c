import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Workbench } from '@workbench/services';
import { RequireRole } from '../auth/roles.decorator';
import { runView, segmentationView } from '../common/views';
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
}
