import { ApiProperty } from '@nestjs/swagger';
import type { KpiValueView, RunReportView, RunView, SegmentView } from '@workbench/services';
import { ApiDate, ApiNullableNumber, ApiNullableString, ApiObject } from '../common/api-schema';

// Response shapes of runs: classes over the views of @workbench/services (which the CLI prints too),
// so OpenAPI describes exactly what is sent and the compiler keeps both in step.

export class NamedRefDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
}

export class DatasetRefDto {
  @ApiProperty() id!: string;
  @ApiNullableString() name!: string | null;
}

export class RunDatasetVersionDto {
  @ApiProperty() id!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ description: 'SHA-256 of the stored content' }) contentHash!: string;
}

export class PluginRefDto {
  @ApiProperty({ example: 'segmenter-kmeans' }) name!: string;
  @ApiProperty({ example: '1.0.0' }) version!: string;
}

export class RunTimingsDto {
  @ApiDate() queuedAt!: Date;
  @ApiDate('start of the last attempt', true) startedAt!: Date | null;
  @ApiDate(undefined, true) finishedAt!: Date | null;
  @ApiNullableNumber('from the start of the last attempt to the end; null until finished') durationMs!: number | null;
}

export class RunDto implements RunView {
  @ApiProperty() id!: string;
  @ApiProperty({ type: NamedRefDto }) segmentation!: NamedRefDto;
  @ApiProperty({ description: 'version of the segmentation this run is' }) version!: number;
  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'failed', 'cancelled'] }) status!: string;
  @ApiProperty({ description: '0..1' }) progress!: number;
  @ApiNullableString() progressNote!: string | null;
  @ApiProperty() attempts!: number;
  @ApiNullableString('why the run failed (or why the last attempt did)') error!: string | null;
  @ApiProperty({ type: DatasetRefDto }) dataset!: DatasetRefDto;
  @ApiProperty({ type: RunDatasetVersionDto }) datasetVersion!: RunDatasetVersionDto;
  @ApiProperty({ type: PluginRefDto }) plugin!: PluginRefDto;
  @ApiObject('params the plugin was run with') params!: Record<string, unknown>;
  @ApiProperty() seed!: number;
  @ApiNullableString('name and version of the derived features') featureSet!: string | null;
  @ApiNullableString() workbenchVersion!: string | null;
  @ApiNullableString('compute backend the plugin used') backend!: string | null;
  @ApiObject("the model's metrics (k, inertia, silhouette, …)", true) metrics!: Record<string, unknown> | null;
  @ApiProperty({ type: RunTimingsDto }) timings!: RunTimingsDto;
}

export class SegmentDto implements SegmentView {
  @ApiProperty() key!: number;
  @ApiProperty() label!: string;
  @ApiProperty({ description: 'customers in the segment' }) size!: number;
  @ApiProperty({ description: 'share of all customers, 0..1' }) share!: number;
  @ApiNullableNumber("share of the dataset's revenue, when it has a revenue column") revenueShare!: number | null;
  @ApiObject('feature means and other summaries per segment') profile!: Record<string, unknown>;
}

export class KpiIntervalDto {
  @ApiProperty() lower!: number;
  @ApiProperty() upper!: number;
  @ApiNullableString('how the interval was computed, e.g. bootstrap or delta method') method!: string | null;
}

export class KpiWindowDto {
  @ApiProperty({ format: 'date' }) start!: string;
  @ApiProperty({ format: 'date' }) end!: string;
}

export class KpiValueDto implements KpiValueView {
  @ApiNullableNumber('segment key; null for all customers') segmentKey!: number | null;
  @ApiNullableString('segment label; null for all customers') segment!: string | null;
  @ApiProperty({ example: 'average_order_value' }) kpi!: string;
  @ApiNullableNumber('null when it cannot be computed (the note says why)') value!: number | null;
  @ApiProperty({ example: 'currency' }) unit!: string;
  @ApiNullableNumber('customers it was computed over') n!: number | null;
  @ApiProperty({ type: KpiIntervalDto, nullable: true, description: '95% interval' }) interval!: KpiIntervalDto | null;
  @ApiProperty({ type: KpiWindowDto, nullable: true, description: 'period of the transactions it was computed from' })
  window!: KpiWindowDto | null;
  @ApiProperty({ description: '`name@version` of the evaluator, or `workbench` for the counts every run stores' })
  evaluator!: string;
  @ApiNullableString() title!: string | null;
  @ApiNullableString("definition from the evaluator's manifest") definition!: string | null;
  @ApiProperty({ type: Boolean, nullable: true }) higherIsBetter!: boolean | null;
  @ApiNullableString() note!: string | null;
  @ApiObject(
    "structured figures behind the value, as the evaluator gave them: e.g. kpi-clv's fitted BG/NBD and Gamma-Gamma parameters, log-likelihood, convergence and calibration-vs-holdout table; null when none",
    true,
  )
  details!: Record<string, unknown> | null;
}

export class RunReportDto implements RunReportView {
  @ApiProperty({ type: RunDto }) run!: RunDto;
  @ApiProperty({ type: [SegmentDto] }) segments!: SegmentDto[];
  @ApiProperty({ type: [KpiValueDto] }) kpis!: KpiValueDto[];
}

export class AssignmentDto {
  @ApiProperty() customerId!: string;
  @ApiProperty() segmentKey!: number;
  @ApiProperty() segmentLabel!: string;
  @ApiNullableNumber('model score (e.g. churn probability), when the model gives one') score!: number | null;
}
