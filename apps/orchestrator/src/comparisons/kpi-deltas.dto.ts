import { ApiProperty } from '@nestjs/swagger';
import type { ComparisonKpiDeltasView, KpiDeltaView, MatchedSegmentKpisView } from '@workbench/services';
import { ApiNullableNumber, ApiNullableString } from '../common/api-schema';
import { RunRefDto } from './comparison.dto';

export class KpiDeltaIntervalDto {
  @ApiProperty() lower!: number;
  @ApiProperty() upper!: number;
  @ApiProperty({
    description: "'MOVER': from the two runs' intervals of the KPI (Zou & Donner 2008, Stat. Med. 27:1693)",
    example: 'MOVER',
  })
  method!: string;
}

export class KpiDeltaDto implements KpiDeltaView {
  @ApiProperty({ example: 'average_order_value' }) kpi!: string;
  @ApiProperty({ description: "the evaluator's name (without version)", example: 'kpi-standard' }) evaluator!: string;
  @ApiNullableString() title!: string | null;
  @ApiProperty({ example: 'currency' }) unit!: string;
  @ApiProperty({ type: Boolean, nullable: true }) higherIsBetter!: boolean | null;
  @ApiNullableNumber("run A's value") a!: number | null;
  @ApiNullableNumber("run B's value") b!: number | null;
  @ApiNullableNumber('B − A; null when either value is') delta!: number | null;
  @ApiProperty({
    type: KpiDeltaIntervalDto,
    nullable: true,
    description: "interval of B − A at the KPIs' confidence level; null when either value has no interval",
  })
  interval!: KpiDeltaIntervalDto | null;
  @ApiProperty({ type: Boolean, nullable: true, description: 'the interval excludes 0; null without an interval' })
  significant!: boolean | null;
}

export class SegmentRefDto {
  @ApiProperty() key!: number;
  @ApiProperty() label!: string;
}

export class MatchedSegmentKpisDto implements MatchedSegmentKpisView {
  @ApiProperty({ type: SegmentRefDto }) a!: SegmentRefDto;
  @ApiProperty({ type: SegmentRefDto }) b!: SegmentRefDto;
  @ApiProperty({ type: [KpiDeltaDto] }) kpis!: KpiDeltaDto[];
}

export class ComparisonKpiDeltasDto implements ComparisonKpiDeltasView {
  @ApiProperty({ description: 'comparison id' }) comparison!: string;
  @ApiProperty({ type: RunRefDto }) runA!: RunRefDto;
  @ApiProperty({ type: RunRefDto }) runB!: RunRefDto;
  @ApiProperty({ type: [KpiDeltaDto], description: 'over all customers' }) overall!: KpiDeltaDto[];
  @ApiProperty({
    type: [MatchedSegmentKpisDto],
    description: 'per pair of segments the comparison matched (Hungarian, on overlap)',
  })
  pairs!: MatchedSegmentKpisDto[];
}
