import { ApiProperty } from '@nestjs/swagger';
import type {
  DatasetDetailView,
  DatasetPreviewView,
  DatasetVersionView,
  DatasetView,
  FeatureView,
  IngestView,
  PreviewLayoutView,
} from '@workbench/services';
import { ApiDate, ApiNullableNumber, ApiNullableString, ApiObject } from '../common/api-schema';

export class ColumnSchemaDto {
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'number' }) type!: string;
}

export class DatasetVersionDto implements DatasetVersionView {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'dataset id' }) dataset!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ description: 'SHA-256 of the stored content; the same content is never stored twice' })
  contentHash!: string;
  @ApiProperty({ enum: ['customers', 'transactions', 'table'] }) kind!: 'customers' | 'transactions' | 'table';
  @ApiNullableString('kind table: its name') table!: string | null;
  @ApiProperty() rowCount!: number;
  @ApiProperty({ description: 'rows skipped (policy skip)' }) rejectedCount!: number;
  @ApiProperty({ type: [ColumnSchemaDto] }) schema!: ColumnSchemaDto[];
  @ApiObject('per column: count, missing, min, max, mean, …') stats!: Record<string, unknown>;
  @ApiObject('ingest report: what was detected, skipped, netted or excluded') report!: Record<string, unknown>;
  @ApiNullableString('file name it was uploaded from') sourceName!: string | null;
  @ApiDate() createdAt!: Date;
}

export class DatasetDto implements DatasetView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiNullableString() description!: string | null;
  @ApiDate() createdAt!: Date;
}

export class DatasetDetailDto extends DatasetDto implements DatasetDetailView {
  @ApiProperty({ type: [DatasetVersionDto] }) versions!: DatasetVersionDto[];
}

export class DatasetNameDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
}

export class IngestDto implements IngestView {
  @ApiProperty({ type: DatasetNameDto }) dataset!: DatasetNameDto;
  @ApiProperty({ description: 'false when this content was stored before (the existing version is returned)' })
  created!: boolean;
  @ApiProperty({ type: DatasetVersionDto }) version!: DatasetVersionDto;
}

export class FeatureDto implements FeatureView {
  @ApiProperty({ example: 'monetary' }) name!: string;
  @ApiProperty({ enum: ['numeric', 'categorical'] }) type!: 'numeric' | 'categorical';
  @ApiNullableString('e.g. days, orders, currency; null for a column of the customers table') unit!: string | null;
  @ApiProperty() definition!: string;
  @ApiProperty({
    description:
      '`rfm@1`, `bgnbd@1` for features derived from transactions; `customers` for a column of the customers table',
  })
  source!: string;
  @ApiProperty({ description: 'customers with a value' }) count!: number;
  @ApiProperty() missing!: number;
  @ApiNullableNumber() min!: number | null;
  @ApiNullableNumber() max!: number | null;
  @ApiNullableNumber() mean!: number | null;
}

export class PreviewRowDto {
  @ApiProperty({ description: 'line of the file the row starts on' }) line!: number;
  @ApiProperty({ type: [String] }) fields!: string[];
}

export class PreviewLayoutDto implements PreviewLayoutView {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    nullable: true,
    description: 'upload fields and their values, as the ingest would read the file (e.g. timestampColumn, dateFormat)',
    example: { customerIdColumn: 'customer_id', timestampColumn: 'invoice_date', amountColumn: 'amount' },
  })
  fields!: Record<string, string> | null;
  @ApiNullableString('why the ingest could not read the file as this kind') problem!: string | null;
}

export class DatasetPreviewDto implements DatasetPreviewView {
  @ApiProperty({ type: [String], description: 'column names' }) columns!: string[];
  @ApiProperty({ type: [PreviewRowDto], description: 'the first 20 data rows' }) rows!: PreviewRowDto[];
  @ApiProperty({ description: 'the head read was the whole file' }) complete!: boolean;
  @ApiProperty({
    enum: ['customers', 'transactions', 'table'],
    description:
      'the kind sent, or the guess: transactions if they can be read, else customers if an id column is found, else table',
  })
  kind!: 'customers' | 'transactions' | 'table';
  @ApiProperty({ type: PreviewLayoutDto }) transactions!: PreviewLayoutDto;
  @ApiProperty({ type: PreviewLayoutDto }) customers!: PreviewLayoutDto;
}
