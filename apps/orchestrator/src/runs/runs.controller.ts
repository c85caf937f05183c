import { Controller, Get, Header, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
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
    return (await this.workbench.runs.kpis(run.id)).map((k) => kpiView(k, this.workbench.plugins.kpiDefinition(k.evaluator, k.kpi)));
  }

  /** Customer → segment (and score) of the run, for activation in other tools: `?format=csv` (default) or `json`. */
  @Get(':id/assignments')
  @ApiQuery({ name: 'format', required: false, enum: ['csv', 'json'] })
  @Header('Cache-Control', 'no-store')
  async assignments(@Param('id') id: string, @Query('format') format: string | undefined, @Res({ passthrough: true }) res: Response) {
    const run = await this.workbench.runs.resolve(id);
    const rows = await this.workbench.assignments.forRun(run.id);
    if (format === 'json') return rows;
    const quote = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const lines = ['customer_id,segment_key,segment,score', ...rows.map((r) => `${quote(r.customerId)},${r.segmentKey},${quote(r.segmentLabel)},${r.score ?? ''}`)];
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${run.segmentation.name}-v${run.version}-assignments.csv"`);
    return new StreamableFile(Buffer.from(lines.join('\n') + '\n', 'utf8'));
  }
}
