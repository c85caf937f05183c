import { Body, Controller, Get, Header, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { onlineScoresView, scoredRowsCsv, ScoringsService, scoringView } from '@workbench/services';
import { RequireRole } from '../auth/roles.decorator';
import { ScoreRequestDto } from './score-request.dto';
import { OnlineScoresDto, RowErrorDto, ScoredRowDto, ScoringDto } from './scoring.dto';

@ApiTags('scorings')
@ApiSecurity('api-key')
@Controller()
export class ScoringsController {
  constructor(private readonly scorings: ScoringsService) {}

  @Post('runs/:id/score')
  @RequireRole('analyst')
  @ApiOperation({
    summary: "Score customers with a finished run's model (no retraining)",
    description:
      'With `dataset` (and `version`): queues a batch scoring of that dataset version, features built as for training; answers 202 with the scoring, ' +
      'whose rows are at GET /scorings/:id/assignments once it has succeeded. With `customers`: scores those feature rows now and answers 200 with their segments. ' +
      "The run is an id, `<segmentation>@v<n>`, `@latest` or `@<alias>` (e.g. `shop@champion`). A customer the model refuses gets the plugin's reason; the others are scored.",
  })
  @ApiAcceptedResponse({ type: ScoringDto, description: 'batch: the queued scoring' })
  @ApiOkResponse({ type: OnlineScoresDto, description: "online: the customers' segments" })
  async score(
    @Param('id') id: string,
    @Body() body: ScoreRequestDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ScoringDto | OnlineScoresDto> {
    if (body.customers) {
      const { run, rows } = await this.scorings.scoreCustomers(id, body.customers);
      res.status(200);
      return onlineScoresView(run, rows);
    }
    res.status(202);
    return scoringView(await this.scorings.submit(id, { dataset: body.dataset as string, version: body.version }));
  }

  @Get('runs/:id/scorings')
  @ApiOperation({ summary: "Batch scorings with a run's model", description: 'Newest first.' })
  @ApiOkResponse({ type: [ScoringDto] })
  async listForRun(@Param('id') id: string): Promise<ScoringDto[]> {
    return (await this.scorings.listForRun(id)).map(scoringView);
  }

  @Get('scorings/:id')
  @ApiOperation({
    summary: 'A batch scoring',
    description: 'Status, the run and dataset version, customers scored and refused, customers per segment.',
  })
  @ApiOkResponse({ type: ScoringDto })
  async get(@Param('id') id: string): Promise<ScoringDto> {
    return scoringView(await this.scorings.get(id));
  }

  @Get('scorings/:id/errors')
  @ApiOperation({
    summary: 'Customers a batch scoring refused',
    description: "Row, customer and the plugin's reason (e.g. a missing feature), in row order.",
  })
  @ApiOkResponse({ type: [RowErrorDto] })
  async errors(@Param('id') id: string): Promise<RowErrorDto[]> {
    return this.scorings.errors(id);
  }

  @Get('scorings/:id/assignments')
  @ApiOperation({
    summary: 'Customer → segment of a batch scoring',
    description:
      "As a run's assignments: `?format=csv` (default; columns customer_id, segment_key, segment, score, error) or `json`. A refused customer has no segment and its reason in `error`.",
  })
  @ApiQuery({ name: 'format', required: false, enum: ['csv', 'json'] })
  @ApiProduces('text/csv', 'application/json')
  @ApiOkResponse({ type: [ScoredRowDto], description: 'JSON rows with format=json; otherwise the same rows as CSV' })
  @Header('Cache-Control', 'no-store')
  async assignments(
    @Param('id') id: string,
    @Query('format') format: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ScoredRowDto[] | StreamableFile> {
    const rows = await this.scorings.rows(id);
    if (format === 'json') return rows;
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="scoring-${id}.csv"`);
    return new StreamableFile(Buffer.from(scoredRowsCsv(rows).join('\n') + '\n', 'utf8'));
  }
}
