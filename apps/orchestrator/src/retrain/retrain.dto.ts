import { ApiProperty } from '@nestjs/swagger';
import type { RetrainPolicyView, RetrainRequestView, WorkbenchEventView } from '@workbench/services';
import { ApiDate, ApiNullableString, ApiObject } from '../common/api-schema';
import { RunVersionRefDto } from '../segmentations/segmentation.dto';

export class RetrainPolicyDto implements RetrainPolicyView {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'segmentation name' }) segmentation!: string;
  @ApiProperty({ enum: ['dataset', 'cron'] }) trigger!: 'dataset' | 'cron';
  @ApiNullableString('five-field cron expression, UTC') cron!: string | null;
  @ApiProperty({ example: 'ari >= 0.8 and silhouette_drop <= 0.02' }) rule!: string;
  @ApiNullableString() webhookUrl!: string | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty() createdBy!: string;
  @ApiDate() createdAt!: Date;
}

export class RetrainReviewDto {
  @ApiProperty({ enum: ['promoted', 'rejected'] }) decision!: 'promoted' | 'rejected';
  @ApiProperty({ description: 'API key name that decided' }) by!: string;
  @ApiDate() at!: Date;
}

export class RetrainRequestDto implements RetrainRequestView {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'policy id' }) policy!: string;
  @ApiProperty() segmentation!: string;
  @ApiProperty({ description: 'what caused it: a dataset version, a cron slot or a manual request' }) trigger!: string;
  @ApiProperty({ enum: ['queued', 'training', 'promoted', 'flagged', 'failed'] }) status!:
    | 'queued'
    | 'training'
    | 'promoted'
    | 'flagged'
    | 'failed';
  @ApiProperty({ description: 'dataset version it retrained on' }) datasetVersion!: number;
  @ApiProperty({ type: RunVersionRefDto, nullable: true }) run!: RunVersionRefDto | null;
  @ApiProperty({ type: RunVersionRefDto, nullable: true }) champion!: RunVersionRefDto | null;
  @ApiObject("the rule's clauses with their values, or why it could not be evaluated", true) outcome!: Record<
    string,
    unknown
  > | null;
  @ApiObject('drift report between champion and candidate', true) drift!: Record<string, unknown> | null;
  @ApiNullableString() error!: string | null;
  @ApiProperty({
    type: RetrainReviewDto,
    nullable: true,
    description: 'the decision a person took on a flagged candidate (promote or reject), null until then',
  })
  review!: RetrainReviewDto | null;
  @ApiDate() createdAt!: Date;
  @ApiDate(undefined, true) finishedAt!: Date | null;
}

export class RuleErrorDto {
  @ApiProperty({ description: '1-based column of the offending token (the length + 1 for the end of the rule)' })
  column!: number;
  @ApiProperty({ example: "expected a number after '>=', found 'high'" }) detail!: string;
  @ApiProperty({ example: "at column 8: expected a number after '>=', found 'high'" }) message!: string;
}

export class RuleCheckDto {
  @ApiProperty({ description: 'true when a policy would accept the rule' }) ok!: boolean;
  @ApiProperty({ type: [String], required: false, description: 'metrics the rule reads (when ok)' })
  metrics?: string[];
  @ApiProperty({ type: RuleErrorDto, required: false, description: 'where and why it does not parse (when not ok)' })
  error?: RuleErrorDto;
}

export class RuleMetricDto {
  @ApiProperty({ example: 'ari' }) name!: string;
  @ApiProperty() description!: string;
}

export class WebhookStatusDto {
  @ApiProperty({ example: 'delivered' }) status!: string;
  @ApiProperty() attempts!: number;
}

export class WorkbenchEventDto implements WorkbenchEventView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'retrain.promoted' }) kind!: string;
  @ApiProperty() segmentation!: string;
  @ApiNullableString() runId!: string | null;
  @ApiNullableString('retrain request id') retrain!: string | null;
  @ApiProperty() message!: string;
  @ApiObject('details of the outcome') details!: Record<string, unknown>;
  @ApiProperty({ type: WebhookStatusDto }) webhook!: WebhookStatusDto;
  @ApiDate() createdAt!: Date;
}
