import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export class KpiEvaluatorDto {
  @ApiProperty({ description: 'registered KPI evaluator plugin', example: 'kpi-standard' })
  @IsString()
  plugin!: string;

  @ApiPropertyOptional({ description: "the evaluator's params" })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;
}

export class PluginLimitsDto {
  @ApiPropertyOptional({
    description: "seconds one run's plugins may take (default 300, at most WORKBENCH_PLUGIN_MAX_SECONDS)",
    example: 600,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  timeoutSeconds?: number;

  @ApiPropertyOptional({
    description: "MiB of memory one run's plugins may use (default 2048, at most WORKBENCH_PLUGIN_MAX_MEMORY_MB)",
    example: 4096,
  })
  @IsOptional()
  @IsInt()
  @Min(64)
  memoryMb?: number;
}

export class CreateSegmentationDto {
  @ApiProperty({ example: 'customers-kmeans' })
  @Matches(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,99}$/, {
    message: "name must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit",
  })
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiProperty({ description: 'registered segmentation plugin (GET /plugins)', example: 'segmenter-kmeans' })
  @IsString()
  plugin!: string;

  @ApiPropertyOptional({
    description: "the plugin's params, validated against its params class",
    example: { features: ['recency_days', 'frequency', 'monetary'], k: 4 },
  })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;

  @ApiProperty({ description: 'dataset id or name to train on', example: 'online-retail-customers' })
  @IsString()
  dataset!: string;

  @ApiPropertyOptional({ type: [KpiEvaluatorDto], description: 'KPI evaluators run after each training' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => KpiEvaluatorDto)
  kpis?: KpiEvaluatorDto[];

  @ApiPropertyOptional({
    description:
      'for predictors: a `churned` label derived from the transactions (no purchase in the last N days; features as of N days before the end)',
    example: 90,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  churnHorizonDays?: number;

  @ApiPropertyOptional({
    type: PluginLimitsDto,
    description: "time and memory limits of each run's plugins; beyond them the run fails with that reason",
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => PluginLimitsDto)
  limits?: PluginLimitsDto;
}
