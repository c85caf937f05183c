import { ApiProperty } from '@nestjs/swagger';
import type { OnlineScoresView, ScoredRow, ScoringView } from '@workbench/services';
import { RunRefDto } from '../comparisons/comparison.dto';
import { ApiDate, ApiNullableNumber, ApiNullableString } from '../common/api-schema';

export class ScoredDatasetDto {
  @ApiProperty() id!: string;
  @ApiNullableString() name!: string | null;
  @ApiProperty({ description: 'dataset version scored' }) version!: number;
}

export class SegmentCountDto {
  @ApiProperty() key!: number;
  @ApiProperty() label!: string;
  @ApiProperty({ description: 'customers of the scored data put in this segment' }) count!: number;
}

export class ScoringDto implements ScoringView {
  @ApiProperty() id!: string;
  @ApiProperty({ type: RunRefDto, description: 'the run whose model scored' }) run!: RunRefDto;
  @ApiProperty({ type: ScoredDatasetDto }) dataset!: ScoredDatasetDto;
  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'failed'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiNullableString('why the scoring failed (or why the last attempt did)') error!: string | null;
  @ApiNullableString('features scored, named as a run names them') featureSet!: string | null;
  @ApiNullableNumber('customers in the scored data') rowCount!: number | null;
  @ApiNullableNumber('customers given a segment') scoredCount!: number | null;
  @ApiNullableNumber('customers the model refused (GET /scorings/:id/errors says why)') errorCount!: number | null;
  @ApiProperty({ type: [SegmentCountDto] }) segments!: SegmentCountDto[];
  @ApiDate() createdAt!: Date;
  @ApiDate(undefined, true) finishedAt!: Date | null;
}

export class ScoredRowDto implements ScoredRow {
  @ApiProperty() customerId!: string;
  @ApiNullableNumber('null when the customer could not be scored') segmentKey!: number | null;
  @ApiNullableString() segmentLabel!: string | null;
  @ApiNullableNumber('model score (e.g. churn probability), when the model gives one') score!: number | null;
  @ApiNullableString("why the customer could not be scored (the plugin's message); null when scored") error!:
    | string
    | null;
}

export class OnlineScoresDto implements OnlineScoresView {
  @ApiProperty({ type: RunRefDto, description: 'the run whose model scored (an alias resolved)' }) run!: RunRefDto;
  @ApiProperty({ type: [ScoredRowDto] }) rows!: ScoredRowDto[];
}

export class RowErrorDto {
  @ApiProperty({ description: '1-based row of the scored data' }) row!: number;
  @ApiProperty() customerId!: string;
  @ApiProperty() message!: string;
}
