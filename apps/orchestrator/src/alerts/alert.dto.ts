import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AlertFiringView, AlertView } from '@workbench/services';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { RunRefDto } from '../comparisons/comparison.dto';
import { NamedRefDto } from '../runs/run.dto';
import { ApiDate, ApiNullableString } from '../common/api-schema';

export class CreateAlertDto {
  @ApiProperty({
    description:
      "rule over a segment's KPI keys in the promotion-rule language (and, or, parentheses, >= > <= < == !=); each KPI key k also has k_change, its relative change (now − before) / |before| against the previous version's segment matched by the Hungarian matching (for a scoring: its run's same segment), null for a first version; the alert fires for a run or a scoring when the rule holds for a segment",
    example: 'revenue_change < -0.2 and customers >= 100',
  })
  @IsString()
  @Length(1, 2000)
  rule!: string;

  @ApiPropertyOptional({
    description: 'called with each firing, retried with backoff',
    example: 'https://hooks.example.com/workbench',
  })
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'webhookUrl must be an http:// or https:// URL' })
  webhookUrl?: string;
}

export class FiringSegmentDto {
  @ApiProperty() key!: number;
  @ApiProperty() label!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number', nullable: true },
    description: 'the KPI values the rule read',
  })
  values!: Record<string, number | null>;
}

export class WebhookDeliveryDto {
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] }) status!: string;
  @ApiProperty() attempts!: number;
}

export class FiringScoringDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'the dataset scored' }) dataset!: string;
  @ApiProperty() datasetVersion!: number;
}

export class AlertFiringDto implements AlertFiringView {
  @ApiProperty() id!: string;
  @ApiProperty({ type: RunRefDto, description: 'the run whose KPIs fired it, or whose model the scoring used' })
  run!: RunRefDto;
  @ApiProperty({
    type: FiringScoringDto,
    nullable: true,
    description: "the scoring whose customers' KPIs fired it; null when the run's own did",
  })
  scoring!: FiringScoringDto | null;
  @ApiProperty({ type: [FiringSegmentDto], description: 'segments for which the rule held' })
  segments!: FiringSegmentDto[];
  @ApiProperty({ description: 'the alert.fired event (GET /events)' }) eventId!: string;
  @ApiProperty({ type: WebhookDeliveryDto, nullable: true, description: 'null without a webhook' })
  webhook!: WebhookDeliveryDto | null;
  @ApiDate() createdAt!: Date;
}

export class AlertDto implements AlertView {
  @ApiProperty() id!: string;
  @ApiProperty({ type: NamedRefDto }) segmentation!: NamedRefDto;
  @ApiProperty() rule!: string;
  @ApiNullableString('shown to scientists and admins only') webhookUrl!: string | null;
  @ApiProperty() createdBy!: string;
  @ApiDate() createdAt!: Date;
  @ApiProperty({ type: [AlertFiringDto], description: 'once per breaching run or scoring, newest first' })
  firings!: AlertFiringDto[];
}
