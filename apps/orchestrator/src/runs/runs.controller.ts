import {
  Controller,
  Get,
  Header,
  HttpCode,
  NotFoundException,
  Param,
  ParseIntPipe,
  Post,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import {
  assignmentRowsCsv,
  AssignmentsService,
  CustomerFeaturesService,
  KpiSeriesService,
  kpiSeriesView,
  RunReportsService,
  RunsService,
  runView,
} from '@workbench/services';
import { RequireRole } from '../auth/roles.decorator';
import { AssignmentsPageDto, AssignmentsPageResultDto } from './assignments-page.dto';
import { AudienceQueryDto } from './audience.dto';
import { CustomerInRunDto } from './customer-in-run.dto';
import { KpiSeriesDto, KpiSeriesQueryDto } from './kpi-series.dto';
import { AssignmentDto, KpiValueDto, RunDto, RunReportDto, SegmentDto } from './run.dto';

const RUN_REF = 'run id, `<segmentation>@v<n>`, `<segmentation>@latest` or `<segmentation>@<alias>`';

@ApiTags('runs')
@ApiSecurity('api-key')
@Controller('runs')
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly reports: RunReportsService,
    private readonly assignmentRows: AssignmentsService,
    private readonly customers: CustomerFeaturesService,
    private readonly kpiSeries: KpiSeriesService,
  ) {}

  @Get(':id')
  @ApiOperation({
    summary: 'A run',
    description: `Status, progress, timings, metrics and error of a run (${RUN_REF}).`,
  })
  @ApiOkResponse({ type: RunDto })
  async get(@Param('id') id: string): Promise<RunDto> {
    return this.reports.run(id);
  }

  @Post(':id/cancel')
  @RequireRole('analyst')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a queued or running run',
    description: `The run (${RUN_REF}) ends \`cancelled\` and stores nothing: a queued run never starts; a running one's plugin sees \`ctx.signal\` aborted within about a second, on whichever worker runs it.`,
  })
  @ApiOkResponse({ type: RunDto, description: 'the run, now cancelled' })
  @ApiConflictResponse({ description: 'the run has already finished (the message names its status)' })
  @ApiNotFoundResponse({ description: 'no such run' })
  async cancel(@Param('id') id: string): Promise<RunDto> {
    return runView(await this.runs.cancel(id));
  }

  @Get(':id/segments')
  @ApiOperation({
    summary: 'Segments of a run',
    description: 'Size, share, revenue share and feature profile of each segment.',
  })
  @ApiOkResponse({ type: [SegmentDto] })
  async segments(@Param('id') id: string): Promise<SegmentDto[]> {
    return this.reports.segments(id);
  }

  @Get(':id/kpis')
  @ApiOperation({
    summary: 'KPI values of a run',
    description:
      'Per segment and overall, with units, intervals, windows and definitions. A failed run answers 409 with its reason.',
  })
  @ApiOkResponse({ type: [KpiValueDto] })
  async kpis(@Param('id') id: string): Promise<KpiValueDto[]> {
    return this.reports.kpis(id);
  }

  @Get(':id/kpis/series')
  @ApiOperation({
    summary: 'KPIs of a run by period',
    description:
      "Per segment and for all customers, per calendar month (default) or ISO week (`?period=week`): revenue, orders, active customers, AOV and the retention of each period's cohort, from the run's transactions and its assignments. Revenue and orders over all periods sum to the run's totals.",
  })
  @ApiOkResponse({ type: KpiSeriesDto })
  async series(@Param('id') id: string, @Query() query: KpiSeriesQueryDto): Promise<KpiSeriesDto> {
    const { run, labels, series } = await this.kpiSeries.series(id, query.period);
    return kpiSeriesView(run, labels, series);
  }

  @Get(':id/report')
  @ApiOperation({
    summary: 'A run with its segments and KPIs',
    description: 'One document, as `workbench segments <run> --json` prints it.',
  })
  @ApiOkResponse({ type: RunReportDto })
  async report(@Param('id') id: string): Promise<RunReportDto> {
    return this.reports.report(id);
  }

  @Get(':id/segments/:key/customers')
  @ApiOperation({
    summary: "A segment's customers, page by page (an audience for activation)",
    description:
      'The customers of segment `key` in the data’s row order: `?format=csv` (default; customer_id, segment_key, segment, score) or `json` (the page with its total), ' +
      '`offset` and `limit` ≤ 100,000. CSV pages carry `X-Total-Count` and, while more follow, a `Link: <…>; rel="next"` header.',
  })
  @ApiQuery({ name: 'format', required: false, enum: ['csv', 'json'] })
  @ApiProduces('text/csv', 'application/json')
  @ApiOkResponse({
    type: AssignmentsPageResultDto,
    description: 'the page as JSON with format=json; otherwise its rows as CSV',
  })
  @Header('Cache-Control', 'no-store')
  async audience(
    @Param('id') id: string,
    @Param(
      'key',
      new ParseIntPipe({
        exceptionFactory: () =>
          new NotFoundException('key: a segment key is a whole number (GET /runs/:id/segments lists them)'),
      }),
    )
    key: number,
    @Query() query: AudienceQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AssignmentsPageResultDto | StreamableFile> {
    const run = await this.runs.resolve(id);
    const segments = await this.runs.segments(run.id);
    if (!segments.some((s) => s.key === key))
      throw new NotFoundException(
        `run ${run.segmentation.name} v${run.version} has no segment ${key} (its keys are 0..${segments.length - 1})`,
      );
    const page = await this.assignmentRows.page(run.id, { offset: query.offset, limit: query.limit, segmentKey: key });
    if (query.format === 'json') return page;
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('X-Total-Count', String(page.total));
    if (page.offset + page.rows.length < page.total) {
      res.setHeader(
        'Link',
        `</runs/${encodeURIComponent(id)}/segments/${key}/customers?format=csv&offset=${page.offset + page.rows.length}&limit=${page.limit}>; rel="next"`,
      );
    }
    return new StreamableFile(Buffer.from(assignmentRowsCsv(page.rows).join('\n') + '\n', 'utf8'));
  }

  @Get(':id/assignments/page')
  @ApiOperation({
    summary: 'One page of customer → segment rows',
    description: 'For browsing a run of any size: `offset`, `limit` ≤ 1000, optional `segment` key.',
  })
  @ApiOkResponse({ type: AssignmentsPageResultDto })
  async assignmentsPage(
    @Param('id') id: string,
    @Query() query: AssignmentsPageDto,
  ): Promise<AssignmentsPageResultDto> {
    const run = await this.runs.resolve(id);
    return this.assignmentRows.page(run.id, { offset: query.offset, limit: query.limit, segmentKey: query.segment });
  }

  @Get(':id/customers/:customerId')
  @ApiOperation({
    summary: 'A customer in a run',
    description:
      "The customer's segment and score, and each feature of the run's input beside the mean of their segment and of all customers.",
  })
  @ApiOkResponse({ type: CustomerInRunDto })
  async customer(@Param('id') id: string, @Param('customerId') customerId: string): Promise<CustomerInRunDto> {
    return this.customers.inRun(id, customerId);
  }

  @Get(':id/assignments')
  @ApiOperation({
    summary: 'Customer → segment of a run',
    description:
      'For activation in other tools: `?format=csv` (default; columns customer_id, segment_key, segment, score) or `json`.',
  })
  @ApiQuery({ name: 'format', required: false, enum: ['csv', 'json'] })
  @ApiProduces('text/csv', 'application/json')
  @ApiOkResponse({ type: [AssignmentDto], description: 'JSON rows with format=json; otherwise the same rows as CSV' })
  @Header('Cache-Control', 'no-store')
  async assignments(
    @Param('id') id: string,
    @Query('format') format: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AssignmentDto[] | StreamableFile> {
    const run = await this.runs.resolve(id);
    const rows = await this.assignmentRows.forRun(run.id);
    if (format === 'json') return rows;
    const lines = assignmentRowsCsv(rows);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="${run.segmentation.name}-v${run.version}-assignments.csv"`,
    );
    return new StreamableFile(Buffer.from(lines.join('\n') + '\n', 'utf8'));
  }
}
