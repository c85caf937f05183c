import { ApiProperty } from '@nestjs/swagger';
import type { AliasEventView, AliasView, SegmentationView } from '@workbench/services';
import { ApiDate, ApiNullableNumber, ApiNullableString, ApiObject } from '../common/api-schema';
import { NamedRefDto } from '../runs/run.dto';

export class SegmentationKpiDto {
  @ApiProperty({ example: 'kpi-standard' }) plugin!: string;
  @ApiObject("the evaluator's params") params!: Record<string, unknown>;
}

export class SegmentationTargetDto {
  @ApiProperty({ description: "label 'churned' = no purchase in the data's last N days" }) churnHorizonDays!: number;
}

export class SegmentationDto implements SegmentationView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiNullableString() description!: string | null;
  @ApiProperty({ example: 'segmenter-kmeans' }) plugin!: string;
  @ApiObject("the plugin's params") params!: Record<string, unknown>;
  @ApiProperty({ type: [String] }) features!: string[];
  @ApiProperty({ type: [SegmentationKpiDto], description: 'KPI evaluators run after each training' })
  kpis!: SegmentationKpiDto[];
  @ApiProperty({ type: SegmentationTargetDto, nullable: true }) target!: SegmentationTargetDto | null;
  @ApiProperty({ type: NamedRefDto }) dataset!: NamedRefDto;
  @ApiDate() createdAt!: Date;
}

export class RunVersionRefDto {
  @ApiProperty() id!: string;
  @ApiProperty() version!: number;
}

export class AliasDto implements AliasView {
  @ApiProperty({ example: 'champion' }) name!: string;
  @ApiProperty({ type: RunVersionRefDto }) run!: RunVersionRefDto;
  @ApiDate() updatedAt!: Date;
  @ApiProperty({ description: 'API key name, cli, or the retrain policy that moved it' }) updatedBy!: string;
}

export class AliasEventDto implements AliasEventView {
  @ApiProperty() name!: string;
  @ApiNullableNumber('null for the first move') fromVersion!: number | null;
  @ApiProperty() toVersion!: number;
  @ApiProperty() movedBy!: string;
  @ApiDate() movedAt!: Date;
}
