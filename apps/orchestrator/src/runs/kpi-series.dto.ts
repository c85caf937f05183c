import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SERIES_PERIODS, type SeriesPeriod } from '@workbench/compare';
import type { KpiSeriesView, SegmentSeriesView } from '@workbench/services';
import { IsIn, IsOptional } from 'class-validator';
import { RunRefDto } from '../comparisons/comparison.dto';
import { ApiNullableNumber, ApiNullableString } from '../common/api-schema';

export class KpiSeriesQueryDto {
  @ApiPropertyOptional({
    enum: SERIES_PERIODS,
    default: 'month',
    description: 'calendar months, or ISO weeks (Monday to Sunday), UTC',
  })
  @IsOptional()
  @IsIn(SERIES_PERIODS)
  period: SeriesPeriod = 'month';
}

export class SeriesPeriodDto {
  @ApiProperty({ example: '2011-03', description: 'the month, or the Monday of the week' }) name!: string;
  @ApiProperty({ format: 'date', description: 'first day (UTC)' }) start!: string;
  @ApiProperty({ format: 'date', description: 'day after the last (UTC)' }) end!: string;
}

export class SeriesPointDto {
  @ApiProperty({ description: 'name of the period' }) period!: string;
  @ApiProperty({ description: "sum of the period's transaction amounts; returns and cancellations net against it" })
  revenue!: number;
  @ApiProperty({ description: 'distinct orders among purchase lines (without order ids: purchase days of a customer)' })
  orders!: number;
  @ApiProperty({ description: 'customers with a purchase in the period' }) activeCustomers!: number;
  @ApiNullableNumber('revenue / orders; null without orders') averageOrderValue!: number | null;
  @ApiProperty({ description: "customers whose first purchase is in the period (the period's cohort)" })
  newCustomers!: number;
  @ApiNullableNumber(
    "share of the period's cohort who purchase in the next period; null without a cohort or a next period",
  )
  cohortRetention!: number | null;
}

export class SegmentSeriesDto implements SegmentSeriesView {
  @ApiNullableNumber('segment key; null for all customers') segmentKey!: number | null;
  @ApiNullableString('segment label; null for all customers') segment!: string | null;
  @ApiProperty({ type: [SeriesPointDto] }) points!: SeriesPointDto[];
}

export class KpiSeriesDto implements KpiSeriesView {
  @ApiProperty({ type: RunRefDto }) run!: RunRefDto;
  @ApiProperty({ enum: SERIES_PERIODS }) period!: string;
  @ApiProperty({
    type: [SeriesPeriodDto],
    description: 'every period from the first transaction to the last, empty ones included',
  })
  periods!: SeriesPeriodDto[];
  @ApiProperty({ type: [SegmentSeriesDto], description: 'each segment, then all customers' })
  series!: SegmentSeriesDto[];
}
