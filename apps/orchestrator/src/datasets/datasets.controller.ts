import { open, readFile } from 'node:fs/promises';
import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Post,
  Query,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiSecurity,
  ApiTags,
  getSchemaPath,
  ApiExtraModels,
} from '@nestjs/swagger';
import { HEAD_BYTES, previewCsv } from '@workbench/data';
import {
  datasetDetailView,
  datasetPreviewView,
  datasetVersionView,
  DatasetsService,
  datasetView,
  ingestView,
  mappingOfUploadFields,
  RunInputsService,
  type IngestResult,
} from '@workbench/services';
import type { Response } from 'express';
import { RequireRole } from '../auth/roles.decorator';
import { Metrics } from '../observability/metrics';
import {
  DatasetDetailDto,
  DatasetDto,
  DatasetPreviewDto,
  DatasetVersionDto,
  FeatureDto,
  IngestDto,
} from './dataset.dto';
import { RemoveUploadInterceptor } from './remove-upload.interceptor';
import { UploadDatasetDto, UploadFieldsDto, UploadVersionDto } from './upload-dataset.dto';

/** Largest CSV accepted in one upload. */
const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

/** The multipart form of an upload: every field of UploadDatasetDto beside the file. */
const uploadForm = (
  fields: typeof UploadDatasetDto | typeof UploadVersionDto | typeof UploadFieldsDto,
  required: string[],
) => ({
  schema: {
    allOf: [
      { $ref: getSchemaPath(fields) },
      {
        type: 'object',
        required,
        properties: { file: { type: 'string', format: 'binary', description: 'the CSV file' } },
      },
    ],
  },
});

@ApiTags('datasets')
@ApiSecurity('api-key')
@ApiExtraModels(UploadDatasetDto, UploadVersionDto, UploadFieldsDto)
@Controller('datasets')
export class DatasetsController {
  constructor(
    private readonly datasets: DatasetsService,
    private readonly runInputs: RunInputsService,
    private readonly metrics: Metrics,
  ) {}

