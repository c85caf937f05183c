import { ApiProperty } from '@nestjs/swagger';
import type { HistoryEntry } from '@workbench/services';
import { ApiDate, ApiNullableNumber } from '../common/api-schema';

export class HistoryEntryDto implements HistoryEntry {
  @ApiProperty({ description: 'segmentation name' }) segmentation!: string;
  @ApiProperty() runId!: string;
  @ApiProperty() version!: number;
  @ApiProperty() datasetVersion!: number;
  @ApiProperty() segmentKey!: number;
  @ApiProperty() segmentLabel!: string;
  @ApiNullableNumber() score!: number | null;
  @ApiDate(undefined, true) finishedAt!: Date | null;
}
