import { ApiProperty } from '@nestjs/swagger';
import type { ComparisonView, RunRefView } from '@workbench/services';
import { ApiDate, ApiNullableString, ApiObject } from '../common/api-schema';

export class RunRefDto implements RunRefView {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'segmentation name' }) segmentation!: string;
  @ApiProperty() version!: number;
}

export class ComparisonDto implements ComparisonView {
  @ApiProperty() id!: string;
  @ApiProperty({ type: RunRefDto }) runA!: RunRefDto;
  @ApiProperty({ type: RunRefDto }) runB!: RunRefDto;
  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'failed'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiNullableString() error!: string | null;
  @ApiObject('agreement: ari, nmi, matched, onlyInA, onlyInB', true) metrics!: Record<string, unknown> | null;
  @ApiObject('migration matrix: labelsA, labelsB, counts, rowPercent', true) migration!: Record<string, unknown> | null;
  @ApiObject('segments matched on overlap (Hungarian) with KPI changes B − A and 95% intervals', true)
  matching!: Record<string, unknown> | null;
  @ApiDate() createdAt!: Date;
  @ApiDate(undefined, true) finishedAt!: Date | null;
}
