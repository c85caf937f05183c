import { readFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { BadRequestException, Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Workbench, type IngestResult } from '@workbench/services';
import type { Response } from 'express';
import { RequireRole } from '../auth/roles.decorator';
import { datasetVersionView } from '../common/views';
import { Metrics } from '../observability/metrics';
import { UploadDatasetDto, UploadVersionDto } from './upload-dataset.dto';

/** Largest CSV accepted in one upload. */
const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

@ApiTags('datasets')
@ApiSecurity('api-key')
@Controller('datasets')
export class DatasetsController {
  constructor(
    private readonly workbench: Workbench,
    private readonly metrics: Metrics,
  ) {}

  /** Uploads a customers CSV: 201 with a new version, or 200 with the existing one when the content was uploaded before. */
  @Post()
  @RequireRole('analyst')
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file', 'name'], properties: { file: { type: 'string', format: 'binary' }, name: { type: 'string' } } } })
  // Uploads go to a temporary file and are read from there as a stream, so a large file never sits in memory.
  @UseInterceptors(FileInterceptor('file', { dest: tmpdir(), limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } }))
  async upload(@UploadedFile() file: Express.Multer.File | undefined, @Body() body: UploadDatasetDto, @Res({ passthrough: true }) res: Response) {
    if (!file) throw new BadRequestException("file: a CSV file is required in the multipart field 'file'");
    try {
      const result = await this.ingest(body, file);
      this.metrics.rowsIngested(body.kind ?? 'customers', result.report);
      if (!result.created) res.status(200);
      return { dataset: { id: result.dataset.id, name: result.dataset.name }, created: result.created, version: datasetVersionView(result.version) };
    } finally {
      await unlink(file.path).catch(() => undefined);
    }
  }

  /** The same upload addressed to an existing dataset: a new version (or the existing one with that content). */
  @Post(':id/versions')
  @RequireRole('analyst')
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @UseInterceptors(FileInterceptor('file', { dest: tmpdir(), limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } }))
  async uploadVersion(
    @Param('id') id: string,
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() body: UploadVersionDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const dataset = await this.workbench.datasets.get(id);
    if (body.name !== undefined && body.name !== dataset.name) {
      if (file) await unlink(file.path).catch(() => undefined);
      throw new BadRequestException(`name: '${body.name}' is not the name of dataset '${id}' ('${dataset.name}'); leave it out or send that name`);
    }
    return this.upload(file, Object.assign(new UploadDatasetDto(), body, { name: dataset.name }), res);
  }

  private async ingest(body: UploadDatasetDto, file: Express.Multer.File): Promise<IngestResult> {
    const delimiter = body.delimiter === 'tab' ? '\t' : body.delimiter;
    // How the file is read, the same for every kind (the bytes are decoded by ingest, never here).
    const format = {
      encoding: body.encoding,
      header: body.header !== 'false',
      columns: body.columns?.split(',').map((c) => c.trim()),
      decimal: body.decimal,
      thousands: body.thousands,
      currency: body.currency === 'true',
    };
    if (body.kind === 'table') {
      if (!body.table) throw new BadRequestException('table: an extra table needs a name, e.g. marketing_spend or survey');
      const text = await readFile(file.path);
      return this.workbench.datasets.ingestTable({ dataset: body.name, table: body.table, text, sourceName: file.originalname, delimiter, policy: body.policy, format });
    }
    if (body.kind === 'transactions') {
      return this.workbench.datasets.ingestTransactions({
        dataset: body.name,
        source: file.path,
        sourceName: file.originalname,
        mapping: {
          ...(body.customerIdColumn && { customerId: body.customerIdColumn }),
          ...(body.timestampColumn && { timestamp: body.timestampColumn }),
          ...(body.amountColumn && { amount: body.amountColumn }),
          ...(body.quantityColumn && { quantity: body.quantityColumn }),
          ...(body.unitPriceColumn && { unitPrice: body.unitPriceColumn }),
          ...(body.orderIdColumn && { orderId: body.orderIdColumn }),
        },
        dateFormat: body.dateFormat,
        ...format,
        delimiter,
        returns: body.returns,
        zeroAmounts: body.zeroAmounts,
        policy: body.policy,
        maxBytes: MAX_UPLOAD_BYTES,
      });
    }
    return this.workbench.datasets.ingestCustomers({
      ...format,
      dataset: body.name,
      text: await readFile(file.path),
      sourceName: file.originalname,
      customerIdColumn: body.customerIdColumn,
      revenueColumn: body.revenueColumn,
      policy: body.policy,
      delimiter,
    });
  }

  @Get()
  async list() {
    return (await this.workbench.datasets.list()).map((d) => ({ id: d.id, name: d.name, createdAt: d.createdAt }));
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    const dataset = await this.workbench.datasets.get(id);
    const versions = await this.workbench.datasets.versions(dataset.id);
    return { id: dataset.id, name: dataset.name, createdAt: dataset.createdAt, versions: versions.map(datasetVersionView) };
  }

  @Get(':id/versions/:version')
  async version(@Param('id') id: string, @Param('version', ParseIntPipe) version: number) {
    return datasetVersionView(await this.workbench.datasets.version(id, version));
  }
}