  @Post()
  @RequireRole('analyst')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Upload a CSV as a dataset version',
    description:
      'Customers, transactions or an extra table: 201 with a new version, or 200 with the existing one when the content was uploaded before.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody(uploadForm(UploadDatasetDto, ['file', 'name']))
  @ApiCreatedResponse({ type: IngestDto, description: 'a new version' })
  @ApiOkResponse({ type: IngestDto, description: 'this content was stored before: the existing version' })
  // Uploads go to a file of the upload folder (DatasetsModule) and are read from there as a stream, so a large
  // file never sits in memory; RemoveUploadInterceptor deletes it whatever the outcome.
  @UseInterceptors(
    FileInterceptor('file', { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } }),
    RemoveUploadInterceptor,
  )
  async upload(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() body: UploadDatasetDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<IngestDto> {
    if (!file) throw new BadRequestException("file: a CSV file is required in the multipart field 'file'");
    const result = await this.ingest(body, file);
    this.metrics.rowsIngested(body.kind ?? 'customers', result.report);
    if (!result.created) res.status(200);
    return ingestView(result);
  }

  @Post('preview')
  @RequireRole('analyst')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Preview a CSV before uploading it',
    description: `Reads the first ${HEAD_BYTES / 1024} KiB of the file (send just that much: a client may send ${HEAD_BYTES} + 1 bytes so the server knows the file goes on) and answers its columns, first 20 rows and what the ingest would make of it: for transactions the mapping and date format, for a customers table its id and revenue columns, each as the upload fields to send back (edited or not), or why it cannot. Stores nothing.`,
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody(uploadForm(UploadFieldsDto, ['file']))
  @ApiOkResponse({ type: DatasetPreviewDto })
  @UseInterceptors(
    FileInterceptor('file', { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } }),
    RemoveUploadInterceptor,
  )
  async preview(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() body: UploadFieldsDto,
  ): Promise<DatasetPreviewDto> {
    if (!file) throw new BadRequestException("file: a CSV file is required in the multipart field 'file'");
    // Only the head is read, however much was sent; the rest of the upload is deleted unread.
    const handle = await open(file.path, 'r');
    let head: Buffer;
    try {
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(HEAD_BYTES), 0, HEAD_BYTES, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
    const format = this.formatOf(body);
    return datasetPreviewView(
      previewCsv(head, file.size <= HEAD_BYTES, {
        ...format,
        kind: body.kind,
        mapping: mappingOfUploadFields(body),
        dateFormat: body.dateFormat,
        customerIdColumn: body.customerIdColumn,
        revenueColumn: body.revenueColumn,
      }),
    );
  }

  @Post(':id/versions')
  @RequireRole('analyst')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Upload a new version of a dataset',
    description: 'The same upload addressed to an existing dataset (its name is taken from the path).',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody(uploadForm(UploadVersionDto, ['file']))
  @ApiCreatedResponse({ type: IngestDto, description: 'a new version' })
  @ApiOkResponse({ type: IngestDto, description: 'this content was stored before: the existing version' })
  @UseInterceptors(
    FileInterceptor('file', { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } }),
    RemoveUploadInterceptor,
  )
  async uploadVersion(
    @Param('id') id: string,
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() body: UploadVersionDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<IngestDto> {
    const dataset = await this.datasets.get(id);
    if (body.name !== undefined && body.name !== dataset.name) {
      throw new BadRequestException(
        `name: '${body.name}' is not the name of dataset '${id}' ('${dataset.name}'); leave it out or send that name`,
      );
    }
    return this.upload(file, Object.assign(new UploadDatasetDto(), body, { name: dataset.name }), res);
  }

  private async ingest(body: UploadDatasetDto, file: Express.Multer.File): Promise<IngestResult> {
    const { delimiter, ...format } = this.formatOf(body);
    // The CLI's --problems: every problem kept, for a download of them all.
    const maxProblems = body.problems === 'all' ? Number.MAX_SAFE_INTEGER : undefined;
    if (body.kind === 'table') {
      if (!body.table)
        throw new BadRequestException('table: an extra table needs a name, e.g. marketing_spend or survey');
      const text = await readFile(file.path);
      return this.datasets.ingestTable({
        dataset: body.name,
        table: body.table,
        text,
        sourceName: file.originalname,
        delimiter,
        policy: body.policy,
        maxProblems,
        uploadId: body.uploadId,
        format,
      });
    }
    if (body.kind === 'transactions') {
      return this.datasets.ingestTransactions({
        dataset: body.name,
        source: file.path,
        sourceName: file.originalname,
        mapping: mappingOfUploadFields(body),
        dateFormat: body.dateFormat,
        ...format,
        delimiter,
        returns: body.returns,
        zeroAmounts: body.zeroAmounts,
        policy: body.policy,
        maxProblems,
        uploadId: body.uploadId,
        maxBytes: MAX_UPLOAD_BYTES,
      });
    }
    return this.datasets.ingestCustomers({
      ...format,
      dataset: body.name,
      text: await readFile(file.path),
      sourceName: file.originalname,
      customerIdColumn: body.customerIdColumn,
      revenueColumn: body.revenueColumn,
      policy: body.policy,
      maxProblems,
      uploadId: body.uploadId,
      delimiter,
    });
  }

  /** How the file is read, the same for every kind and for the preview (the bytes are decoded by ingest, never here). */
  private formatOf(body: UploadFieldsDto) {
    return {
      delimiter: body.delimiter === 'tab' ? '\t' : body.delimiter,
      encoding: body.encoding,
      header: body.header !== 'false',
      columns: body.columns?.split(',').map((c) => c.trim()),
      decimal: body.decimal,
      thousands: body.thousands,
      currency: body.currency === 'true',
    };
  }

  @Get()
  @ApiOperation({ summary: 'All datasets' })
  @ApiOkResponse({ type: [DatasetDto] })
  async list(): Promise<DatasetDto[]> {
    return (await this.datasets.list()).map(datasetView);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A dataset (id or name) with its versions' })
  @ApiOkResponse({ type: DatasetDetailDto })
  async get(@Param('id') id: string): Promise<DatasetDetailDto> {
    const dataset = await this.datasets.get(id);
    return datasetDetailView(dataset, await this.datasets.versions(dataset.id));
  }

  @Get(':id/features')
  @ApiOperation({
    summary: 'Features a run trains on',
    description:
      "Of the version a run trains on by default (or `?version=`): names to use in a plugin's params, with definitions, units and ranges.",
  })
  @ApiQuery({ name: 'version', required: false, type: Number })
  @ApiOkResponse({ type: [FeatureDto] })
  async features(@Param('id') id: string, @Query('version') version?: string): Promise<FeatureDto[]> {
    if (version !== undefined && !/^[1-9]\d*$/.test(version))
      throw new BadRequestException(`version: '${version}' is not a version number (1, 2, …)`);
    return (await this.runInputs.featuresOf(id, version === undefined ? undefined : Number(version))).features;
  }

  @Get(':id/versions/:version')
  @ApiOperation({ summary: 'One version of a dataset', description: 'Schema, stats and ingest report.' })
  @ApiOkResponse({ type: DatasetVersionDto })
  async version(@Param('id') id: string, @Param('version', ParseIntPipe) version: number): Promise<DatasetVersionDto> {
    return datasetVersionView(await this.datasets.version(id, version));
  }
}
