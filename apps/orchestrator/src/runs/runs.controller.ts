import { Controller, Get, Param } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Workbench } from '@workbench/services';
import { kpiView, runView, segmentView } from '../common/views';

@ApiTags('runs')
@ApiSecurity('api-key')
@Controller('runs')
export class RunsController {
  constructor(private readonly workbench: Workbench) {}

  /** Status, progress, timings, metrics and error of a run (id, or `segmentation@v3` / `segmentation@latest`). */
  @Get(':id')
  async get(@Param('id') id: string) {
    return runView(await this.workbench.runs.resolve(id));
  }

  @Get(':id/segments')
  async segments(@Param('id') id: string) {
    const run = await this.workbench.runs.resolve(id);
    return (await this.workbench.runs.segments(run.id)).map(segmentView);
  }

  @Get(':id/kpis')
  async kpis(@Param('id') id: string) {
    const run = await this.workbench.runs.resolve(id);
    return (await this.workbench.runs.kpis(run.id)).map(kpiView);
  }
}
