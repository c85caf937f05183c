import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString } from 'class-validator';
import type { KpiHistoryLineView, KpiHistoryView, KpiPointView } from '@workbench/services';
import { ApiNullableNumber, ApiNullableString } from '../common/api-schema';

/** Which KPI to follow, and whose segments name the lines. */
export class KpiHistoryQueryDto {
  @ApiProperty({ description: 'KPI key, as in GET /runs/:id/kpis', example: 'average_order_value' })
  @IsString()
  @IsNotEmpty()
  kpi!: string;

  @ApiPropertyOptional({
    description: 'alias whose run anchors the lines (names them, comes first); default the latest version',
    example: 'champion',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  alias?: string;
}

export class KpiPointDto implements KpiPointView {
  @ApiNullableNumber() value!: number | null;
  @ApiNullableNumber('lower end of the interval') lower!: number | null;
  @ApiNullableNumber('upper end of the interval') upper!: number | null;
  @ApiNullableNumber('customers it was computed over') n!: number | null;
}

export class KpiHistoryLineDto implements KpiHistoryLineView {
  @ApiProperty({ description: 'label in the anchor version, else in the newest version the segment is in' })
  label!: string;
  @ApiProperty({
    type: [Number],
    nullable: true,
    description: 'segment key per version; null where the chain has no segment',
  })
  keys!: (number | null)[];
  @ApiProperty({ type: [String], nullable: true, description: 'segment label per version' }) labels!: (string | null)[];
  @ApiProperty({ type: [KpiPointDto], nullable: true, description: 'value per version' })
  points!: (KpiPointDto | null)[];
}

export class KpiHistoryAnchorDto {
  @ApiNullableString() alias!: string | null;
  @ApiProperty() runId!: string;
  @ApiProperty() version!: number;
}

export class KpiHistoryVersionDto {
  @ApiProperty() runId!: string;
  @ApiProperty() version!: number;
  @ApiProperty() datasetVersion!: number;
}

export class KpiHistoryLinkDto {
  @ApiProperty() from!: number;
  @ApiProperty() to!: number;
  @ApiNullableString(
    'the stored comparison whose matching linked the two versions; null when computed from their assignments',
  )
  comparison!: string | null;
}

export class KpiHistoryDto implements KpiHistoryView {
  @ApiProperty() segmentation!: string;
  @ApiProperty() kpi!: string;
  @ApiNullableString() title!: string | null;
  @ApiNullableString() unit!: string | null;
  @ApiProperty({ type: Boolean, nullable: true }) higherIsBetter!: boolean | null;
  @ApiProperty({ type: KpiHistoryAnchorDto }) anchor!: KpiHistoryAnchorDto;
  @ApiProperty({ type: [KpiHistoryVersionDto], description: 'finished versions, oldest first' })
  versions!: KpiHistoryVersionDto[];
  @ApiProperty({ type: [KpiHistoryLinkDto] }) links!: KpiHistoryLinkDto[];
  @ApiProperty({ type: [KpiPointDto], nullable: true, description: 'over all customers, per version' })
  overall!: (KpiPointDto | null)[];
  @ApiProperty({
    type: [KpiHistoryLineDto],
    description: 'one line per segment followed through the versions by the Hungarian matching of consecutive versions',
  })
  lines!: KpiHistoryLineDto[];
}
