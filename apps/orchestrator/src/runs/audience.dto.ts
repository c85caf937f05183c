import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

/** Largest page of an audience: a marketing tool syncs a big segment page by page. */
export const MAX_AUDIENCE_PAGE = 100_000;

/** One page of a segment's customers, as CSV (default) or JSON. */
export class AudienceQueryDto {
  @ApiPropertyOptional({ enum: ['csv', 'json'], default: 'csv' })
  @IsOptional()
  @IsIn(['csv', 'json'])
  format: 'csv' | 'json' = 'csv';

  @ApiPropertyOptional({ default: 0, description: 'customers of the segment to skip, in the data’s row order' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset = 0;

  @ApiPropertyOptional({ default: 10_000, maximum: MAX_AUDIENCE_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_AUDIENCE_PAGE)
  limit = 10_000;
}
